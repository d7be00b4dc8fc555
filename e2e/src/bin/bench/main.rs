//! `cargo xtask bench`: the embed against a hand-written page doing the same work (the sandbox's
//! baseline: launch exchange, `meshes:ready`, `meshes:auth`, one dashboard read, plain DOM), in
//! headless Chromium, interleaved rounds (the first discarded), at 1× and 4× CPU throttling. The
//! frames run in their host page's process, so the throttle applies to them. A bench, never a
//! test: it reports, it does not pass or fail. Writes `target/bench-report.md`.

mod report;
mod tour;

use e2e::{Stack, eventually_within};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;
use thirtyfour::cdp::Cdp;
use thirtyfour::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Target {
    Embed,
    Baseline,
}

/// One load, as the frame saw it (milliseconds from the frame's navigation start).
#[derive(Debug, Default, Clone)]
struct Sample {
    ready: f64,
    auth_to_painted: f64,
    /// Where `auth → painted` goes: until the dashboard read is sent, the read itself, and
    /// from its answer to the painted frame (decode, render, layout, paint).
    auth_to_read: f64,
    read: f64,
    read_to_painted: f64,
    painted: f64,
    longest_task: f64,
    /// Bytes transferred before the first data was painted, and the same-origin files they were.
    bytes_before_paint: f64,
    files_before_paint: Vec<String>,
}

/// Runs JS in the embed frame (`#box iframe`) and returns its value.
async fn in_frame(s: &Stack, script: &str) -> WebDriverResult<Value> {
    s.driver.enter_default_frame().await?;
    s.driver
        .find(By::Css("#box iframe"))
        .await?
        .enter_frame()
        .await?;
    s.try_js(script).await
}

const COLLECT: &str = r#"return (async () => {
const mark = (n) => performance.getEntriesByName(n)[0]?.startTime ?? null;
const painted = mark('meshes:painted');
const tasks = await new Promise((done) => {
  const seen = [];
  try {
    new PerformanceObserver((l) => seen.push(...l.getEntries().map((e) => [e.startTime, e.duration])))
      .observe({ type: 'longtask', buffered: true });
  } catch (e) {}
  setTimeout(() => done(seen), 100);
});
const before = performance.getEntriesByType('resource').filter((r) => r.responseEnd <= painted);
const nav = performance.getEntriesByType('navigation')[0];
const read = performance.getEntriesByType('resource').find((r) => r.name.includes('/dashboard?'));
return {
  read_start: read?.startTime ?? null, read_end: read?.responseEnd ?? null,
  ready: mark('meshes:ready'), auth: mark('meshes:auth'), painted,
  longest: Math.max(0, ...tasks.filter(([t]) => t <= painted).map(([, d]) => d)),
  tour_longest: Math.max(0, ...tasks.map(([, d]) => d)),
  bytes: (nav?.transferSize ?? 0) + before.reduce((n, r) => n + r.transferSize, 0),
  files: before.map((r) => new URL(r.name).pathname),
};
})();"#;

async fn mint(s: &Stack, host: &str) -> Value {
    let (status, session) = s
        .api(
            reqwest::Method::POST,
            "/api/v1/sessions",
            Some(
                json!({"workspace_id": e2e::DEMO_WORKSPACE_ID, "role": "admin",
                        "allowed_origins": [host], "launch_page": "dashboard"}),
            ),
        )
        .await;
    assert_eq!(status, 200, "mint: {session}");
    session
}

async fn load(s: &Stack, cdp: &Cdp, host: &str, target: Target) -> Sample {
    let session = mint(s, host).await;
    let mut launch = session["launch_url"]
        .as_str()
        .expect("launch_url")
        .to_owned();
    if target == Target::Baseline {
        launch = launch.replacen("/workspace/", "/__sandbox/baseline/", 1);
    }
    let fragment = json!({"launch_url": launch, "token": session["access_token"]}).to_string();
    cdp.send_raw("Network.clearBrowserCache", json!({}))
        .await
        .expect("clear cache");
    s.driver.enter_default_frame().await.expect("top");
    // A new document every time (a fragment-only change would not reload the page).
    s.driver.goto("about:blank").await.expect("blank");
    let id = session["session_id"].as_str().expect("session id");
    s.driver
        .goto(format!(
            "{host}/bench.html?load={id}#{}",
            e2e::urlencode(&fragment)
        ))
        .await
        .expect("bench page");
    // Every WebDriver command runs on the renderer's main thread, which the frame shares here
    // (several ms each at 4×): asking while the frame loads would slow what we measure. A
    // throttled load takes well under this; the marks keep the real times.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    eventually_within(
        "the first data painted",
        Duration::from_secs(60),
        || async {
            let v = in_frame(
                s,
                "return performance.getEntriesByName('meshes:painted').length",
            )
            .await
            .ok()?;
            (v.as_u64()? > 0).then_some(())
        },
    )
    .await;
    let v = in_frame(s, COLLECT).await.expect("collect");
    let f = |k: &str| v[k].as_f64().unwrap_or(f64::NAN);
    Sample {
        ready: f("ready"),
        auth_to_painted: f("painted") - f("auth"),
        auth_to_read: f("read_start") - f("auth"),
        read: f("read_end") - f("read_start"),
        read_to_painted: f("painted") - f("read_end"),
        painted: f("painted"),
        longest_task: f("longest"),
        bytes_before_paint: f("bytes"),
        files_before_paint: serde_json::from_value(v["files"].clone()).unwrap_or_default(),
    }
}

#[tokio::main]
async fn main() {
    let rounds: usize = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(11);
    let tour_count: usize = std::env::var("BENCH_TOURS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    // `BENCH_CHROME_ARGS`: more browser flags, e.g. `--trace-startup=…` for a full trace.
    let extra = std::env::var("BENCH_CHROME_ARGS").unwrap_or_default();
    let args: Vec<&str> = [
        "--disable-site-isolation-trials",
        "--disable-features=IsolateOrigins,site-per-process",
    ]
    .into_iter()
    .chain(extra.split_whitespace())
    .collect();
    let s = Stack::start_custom(&[], &args).await;
    let (host, _) = e2e::kit::start().await;
    let cdp = s.driver.cdp();
    let mut samples: BTreeMap<(u32, Target), Vec<Sample>> = BTreeMap::new();
    let mut tours = BTreeMap::new();
    // `BENCH_RATES=4`: one throttle only (a trace of the 4× tours stays short).
    let rates: Vec<u32> = std::env::var("BENCH_RATES")
        .ok()
        .map(|r| r.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1, 4]);
    for rate in rates {
        cdp.send_raw("Emulation.setCPUThrottlingRate", json!({"rate": rate}))
            .await
            .expect("throttle");
        for round in 0..rounds {
            for target in [Target::Embed, Target::Baseline] {
                let sample = load(&s, &cdp, &host, target).await;
                eprintln!("{rate}x round {round} {target:?}: {sample:?}");
                if round > 0 {
                    samples.entry((rate, target)).or_default().push(sample);
                }
            }
        }
        // Several tours (a page switch is one sample each), after a fresh load each time. With
        // `BENCH_PROFILE`, one more goes first, profiled and left out of the figures (the
        // profiler slows what it watches: it only shows where the time goes).
        let profiling = std::env::var_os("BENCH_PROFILE").is_some();
        for n in 0..tour_count + usize::from(profiling) {
            let profile = profiling && n == 0;
            if profile {
                e2e::profile::start(&cdp).await;
            }
            load(&s, &cdp, &host, Target::Embed).await;
            if profile {
                eprintln!("profile of a first load at {rate}x, navigation → painted (self ms):");
                let (own, total) = e2e::profile::stop_top(&cdp, 25).await;
                for (name, ms) in own {
                    eprintln!("  {ms:7.1}  {name}");
                }
                eprintln!("  … by total time:");
                for (name, ms) in total {
                    eprintln!("  {ms:7.1}  {name}");
                }
            }
            // A user reads the first page before moving on: by then the other pages' code is
            // prefetched (its tasks still count in the tour's longest task).
            tokio::time::sleep(std::time::Duration::from_secs(3)).await;
            let t = tour::tour(&s, &cdp, profile).await;
            eprintln!("{rate}x tour {n}: {t:?}");
            if !profile {
                tours.entry(rate).or_insert_with(Vec::new).push(t);
            }
        }
    }
    let dist = std::env::var_os("MESHES_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../dist"));
    let report = report::report(&samples, &tours, &dist, rounds);
    println!("{report}");
    let out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/bench-report.md");
    std::fs::write(&out, &report).expect("write the report");
    eprintln!("written to {}", out.display());
    s.quit().await;
}
