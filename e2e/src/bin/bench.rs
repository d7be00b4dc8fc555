//! `cargo xtask bench`: the embed against a hand-written page doing the same work (the sandbox's
//! baseline: launch exchange, `meshes:ready`, `meshes:auth`, one dashboard read, plain DOM), in
//! headless Chromium, interleaved rounds (the first discarded), at 1× and 4× CPU throttling. The
//! frames run in their host page's process, so the throttle applies to them. A bench, never a
//! test: it reports, it does not pass or fail. Writes `target/bench-report.md`.

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

/// The longest task since `T0` (the frame's `performance.now()` when a switch began).
const LONGEST_SINCE: &str = r#"return new Promise((done) => {
  const seen = [];
  try {
    new PerformanceObserver((l) => seen.push(...l.getEntries()))
      .observe({ type: 'longtask', buffered: true });
  } catch (e) {}
  setTimeout(() => done(Math.max(0, ...seen.filter((e) => e.startTime >= T0).map((e) => e.duration))), 100);
});"#;

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

/// After the dashboard: visit every page; count `meshes:resize` per switch; the longest task.
async fn tour(s: &Stack, cdp: &Cdp, profiling: bool) -> Tour {
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
        if profiling {
            e2e::profile::start(cdp).await;
        }
        in_frame(
            s,
            &format!("document.querySelector(\".ws-nav a[href^='/workspace/{link}']\").click(); return true"),
        )
        .await
        .expect("click");
        eventually_within(
            &format!("the {link} page"),
            Duration::from_secs(30),
            || async {
                let v = in_frame(s, &format!("return !!document.querySelector('{settled}')"))
                    .await
                    .ok()?;
                (v == Value::Bool(true)).then_some(())
            },
        )
        .await;
        // Let it settle, then count what the switch sent.
        tokio::time::sleep(Duration::from_millis(1500)).await;
        if profiling {
            eprintln!("profile of the switch to {link} (self ms):");
            for (name, ms) in e2e::profile::stop_top(cdp, 15).await {
                eprintln!("  {ms:7.1}  {name}");
            }
        }
        let after = resizes(s).await;
        let longest = in_frame(s, &LONGEST_SINCE.replace("T0", &t0.to_string()))
            .await
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or(f64::NAN);
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

fn median(mut v: Vec<f64>) -> f64 {
    v.retain(|x| x.is_finite());
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Raw and brotli sizes of a build file.
fn sizes(dist: &std::path::Path, file: &str) -> (u64, u64) {
    let Ok(bytes) = std::fs::read(dist.join(file.trim_start_matches('/'))) else {
        return (0, 0);
    };
    let mut out = vec![];
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        ..Default::default()
    };
    let _ = brotli::BrotliCompress(&mut &bytes[..], &mut out, &params);
    (bytes.len() as u64, out.len() as u64)
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
    let s = Stack::start_custom(
        &[],
        &[
            "--disable-site-isolation-trials",
            "--disable-features=IsolateOrigins,site-per-process",
        ],
    )
    .await;
    let (host, _) = e2e::kit::start().await;
    let cdp = s.driver.cdp();
    let mut samples: BTreeMap<(u32, Target), Vec<Sample>> = BTreeMap::new();
    let mut tours = BTreeMap::new();
    for rate in [1u32, 4] {
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
                for (name, ms) in e2e::profile::stop_top(&cdp, 25).await {
                    eprintln!("  {ms:7.1}  {name}");
                }
            }
            // A user reads the first page before moving on: by then the other pages' code is
            // prefetched (its tasks still count in the tour's longest task).
            tokio::time::sleep(std::time::Duration::from_secs(3)).await;
            let t = tour(&s, &cdp, profile).await;
            eprintln!("{rate}x tour {n}: {t:?}");
            if !profile {
                tours.entry(rate).or_insert_with(Vec::new).push(t);
            }
        }
    }
    let dist = std::env::var_os("MESHES_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../dist"));
    let report = report(&samples, &tours, &dist, rounds);
    println!("{report}");
    let out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/bench-report.md");
    std::fs::write(&out, &report).expect("write the report");
    eprintln!("written to {}", out.display());
    s.quit().await;
}

/// Per page switch: page, `meshes:resize` messages, longest task; then the longest task from
/// navigation through the tour.
type Tour = (Vec<(String, usize, f64)>, f64);
type Tours = BTreeMap<u32, Vec<Tour>>;
type Metric = (&'static str, fn(&Sample) -> f64);

fn report(
    samples: &BTreeMap<(u32, Target), Vec<Sample>>,
    tours: &Tours,
    dist: &std::path::Path,
    rounds: usize,
) -> String {
    let mut out = format!(
        "# Bench: embed vs hand-written page\n\nMedians of {} interleaved rounds (the first of {rounds} discarded), milliseconds from the frame's navigation start.\n\n| throttle | metric | embed | baseline | ratio |\n|---|---|---|---|---|\n",
        rounds - 1
    );
    let metrics: [Metric; 8] = [
        ("navigation → `meshes:ready`", |s| s.ready),
        ("`meshes:auth` → data painted", |s| s.auth_to_painted),
        ("… of which: auth → dashboard read sent", |s| {
            s.auth_to_read
        }),
        ("… the read (sent → answered)", |s| s.read),
        ("… answered → painted", |s| s.read_to_painted),
        ("navigation → data painted", |s| s.painted),
        ("longest task before paint", |s| s.longest_task),
        ("bytes transferred before paint", |s| s.bytes_before_paint),
    ];
    for rate in [1u32, 4] {
        for (name, f) in metrics {
            let m = |t| {
                median(
                    samples
                        .get(&(rate, t))
                        .map_or(vec![], |v| v.iter().map(f).collect()),
                )
            };
            let (e, b) = (m(Target::Embed), m(Target::Baseline));
            let ratio = if b > 0.0 {
                format!("{:.2}×", e / b)
            } else {
                "—".to_owned()
            };
            out += &format!("| {rate}× | {name} | {e:.0} | {b:.0} | {ratio} |\n");
        }
    }
    let critical: Vec<String> = samples
        .get(&(1, Target::Embed))
        .and_then(|v| v.last())
        .map(|s| s.files_before_paint.clone())
        .unwrap_or_default();
    // The shipped files, the split build's package folder included.
    let mut files: Vec<String> = vec![];
    let mut dirs = vec![(String::new(), dist.to_path_buf())];
    while let Some((prefix, dir)) = dirs.pop() {
        for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let name = format!("{prefix}{}", e.file_name().to_string_lossy());
            if e.path().is_dir() && name.starts_with("pkg-") {
                dirs.push((format!("{name}/"), e.path()));
            } else if [".wasm", ".js", ".css"].iter().any(|x| name.ends_with(x)) {
                files.push(name);
            }
        }
    }
    files.sort();
    let (mut crit_raw, mut crit_br, mut all_raw, mut all_br) = (0, 0, 0, 0);
    for f in &files {
        let (raw, br) = sizes(dist, f);
        all_raw += raw;
        all_br += br;
        if critical.iter().any(|c| c.ends_with(f.as_str())) {
            crit_raw += raw;
            crit_br += br;
        }
    }
    out += &format!(
        "\nEmbed build: before the first page paints {crit_raw} B raw / {crit_br} B brotli ({} files); whole app {all_raw} B raw / {all_br} B brotli ({} files).\n",
        critical.len(),
        files.len()
    );
    for (rate, runs) in tours {
        let pages: Vec<String> = runs
            .first()
            .map(|(switches, _)| switches.iter().map(|(p, ..)| p.clone()).collect())
            .unwrap_or_default();
        let list: Vec<String> = pages
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let resizes = runs.iter().filter_map(|(sw, _)| sw.get(i).map(|x| x.1));
                let (low, high) = (resizes.clone().min(), resizes.max());
                let longest = median(
                    runs.iter()
                        .filter_map(|(sw, _)| sw.get(i).map(|x| x.2))
                        .collect(),
                );
                let resizes = if low == high {
                    format!("{}", high.unwrap_or(0))
                } else {
                    format!("{}–{}", low.unwrap_or(0), high.unwrap_or(0))
                };
                format!("{p} {resizes} (longest task {longest:.0} ms)")
            })
            .collect();
        let overall: Vec<f64> = runs.iter().map(|(_, l)| *l).collect();
        let worst = overall.iter().copied().fold(0.0, f64::max);
        out += &format!(
            "\nTour at {rate}×, {} tours (medians): `meshes:resize` per page switch: {}; longest task from navigation through the tour: median {:.0} ms, worst {worst:.0} ms.\n",
            runs.len(),
            list.join(", "),
            median(overall)
        );
    }
    out
}
