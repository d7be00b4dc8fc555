//! How things are named on screen: status badges, integration names, copyable ids.

use leptos::prelude::*;
use meshes_protocol::api::{ConnectionState, Status};

#[component]
pub fn StatusBadge(status: Status) -> impl IntoView {
    let class = format!("badge badge-{}", status.as_str());
    view! { <span class=class>{status_label(status)}</span> }
}

/// A status in words, as the badges and the Events filter say it (the API's codes stay in
/// `data-status` and in URLs).
pub fn status_label(status: Status) -> &'static str {
    match status {
        Status::Pending => "Pending",
        Status::Processing => "In progress",
        Status::Retrying => "Retrying",
        Status::Completed => "Completed",
        Status::Failed => "Failed",
        Status::Canceled => "Canceled",
    }
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

/// How history names a connection, never by its id: its name (`None` when the API gave none:
/// a connection hidden from this session, or an API without the additive fields), marked
/// "(deleted)" or "(hidden)" when that is the case, else the integration's name.
pub fn connection_label(name: Option<&str>, state: Option<ConnectionState>, kind: &str) -> String {
    let name = name.filter(|n| !n.is_empty()).map_or_else(
        || format!("{} connection", integration_label(kind)),
        str::to_owned,
    );
    match state {
        Some(ConnectionState::Deleted) => format!("{name} (deleted)"),
        Some(ConnectionState::Hidden) => format!("{name} (hidden)"),
        Some(ConnectionState::Live) | None => name,
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

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn history_names_connections_and_says_what_became_of_them() {
        let label = |name, state, kind| connection_label(name, state, kind);
        assert_eq!(label(Some("Reject hook"), None, "webhook"), "Reject hook");
        assert_eq!(
            label(
                Some("Reject hook"),
                Some(ConnectionState::Deleted),
                "webhook"
            ),
            "Reject hook (deleted)"
        );
        // Hidden from this session: no name came, so the integration stands in (never the id).
        assert_eq!(
            label(None, Some(ConnectionState::Hidden), "hubspot"),
            "HubSpot connection (hidden)"
        );
        assert_eq!(
            label(Some(""), Some(ConnectionState::Deleted), "slack"),
            "Slack connection (deleted)"
        );
        // An API without the additive fields: a neutral name, no guess about why.
        assert_eq!(label(None, None, "webhook"), "Webhook connection");
    }
}
