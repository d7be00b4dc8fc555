//! The daily volume chart: stacked bars and a date axis.

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
    let label = format!("{total} events over {} days", days.len());
    let ticks = ticks(&days);
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
        <p class="axis" aria-hidden="true">
            {ticks.into_iter().map(|t| view! { <span>{t}</span> }).collect_view()}
        </p>
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

/// The first, middle and last day under the bars (each once): enough to read a date off any bar.
fn ticks(days: &[DailyBucket]) -> Vec<String> {
    let Some(last) = days.len().checked_sub(1) else {
        return vec![];
    };
    let mut at = vec![0, days.len() / 2, last];
    at.dedup();
    at.into_iter().map(|i| short_date(&days[i].date)).collect()
}

/// `2026-11-17` → `Nov 17` (the UTC day the API counts in).
pub fn short_date(date: &str) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let mut parts = date.split('-').skip(1);
    let month = parts
        .next()
        .and_then(|m| m.parse::<usize>().ok())
        .and_then(|m| MONTHS.get(m.wrapping_sub(1)));
    let day = parts.next().and_then(|d| d.parse::<u32>().ok());
    match (month, day) {
        (Some(m), Some(d)) => format!("{m} {d}"),
        _ => date.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn axis_dates_read_as_month_and_day() {
        assert_eq!(short_date("2026-11-07"), "Nov 7");
        assert_eq!(short_date("2026-01-31"), "Jan 31");
        assert_eq!(short_date("2026-13-01"), "2026-13-01");
        assert_eq!(short_date("junk"), "junk");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn each_tick_once() {
        let days = |n: u32| -> Vec<DailyBucket> {
            (1..=n)
                .map(|d| DailyBucket {
                    date: format!("2026-01-{d:02}"),
                    total: 0,
                    completed: 0,
                    failed: 0,
                })
                .collect()
        };
        assert!(ticks(&days(0)).is_empty());
        assert_eq!(ticks(&days(1)), ["Jan 1"]);
        assert_eq!(ticks(&days(2)), ["Jan 1", "Jan 2"]);
        assert_eq!(ticks(&days(3)), ["Jan 1", "Jan 2", "Jan 3"]);
        assert_eq!(ticks(&days(30)), ["Jan 1", "Jan 16", "Jan 30"]);
    }
}
