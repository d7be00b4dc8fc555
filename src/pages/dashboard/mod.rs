//! Dashboard: event volume, delivery outcomes, connection health, recent failures. Each number
//! leads to the events behind it, and each connection that needs attention to its fix.

mod chart;
mod failures;

use super::kit::{authed_resource, render_loaded};
use crate::api::use_api;
use crate::i18n::{number, t, tf, tp, tr};
use crate::shell::router::Link;
use crate::ui::{PageHeader, inactive_reason, integration_label};
use chart::VolumeChart;
use failures::FailureList;
use leptos::prelude::*;
use leptos::text_prop::TextProp;
use meshes_protocol::EmbedRoute;
use meshes_protocol::access::{Action, EmbedPage, can_open};
use meshes_protocol::api::{ConnectionAttention, DashboardMetrics, InactiveReason};
use meshes_protocol::route::EventFilters;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let metrics = authed_resource(|api| api.dashboard(14));
    view! {
        <PageHeader
            title=tr("dashboard.title")
            subtitle=move || tp("dashboard.subtitle", 14, &[])
        />
        {render_loaded(metrics, 6, |m| view! { <DashboardBody m /> })}
    }
}

#[component]
fn DashboardBody(m: DashboardMetrics) -> impl IntoView {
    let d = m.deliveries;
    let in_flight = d.pending + d.processing + d.retrying;
    let permille = d.success_permille();
    let rate = move || {
        permille.map_or_else(
            || "—".to_owned(),
            |r| crate::i18n::formats(|f| f.percent(r)),
        )
    };
    // The numbers go on screen in the first frame; the chart and the lists follow in a task
    // after it, so no single task builds the whole page (on many phones the host page shares
    // our process). The frame's size waits for them: one `meshes:resize`.
    let rest = RwSignal::new(false);
    let hold = crate::host::resize::owned_hold();
    request_animation_frame(move || {
        set_timeout(
            move || {
                let _ = rest.try_set(true);
                // Measured in the next frame, by when the details are built.
                hold.release();
            },
            std::time::Duration::ZERO,
        );
    });
    // The events behind a number, over the same days (where this session has Events).
    let session = use_api().session;
    let events_open = can_open(session.ctx().session_type, EmbedPage::Events);
    let from = m.from.clone();
    let events = move |status: Option<&str>| {
        events_open.then(|| {
            let f = EventFilters {
                status: status.map(str::to_owned),
                since: Some(from.clone()),
                ..Default::default()
            };
            format!("{}?{}", EmbedRoute::Events.path(), f.query())
        })
    };
    let (all, completed, failed) = (
        events(None),
        events(Some("completed")),
        events(Some("failed")),
    );
    let m = StoredValue::new(m);
    let all_failed = StoredValue::new(failed.clone());
    let total = m.with_value(|m| m.events.total);
    view! {
        <section class="kpis" aria-label=tr("dashboard.summary")>
            <Kpi
                id="kpi-events"
                label="dashboard.kpi_events"
                value=move || number(total as usize)
                href=all
            />
            <Kpi id="kpi-success" label="dashboard.kpi_success" value=rate href=completed />
            <Kpi
                id="kpi-failed"
                label="dashboard.kpi_failed"
                value=move || number(d.failed as usize)
                href=failed.clone()
            />
            <Kpi
                id="kpi-inflight"
                label="dashboard.kpi_in_flight"
                value=move || number(in_flight as usize)
                href=None
            />
        </section>
        <Show when=move || {
            rest.get()
        }>{move || details(m.get_value(), all_failed.get_value())}</Show>
    }
}

/// Everything below the numbers: daily volume, connection health, recent failures.
fn details(m: DashboardMetrics, all_failed: Option<String>) -> impl IntoView {
    let (active, total) = (m.connections.active, m.connections.total);
    let health = move || {
        let (active, total) = (number(active as usize), number(total as usize));
        tf(
            "dashboard.health",
            &[("active", active.as_str()), ("total", total.as_str())],
        )
    };
    view! {
        <section class="card">
            <h2>{tr("dashboard.events_per_day")}</h2>
            <VolumeChart days=m.daily />
        </section>
        <div class="two-col">
            <section class="card">
                <h2>{tr("dashboard.connections")}</h2>
                <p id="connection-health">{health}</p>
                {if m.connections.attention.is_empty() {
                    view! { <p class="empty">{tr("dashboard.all_healthy")}</p> }.into_any()
                } else {
                    view! {
                        <ul class="attention">
                            {m
                                .connections
                                .attention
                                .into_iter()
                                .map(|c| view! { <Attention c /> })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }}
            </section>
            <section class="card">
                <h2>{tr("dashboard.recent_failures")}</h2>
                <FailureList failures=m.recent_failures all=all_failed />
            </section>
        </div>
    }
}

/// A number; with `href`, the whole card is a link to the events behind it.
#[component]
fn Kpi(
    id: &'static str,
    label: &'static str,
    #[prop(into)] value: TextProp,
    href: Option<String>,
) -> impl IntoView {
    let body = view! {
        <span class="kpi-value">{move || value.get()}</span>
        <span class="kpi-label">{tr(label)}</span>
    };
    match href {
        Some(href) => view! {
            <div class="kpi kpi-link" id=id>
                <Link href>{body}</Link>
            </div>
        }
        .into_any(),
        None => view! {
            <div class="kpi" id=id>
                {body}
            </div>
        }
        .into_any(),
    }
}

/// A connection that needs attention, and the way to fix it on Connections (where the row is
/// highlighted and its fix takes focus).
#[component]
fn Attention(c: ConnectionAttention) -> impl IntoView {
    let session = use_api().session;
    let who = c.name.clone();
    let reason = c.inactive_reason;
    let fix = can_open(session.ctx().session_type, EmbedPage::Connections).then(|| {
        let verb = match (session.permits(Action::Write).is_ok(), c.inactive_reason) {
            (false, _) => "dashboard.fix_view",
            (
                true,
                Some(
                    InactiveReason::OauthAuthorizationRevoked
                    | InactiveReason::OauthReauthorizationRequired,
                ),
            ) => "dashboard.fix_reconnect",
            (true, Some(InactiveReason::AuthenticationInvalid)) => {
                "dashboard.fix_update_credentials"
            }
            (true, _) => "dashboard.fix_review",
        };
        let href = format!("{}?connection={}", EmbedRoute::Connections.path(), c.id);
        view! {
            <Link href>
                <span class="attention-fix">{tr(verb)}</span>
                <span class="sr-only">{format!(" {who}")}</span>
            </Link>
        }
    });
    view! {
        <li data-connection-id=c.id.clone()>
            <strong>{c.name.clone()}</strong>
            " · "
            {integration_label(&c.kind).to_owned()}
            <p class="muted">
                {move || {
                    reason.map_or_else(|| t("dashboard.inactive"), |r| t(inactive_reason(r)))
                }}
            </p>
            {fix}
        </li>
    }
}
