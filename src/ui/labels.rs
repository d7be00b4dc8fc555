//! How things are named on screen: status badges, integration names, copyable ids.

use crate::i18n::{t, tf, tr};
use leptos::prelude::*;
use meshes_protocol::EmbedPage;
use meshes_protocol::api::{ConnectionState, InactiveReason, OutcomeCode, Status};

#[component]
pub fn StatusBadge(status: Status) -> impl IntoView {
    let class = format!("badge badge-{}", status.as_str());
    view! { <span class=class>{move || status_label(status)}</span> }
}

/// A status in words, as the badges and the Events filter say it (the API's codes stay in
/// `data-status` and in URLs).
pub fn status_label(status: Status) -> String {
    t(match status {
        Status::Pending => "status.pending",
        Status::Processing => "status.processing",
        Status::Retrying => "status.retrying",
        Status::Completed => "status.completed",
        Status::Failed => "status.failed",
        Status::Canceled => "status.canceled",
    })
}

/// A page's name, as the navigation and its heading say it.
pub fn page_title(page: EmbedPage) -> String {
    t(match page {
        EmbedPage::Dashboard => "page.dashboard",
        EmbedPage::Connections => "page.connections",
        EmbedPage::ConnectionMappings => "page.connection_mappings",
        EmbedPage::Rules => "page.rules",
        EmbedPage::Events => "page.events",
        EmbedPage::EventDetail => "page.event_detail",
    })
}

/// How one delivery attempt ended, in words.
pub fn outcome_label(code: OutcomeCode) -> String {
    t(match code {
        OutcomeCode::Delivered => "outcome.delivered",
        OutcomeCode::RejectedClientError => "outcome.rejected_client_error",
        OutcomeCode::RejectedServerError => "outcome.rejected_server_error",
        OutcomeCode::RateLimited => "outcome.rate_limited",
        OutcomeCode::AuthFailed => "outcome.auth_failed",
        OutcomeCode::Timeout => "outcome.timeout",
        OutcomeCode::NetworkError => "outcome.network_error",
        OutcomeCode::MappingError => "outcome.mapping_error",
        OutcomeCode::InternalError => "outcome.internal_error",
    })
}

/// The catalog key of why a connection stopped, and who can fix it, in words an end user
/// understands.
pub fn inactive_reason(reason: InactiveReason) -> &'static str {
    match reason {
        InactiveReason::AuthenticationInvalid => "inactive.authentication_invalid",
        InactiveReason::OauthAuthorizationRevoked => "inactive.oauth_authorization_revoked",
        InactiveReason::OauthReauthorizationRequired => "inactive.oauth_reauthorization_required",
        InactiveReason::ManuallyInactivated => "inactive.manually_inactivated",
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
        || {
            tf(
                "label.integration_connection",
                &[("integration", integration_label(kind))],
            )
        },
        str::to_owned,
    );
    match state {
        Some(ConnectionState::Deleted) => tf("label.deleted", &[("name", &name)]),
        Some(ConnectionState::Hidden) => tf("label.hidden", &[("name", &name)]),
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
    let shown = id.clone();
    view! {
        <span class="copy-id">
            <code node_ref=code>{shown}</code>
            <button
                type="button"
                class="btn-link"
                on:click=copy
                aria-label=move || tf("label.copy_id", &[("id", &id)])
            >
                {move || t(if state.get() == Some(true) { "label.copied" } else { "label.copy" })}
            </button>
            <span class="copy-hint" role="status">
                {move || (state.get() == Some(false)).then(tr("label.copy_by_hand"))}
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
