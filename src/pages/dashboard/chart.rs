//! The daily volume chart: stacked bars and a date axis.

use crate::i18n::{number, tp, tr};
use leptos::prelude::*;
use meshes_protocol::api::DailyBucket;

/// Chart units: tenths of a CSS pixel at natural size, so every coordinate is a whole number
/// (formatting floats would pull float printing into the bundle, ~4 kB brotli).
const CHART_W: u32 = 5600;
const CHART_H: u32 = 1200;

/// Stacked daily bars (completed / failed / other). SVG attributes only: no inline styles, so it
/// renders under a CSP without `'unsafe-inline'`.
#[component]
pub fn VolumeChart(days: Vec<DailyBucket>) -> impl IntoView {
    let max = days.iter().map(|d| d.total).max().unwrap_or(0).max(1);
    let slot = CHART_W / (days.len().max(1) as u32);
    let bar_w = (slot * 7 / 10).max(1);
    let total: u32 = days.iter().map(|d| d.total).sum();
    let n_days = days.len();
    let label = move || {
        let n_days = number(n_days);
        tp(
            "dashboard.chart_label",
            total as usize,
            &[("days", n_days.as_str())],
        )
    };
    let ticks: Vec<String> = ticks(days.len())
        .into_iter()
        .map(|i| days[i].date.clone())
        .collect();
    let bars = days.into_iter().enumerate().map(move |(i, d)| {
        let x = i as u32 * slot + (slot - bar_w) / 2;
        let h = |n: u32| (u64::from(n) * u64::from(CHART_H) / u64::from(max)) as u32;
        let (ok, failed) = (h(d.completed), h(d.failed));
        let other = h(d.total).saturating_sub(ok + failed);
        let title = move || {
            let done = number(d.completed as usize);
            let lost = number(d.failed as usize);
            let day = short_date(&d.date);
            tp(
                "dashboard.bar_title",
                d.total as usize,
                &[
                    ("date", day.as_str()),
                    ("completed", done.as_str()),
                    ("failed", lost.as_str()),
                ],
            )
        };
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
        <p class="axis" aria-hidden="true">
            {ticks
                .into_iter()
                .map(|t| view! { <span>{move || short_date(&t)}</span> })
                .collect_view()}
        </p>
        <p class="legend">
            <span class="key key-ok"></span>
            {tr("dashboard.legend_completed")}
            " "
            <span class="key key-failed"></span>
            {tr("dashboard.legend_failed")}
            " "
            <span class="key key-other"></span>
            {tr("dashboard.legend_other")}
        </p>
    }
}

/// The first, middle and last day under the bars (each once): enough to read a date off any bar.
fn ticks(n: usize) -> Vec<usize> {
    let Some(last) = n.checked_sub(1) else {
        return vec![];
    };
    let mut at = vec![0, n / 2, last];
    at.dedup();
    at
}

/// `2026-11-17` → `Nov 17`, `17 nov.` (the UTC day the API counts in, in the viewer's words).
pub fn short_date(date: &str) -> String {
    crate::i18n::formats(|f| f.day(date)).unwrap_or_else(|| date.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn each_tick_once() {
        assert!(ticks(0).is_empty());
        assert_eq!(ticks(1), [0]);
        assert_eq!(ticks(2), [0, 1]);
        assert_eq!(ticks(3), [0, 1, 2]);
        assert_eq!(ticks(30), [0, 15, 29]);
    }
}
