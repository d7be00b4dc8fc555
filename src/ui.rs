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
            <p class="error-title">{err.to_string()}</p>
            <p class="error-remedy">{remedy}</p>
            {retry.map(|cb| view! { <button type="button" class="btn" on:click=move |_| cb.run(())>"Try again"</button> })}
        </div>
    }
}

/// Placeholder rows shaped like the content, so nothing jumps when data arrives.
#[component]
pub fn Skeleton(#[prop(default = 3)] rows: usize) -> impl IntoView {
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
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(&at));
    let local = if date.get_time().is_nan() {
        at.clone()
    } else {
        String::from(date.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED))
    };
    view! { <time datetime=at.clone() title=at>{local}</time> }
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
