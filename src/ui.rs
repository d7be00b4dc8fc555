//! Small shared view pieces. Text only — no `inner_html` anywhere, so nothing from the API or a
//! message can become markup.

use crate::error::AppError;
use leptos::prelude::*;
use meshes_protocol::api::Status;

#[component]
pub fn PageHeader(
    #[prop(into)] title: String,
    #[prop(into, optional)] subtitle: Option<String>,
) -> impl IntoView {
    view! {
        <div class="page-header">
            <h1>{title}</h1>
            {subtitle.map(|s| view! { <p class="subtitle">{s}</p> })}
        </div>
    }
}

/// What went wrong and who can fix it; optional retry.
#[component]
pub fn ErrorState(
    err: AppError,
    #[prop(optional, into)] retry: Option<Callback<()>>,
) -> impl IntoView {
    let remedy = err.remedy();
    let retry = retry.filter(|_| err.is_retryable() || matches!(err, AppError::Http { .. }));
    view! {
        <div class="error-state" role="alert">
            <p class="error-title">{err.message()}</p>
            <p class="error-remedy">{remedy}</p>
            {retry
                .map(|cb| {
                    view! {
                        <button type="button" class="btn" on:click=move |_| cb.run(())>
                            "Try again"
                        </button>
                    }
                })}
        </div>
    }
}

/// Placeholder rows shaped like the content, so nothing jumps when data arrives.
#[component]
pub fn Skeleton(#[prop(default = 3)] rows: usize) -> impl IntoView {
    // Its height is not the page's: the host hears of the size once the content is here.
    crate::resize::owned_hold();
    view! {
        <div class="skeleton" aria-busy="true" aria-label="Loading">
            {(0..rows).map(|_| view! { <div class="skeleton-row"></div> }).collect_view()}
        </div>
    }
}

#[component]
pub fn StatusBadge(status: Status) -> impl IntoView {
    let class = format!("badge badge-{}", status.as_str());
    view! { <span class=class>{status.as_str()}</span> }
}

/// A timestamp in the viewer's locale and zone, with the exact UTC value on hover.
#[component]
pub fn Time(#[prop(into)] at: String) -> impl IntoView {
    let local = local_time(&at).unwrap_or_else(|| at.clone());
    view! {
        <time datetime=at.clone() title=at>
            {local}
        </time>
    }
}

thread_local! {
    /// One formatter for every timestamp, as `Date.toLocaleString()` writes them (date and time,
    /// the viewer's locale and zone). `toLocaleString(locale)` builds a new one per call: about
    /// 0.35 ms each, so a 50-row table spent 70 ms of a 4×-throttled task on dates alone.
    static LOCAL_TIME: js_sys::Function = {
        let options = js_sys::Object::new();
        for (key, value) in [
            ("year", "numeric"),
            ("month", "numeric"),
            ("day", "numeric"),
            ("hour", "numeric"),
            ("minute", "2-digit"),
            ("second", "2-digit"),
        ] {
            let _ = js_sys::Reflect::set(&options, &key.into(), &value.into());
        }
        js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &options).format()
    };
}

/// `at` (RFC 3339) in the viewer's locale and zone; `None` if it is not a date.
pub fn local_time(at: &str) -> Option<String> {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(at));
    if date.get_time().is_nan() {
        return None;
    }
    LOCAL_TIME
        .with(|format| format.call1(&wasm_bindgen::JsValue::UNDEFINED, &date))
        .ok()?
        .as_string()
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

/// `2026-11-28T10:00` (a `datetime-local` value, viewer's zone) -> `2026-11-28T09:00:00Z`.
pub fn local_input_to_utc(value: &str) -> Option<String> {
    if value.is_empty() {
        return None;
    }
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(value));
    if d.get_time().is_nan() {
        return None;
    }
    let iso = String::from(d.to_iso_string());
    iso.get(..19).map(|s| format!("{s}Z"))
}

/// The reverse of `local_input_to_utc`, for filling the input from the URL.
pub fn utc_to_local_input(value: &str) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(value));
    if d.get_time().is_nan() {
        return String::new();
    }
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes()
    )
}

/// The message a failed form save shows next to one input, if the server named it.
pub fn param_error(err: &Option<AppError>, param: &str) -> Option<String> {
    match err {
        Some(AppError::Http { body: Some(b), .. }) => b
            .params()
            .iter()
            .find(|p| p.param == param)
            .map(|p| p.msg.clone()),
        _ => None,
    }
}

/// Why the controls of a page are missing, in one line, instead of silently hiding them.
#[component]
pub fn ReadOnlyNote(#[prop(into)] reason: String) -> impl IntoView {
    view! {
        <p class="note" role="note">
            {reason}
        </p>
    }
}

/// Outcome of the last action on a page: a success line, or the error state.
#[derive(Clone, Debug)]
pub enum Notice {
    Done(String),
    Failed(AppError),
}

#[component]
pub fn NoticeView(notice: RwSignal<Option<Notice>>) -> impl IntoView {
    move || match notice.get() {
        None => None,
        Some(Notice::Done(text)) => Some(
            view! {
                <p class="notice-ok" role="status">
                    {text}
                </p>
            }
            .into_any(),
        ),
        Some(Notice::Failed(err)) => Some(view! { <ErrorState err /> }.into_any()),
    }
}

/// A destructive button that asks in the page instead of `window.confirm`: a host that sandboxes
/// the iframe without `allow-modals` makes `confirm()` answer "no" silently, and a real modal
/// freezes the host's whole tab. The safe choice gets focus; Escape also keeps.
#[component]
pub fn ConfirmButton(
    label: &'static str,
    #[prop(into)] question: String,
    yes: &'static str,
    class: &'static str,
    #[prop(into)] enabled: Signal<bool>,
    on_yes: Callback<()>,
) -> impl IntoView {
    let asking = RwSignal::new(false);
    let keep = NodeRef::<leptos::html::Button>::new();
    Effect::new(move || {
        if let Some(b) = keep.get() {
            let _ = b.focus();
        }
    });
    let question = StoredValue::new(question);
    view! {
        <Show
            when=move || asking.get()
            fallback=move || {
                view! {
                    <button
                        type="button"
                        class=class
                        disabled=move || !enabled.get()
                        on:click=move |_| asking.set(true)
                    >
                        {label}
                    </button>
                }
            }
        >
            <span
                class="confirm"
                role="group"
                aria-label=label
                on:keydown=move |e| {
                    if e.key() == "Escape" {
                        asking.set(false)
                    }
                }
            >
                <span class="confirm-question">{question.get_value()}</span>
                <button
                    type="button"
                    class="btn btn-danger confirm-yes"
                    disabled=move || !enabled.get()
                    on:click=move |_| {
                        asking.set(false);
                        on_yes.run(());
                    }
                >
                    {yes}
                </button>
                <button
                    type="button"
                    class="btn confirm-no"
                    node_ref=keep
                    on:click=move |_| asking.set(false)
                >
                    "Keep"
                </button>
            </span>
        </Show>
    }
}
