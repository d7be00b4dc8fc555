//! Dashboard: event volume, delivery outcomes, connection health, recent failures. Each number
//! leads to the events behind it, and each connection that needs attention to its fix.

mod chart;
mod failures;

use super::kit::{authed_resource, render_loaded};
use crate::api::use_api;
use crate::shell::router::Link;
use crate::ui::{PageHeader, integration_label};
use chart::VolumeChart;
use failures::FailureList;
use leptos::prelude::*;
use meshes_protocol::EmbedRoute;
use meshes_protocol::access::{Action, EmbedPage, can_open};
use meshes_protocol::api::{ConnectionAttention, DashboardMetrics, InactiveReason};
use meshes_protocol::route::EventFilters;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let metrics = authed_resource(|api| api.dashboard(14));
    view! {
        <PageHeader title="Dashboard" subtitle="Deliveries over the last 14 days" />
        {render_loaded(metrics, 6, |m| view! { <DashboardBody m /> })}
    }
}

#[component]
fn DashboardBody(m: DashboardMetrics) -> impl IntoView {
    let d = m.deliveries;
    let in_flight = d.pending + d.processing + d.retrying;
    let rate = d
        .success_permille()
        .map(|r| format!("{}.{}%", r / 10, r % 10))
        .unwrap_or_else(|| "—".into());
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
    view! {
        <section class="kpis" aria-label="Summary">
            <Kpi
                id="kpi-events"
                label="Events"
                value=m.with_value(|m| m.events.total).to_string()
                href=all
            />
            <Kpi id="kpi-success" label="Delivery success" value=rate href=completed />
            <Kpi
                id="kpi-failed"
                label="Failed deliveries"
                value=d.failed.to_string()
                href=failed.clone()
            />
            <Kpi id="kpi-inflight" label="In flight" value=in_flight.to_string() href=None />
        </section>
        <Show when=move || {
            rest.get()
        }>{move || details(m.get_value(), all_failed.get_value())}</Show>
    }
}

/// Everything below the numbers: daily volume, connection health, recent failures.
fn details(m: DashboardMetrics, all_failed: Option<String>) -> impl IntoView {
    let health = format!("{} of {} active", m.connections.active, m.connections.total);
    view! {
        <section class="card">
            <h2>"Events per day"</h2>
            <VolumeChart days=m.daily />
        </section>
        <div class="two-col">
            <section class="card">
                <h2>"Connections"</h2>
                <p id="connection-health">{health}</p>
                {if m.connections.attention.is_empty() {
                    view! { <p class="empty">"All connections are healthy."</p> }.into_any()
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
                <h2>"Recent failures"</h2>
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
    value: String,
    href: Option<String>,
) -> impl IntoView {
    let body = view! {
        <span class="kpi-value">{value}</span>
        <span class="kpi-label">{label}</span>
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
    let fix = can_open(session.ctx().session_type, EmbedPage::Connections).then(|| {
        let verb = match (session.permits(Action::Write).is_ok(), c.inactive_reason) {
            (false, _) => "View",
            (
                true,
                Some(
                    InactiveReason::OauthAuthorizationRevoked
                    | InactiveReason::OauthReauthorizationRequired,
                ),
            ) => "Reconnect",
            (true, Some(InactiveReason::AuthenticationInvalid)) => "Update credentials",
            (true, _) => "Review",
        };
        let href = format!("{}?connection={}", EmbedRoute::Connections.path(), c.id);
        view! {
            <Link href>
                <span class="attention-fix">{verb}</span>
                <span class="sr-only">{format!(" {who}")}</span>
            </Link>
        }
    });
    view! {
        <li data-connection-id=c.id.clone()>
            <strong>{c.name.clone()}</strong>
            " · "
            {integration_label(&c.kind).to_owned()}
            <p class="muted">{c.inactive_reason.map(|r| r.describe()).unwrap_or("Inactive")}</p>
            {fix}
        </li>
    }
}
