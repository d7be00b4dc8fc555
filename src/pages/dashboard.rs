//! Dashboard: event volume, delivery outcomes, connection health, recent failures.

use super::kit::{authed_resource, page_link, render_loaded};
use crate::ui::{PageHeader, Time, integration_label};
use leptos::prelude::*;
use meshes_protocol::EmbedRoute;
use meshes_protocol::api::{DailyBucket, DashboardMetrics, RecentFailure};

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
    let m = StoredValue::new(m);
    view! {
        <section class="kpis" aria-label="Summary">
            <Kpi
                id="kpi-events"
                label="Events"
                value=m.with_value(|m| m.events.total).to_string()
            />
            <Kpi id="kpi-success" label="Delivery success" value=rate />
            <Kpi id="kpi-failed" label="Failed deliveries" value=d.failed.to_string() />
            <Kpi id="kpi-inflight" label="In flight" value=in_flight.to_string() />
        </section>
        <Show when=move || rest.get()>{move || details(m.get_value())}</Show>
    }
}

/// Everything below the numbers: daily volume, connection health, recent failures.
fn details(m: DashboardMetrics) -> impl IntoView {
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
                                .map(|c| {
                                    view! {
                                        <li>
                                            <strong>{c.name}</strong>
                                            " · "
                                            {integration_label(&c.kind).to_owned()}
                                            <p class="muted">
                                                {c
                                                    .inactive_reason
                                                    .map(|r| r.describe())
                                                    .unwrap_or("Inactive")}
                                            </p>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }}
            </section>
            <section class="card">
                <h2>"Recent failures"</h2>
                <FailureList failures=m.recent_failures />
            </section>
        </div>
    }
}

#[component]
fn Kpi(id: &'static str, label: &'static str, value: String) -> impl IntoView {
    view! {
        <div class="kpi" id=id>
            <span class="kpi-value">{value}</span>
            <span class="kpi-label">{label}</span>
        </div>
    }
}

#[component]
fn FailureList(failures: Vec<RecentFailure>) -> impl IntoView {
    if failures.is_empty() {
        return view! { <p class="empty">"No failed deliveries in this period."</p> }.into_any();
    }
    view! {
        <ul class="failures">
            {failures
                .into_iter()
                .map(|f| {
                    let link = page_link(
                        EmbedRoute::EventDetail {
                            event_id: f.event_id.clone(),
                        },
                        f.event.clone(),
                    );
                    view! {
                        <li>
                            {link}" → "{f.connection_name}
                            <span class="muted">" · "<Time at=f.failed_at /></span>
                            <p class="error-text">{f.last_error.unwrap_or_default()}</p>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

/// Chart units: tenths of a CSS pixel at natural size, so every coordinate is a whole number
/// (formatting floats would pull float printing into the bundle, ~4 kB brotli).
const CHART_W: u32 = 5600;
const CHART_H: u32 = 1200;

/// Stacked daily bars (completed / failed / other). SVG attributes only: no inline styles, so it
/// renders under a CSP without `'unsafe-inline'`.
#[component]
fn VolumeChart(days: Vec<DailyBucket>) -> impl IntoView {
    let max = days.iter().map(|d| d.total).max().unwrap_or(0).max(1);
    let slot = CHART_W / (days.len().max(1) as u32);
    let bar_w = (slot * 7 / 10).max(1);
    let total: u32 = days.iter().map(|d| d.total).sum();
    let label = format!("{total} events over {} days", days.len());
    let bars = days.into_iter().enumerate().map(move |(i, d)| {
        let x = i as u32 * slot + (slot - bar_w) / 2;
        let h = |n: u32| (u64::from(n) * u64::from(CHART_H) / u64::from(max)) as u32;
        let (ok, failed) = (h(d.completed), h(d.failed));
        let other = h(d.total).saturating_sub(ok + failed);
        let title = format!(
            "{}: {} events, {} completed, {} failed",
            d.date, d.total, d.completed, d.failed
        );
        view! {
            <g class="bar">
                <title>{title}</title>
                <rect class="bar-ok" x=x y=CHART_H - ok width=bar_w height=ok />
                <rect class="bar-failed" x=x y=CHART_H - ok - failed width=bar_w height=failed />
                <rect
                    class="bar-other"
                    x=x
                    y=CHART_H.saturating_sub(ok + failed + other)
                    width=bar_w
                    height=other
                />
            </g>
        }
    });
    view! {
        <svg class="chart" viewBox=format!("0 0 {CHART_W} {CHART_H}") role="img" aria-label=label>
            {bars.collect_view()}
        </svg>
        <p class="legend">
            <span class="key key-ok"></span>
            "Completed "
            <span class="key key-failed"></span>
            "Failed "
            <span class="key key-other"></span>
            "In flight or canceled"
        </p>
    }
}
