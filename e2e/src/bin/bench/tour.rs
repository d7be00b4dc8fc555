//! The tour after a first load: every page in turn, what each switch cost.

use super::{COLLECT, in_frame};
use e2e::Stack;
use serde_json::Value;
use std::time::Duration;
use thirtyfour::cdp::Cdp;

/// Per page switch: page, `meshes:resize` messages, longest task; then the longest task from
/// navigation through the tour.
pub type Tour = (Vec<(String, usize, f64)>, f64);

/// The long tasks since `T0` (the frame's `performance.now()` when a switch began), each as
/// `[ms after T0, duration ms]`.
const LONG_TASKS_SINCE: &str = r#"return new Promise((done) => {
  const seen = [];
  try {
    new PerformanceObserver((l) => seen.push(...l.getEntries()))
      .observe({ type: 'longtask', buffered: true });
  } catch (e) {}
  setTimeout(() => done(seen.filter((e) => e.startTime >= T0).map((e) => [e.startTime - T0, e.duration])), 100);
});"#;

/// With `BENCH_PROFILE`, in the host page before a switch: record long animation frames from
/// here on. The host's document sees the frames it shares with the embed (same process here);
/// the embed's own document gets none (Chromium reports them to the frame tree's root).
const WATCH_FRAMES: &str = r#"window.__frameWatch?.disconnect();
window.__frames = [];
window.__t0 = performance.now();
window.__frameWatch = new PerformanceObserver((l) => window.__frames.push(...l.getEntries()));
window.__frameWatch.observe({ type: 'long-animation-frame' });
return true;"#;

/// After it: each long frame, and how much of it was rendering (style, layout, paint) rather
/// than script — which says whether a long task wants less DOM work or a cheaper layout.
const LONG_FRAMES: &str = r#"return new Promise((done) => {
  setTimeout(() => done(window.__frames.filter((e) => e.duration >= 50).map((e) => {
    const end = e.startTime + e.duration;
    return `+${Math.round(e.startTime - window.__t0)} ms: ${Math.round(e.duration)} ms, ` +
      `rendering ${e.renderStart ? Math.round(end - e.renderStart) : 0} ms ` +
      `(style and layout ${e.styleAndLayoutStart ? Math.round(end - e.styleAndLayoutStart) : 0} ms)`;
  })), 100);
});"#;

/// Resolves `true` once `SELECTOR` matches in the frame (checked every 50 ms in the page), or
/// `false` after 30 s.
const SHOWN: &str = r#"return new Promise((done) => {
  const t0 = performance.now();
  const check = () => document.querySelector('SELECTOR') ? done(true)
    : performance.now() - t0 > 30000 ? done(false) : setTimeout(check, 50);
  check();
});"#;

/// After the dashboard: visit every page; count `meshes:resize` per switch; the longest task.
pub async fn tour(s: &Stack, cdp: &Cdp, profiling: bool) -> Tour {
    let mut per_switch = vec![];
    for (link, settled) in [
        ("connections", "#connections-table"),
        ("rules", "#rules-table"),
        ("events", "#events-table"),
        ("dashboard", "#kpi-events"),
    ] {
        let before = resizes(s).await;
        let t0 = in_frame(s, "return performance.now()")
            .await
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0);
        let watch = std::env::var_os("BENCH_PROFILE").is_some();
        let metrics_before = if watch {
            e2e::profile::metrics(cdp).await
        } else {
            Default::default()
        };
        if profiling {
            e2e::profile::start(cdp).await;
        }
        if watch {
            s.driver.enter_default_frame().await.expect("top");
            s.js(WATCH_FRAMES).await;
        }
        in_frame(
            s,
            &format!("document.querySelector(\".ws-nav a[href^='/workspace/{link}']\").click(); return true"),
        )
        .await
        .expect("click");
        // One question that the page answers itself when the page is there: polling over
        // WebDriver would put its commands on the main thread we are measuring.
        let shown = in_frame(s, &SHOWN.replace("SELECTOR", settled))
            .await
            .expect("wait for the page");
        assert_eq!(shown, Value::Bool(true), "the {link} page within 30 s");
        // Let it settle, then count what the switch sent.
        tokio::time::sleep(Duration::from_millis(1500)).await;
        if profiling {
            eprintln!("profile of the switch to {link} (self ms):");
            let (own, total) = e2e::profile::stop_top(cdp, 45).await;
            for (name, ms) in own.into_iter().take(15) {
                eprintln!("  {ms:7.1}  {name}");
            }
            eprintln!("  … by total time:");
            for (name, ms) in total {
                eprintln!("  {ms:7.1}  {name}");
            }
        }
        let after = resizes(s).await;
        if after > before + 1 {
            // More than one report for one switch: which heights, in order (a late resource,
            // or the layout answering the host's own resize).
            s.driver.enter_default_frame().await.expect("top");
            let heights = s
                .js(&format!("return window.__events.filter((e) => e.type === 'meshes:resize').slice({before}).map((e) => e.height)"))
                .await;
            eprintln!("  {link}: {} resizes, heights {heights}", after - before);
        }
        let tasks: Option<Vec<(f64, f64)>> =
            in_frame(s, &LONG_TASKS_SINCE.replace("T0", &t0.to_string()))
                .await
                .ok()
                .and_then(|v| serde_json::from_value(v).ok());
        let longest = tasks.as_ref().map_or(f64::NAN, |t| {
            t.iter().map(|&(_, ms)| ms).fold(0.0, f64::max)
        });
        if watch {
            let spent = e2e::profile::metrics(cdp).await;
            eprintln!(
                "  the switch to {link}: {}",
                e2e::profile::metrics_delta(&metrics_before, &spent)
            );
            for (at, ms) in tasks.into_iter().flatten() {
                eprintln!("  long task on the switch to {link}: +{at:.0} ms: {ms:.0} ms");
            }
            s.driver.enter_default_frame().await.expect("top");
            let frames = s.js(LONG_FRAMES).await;
            for frame in frames.as_array().cloned().unwrap_or_default() {
                eprintln!(
                    "  long frame on the switch to {link}: {}",
                    frame.as_str().unwrap_or_default()
                );
            }
        }
        per_switch.push((link.to_owned(), after - before, longest));
    }
    let v = in_frame(s, COLLECT).await.expect("collect");
    (per_switch, v["tour_longest"].as_f64().unwrap_or(f64::NAN))
}

/// `meshes:resize` messages the host has seen so far.
async fn resizes(s: &Stack) -> usize {
    s.driver.enter_default_frame().await.expect("top");
    let v = s
        .js("return window.__events.filter((e) => e.type === 'meshes:resize').length")
        .await;
    v.as_u64().expect("a count") as usize
}
