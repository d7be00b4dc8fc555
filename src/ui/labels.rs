//! How things are named on screen: status badges, integration names, copyable ids.

use leptos::prelude::*;
use meshes_protocol::api::Status;

#[component]
pub fn StatusBadge(status: Status) -> impl IntoView {
    let class = format!("badge badge-{}", status.as_str());
    view! { <span class=class>{status.as_str()}</span> }
}

/// Display names of integration types (meshes-spec §5.3).
pub fn integration_label(kind: &str) -> &str {
    match kind {
        "activecampaign" => "ActiveCampaign",
        "aweber" => "AWeber",
        "customer_io" => "Customer.io",
        "discord" => "Discord",
        "hubspot" => "HubSpot",
        "intercom" => "Intercom",
        "mailchimp" => "Mailchimp",
        "mailerlite" => "MailerLite",
        "pipedrive" => "Pipedrive",
        "resend" => "Resend",
        "sendgrid" => "SendGrid",
        "salesforce" => "Salesforce",
        "slack" => "Slack",
        "webhook" => "Webhook",
        "zoom" => "Zoom",
        other => other,
    }
}

/// An id in monospace with a copy button (ids are what support asks for). "Copied" only when
/// the clipboard took it: a cross-origin frame may lack the `clipboard-write` permission, and
/// then the id is selected with a hint to copy it by hand.
#[component]
pub fn CopyId(#[prop(into)] id: String) -> impl IntoView {
    let state = RwSignal::new(None::<bool>);
    let code = NodeRef::<leptos::html::Code>::new();
    let text = id.clone();
    let copy = move |_| {
        let written = web_sys::window()
            .map(|w| w.navigator())
            .filter(|n| js_sys::Reflect::has(n, &"clipboard".into()).unwrap_or(false))
            .map(|n| n.clipboard().write_text(&text));
        leptos::task::spawn_local(async move {
            let ok = match written {
                Some(p) => wasm_bindgen_futures::JsFuture::from(p).await.is_ok(),
                None => false,
            };
            if !ok
                && let (Some(el), Some(sel)) = (
                    code.get_untracked(),
                    web_sys::window().and_then(|w| w.get_selection().ok().flatten()),
                )
            {
                let _ = sel.select_all_children(&el);
            }
            state.set(Some(ok));
        });
    };
    view! {
        <span class="copy-id">
            <code node_ref=code>{id.clone()}</code>
            <button type="button" class="btn-link" on:click=copy aria-label=format!("Copy id {id}")>
                {move || if state.get() == Some(true) { "Copied" } else { "Copy" }}
            </button>
            <span class="copy-hint" role="status">
                {move || {
                    (state.get() == Some(false))
                        .then_some("Selected — press Ctrl+C (⌘C on a Mac) to copy")
                }}
            </span>
        </span>
    }
}
