//! The embed doctor (`www/meshes-doctor.js`) through the demo host's panel: a healthy page
//! passes every check, and each condition broken on purpose is named, with what breaks and the
//! fix — a sandbox without popups, no clipboard permission, a page COOP that severs popups, a
//! clock ten minutes fast, a page CSP that frames only itself, and a session made for
//! `127.0.0.1` opened on `localhost`.

use e2e::{Stack, TestResult, eventually};
use serde_json::Value;

/// Press "Check this page" and read the machine-readable report.
async fn doctor(s: &Stack) -> Value {
    s.click_on_host("#doctor-run").await.unwrap();
    eventually("the doctor's report", || async {
        let json = s
            .try_js("return document.querySelector('#doctor-json').textContent")
            .await
            .ok()?;
        serde_json::from_str::<Value>(json.as_str()?).ok()
    })
    .await
}

/// Open the demo host on a page where the embed will be refused: wait for the session only (no
/// handshake will come).
async fn open_refused(s: &Stack, query: &str) -> TestResult {
    s.driver.goto(format!("{}/{query}", s.host)).await?;
    eventually("the session launched", || async {
        s.host_status().await.contains("sess_").then_some(())
    })
    .await;
    Ok(())
}

/// Run `diagnose(options)` from `module` (a URL on the host page) by script, as a developer
/// would from the console.
async fn diagnose_by_script(s: &Stack, module: &str, options: &str) -> Value {
    s.driver.enter_default_frame().await.unwrap();
    let script = format!(
        "const done = arguments[arguments.length - 1]; \
         import('{module}').then((m) => m.diagnose({options})).then(done, (e) => done({{ error: String(e) }}))"
    );
    let report = s
        .driver
        .execute_async(&script, vec![])
        .await
        .unwrap()
        .json()
        .clone();
    assert!(report["error"].is_null(), "{report}");
    report
}

/// The check `id` of `report`: its level, and its title, detail and fix as one text.
fn check(report: &Value, id: &str) -> (String, String) {
    let c = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no {id} check in {report}"));
    let text = format!("{} {} {}", c["title"], c["detail"], c["fix"]);
    (c["level"].as_str().unwrap().to_owned(), text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_healthy_page_passes_every_check() -> TestResult {
    let s = Stack::start().await;
    s.open_host("").await?;
    s.embed_text("#kpi-events").await;
    let report = doctor(&s).await;
    for c in report["checks"].as_array().unwrap() {
        assert_eq!(c["level"], "pass", "{c}");
    }
    assert_eq!(report["ok"], true);
    assert_eq!(report["embedOrigin"].as_str(), Some(s.meshes.as_str()));
    let ids: Vec<&str> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "iframe",
            "sandbox",
            "allow",
            "frame-src",
            "framing",
            "coop",
            "clock",
            "cookies"
        ]
    );
    // The same report for a person.
    let text = s
        .js("return document.querySelector('#doctor-report').textContent")
        .await;
    let text = text.as_str().unwrap();
    assert!(
        text.contains("✓ frame-src:") && text.contains("✓ framing:"),
        "{text}"
    );
    s.quit().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sandbox_permissions_coop_and_the_clock_are_named() -> TestResult {
    // Meshes' clock reads ten minutes earlier: this computer's is ten minutes fast.
    let s = Stack::start_with(&[("MESHES_PROBE_CLOCK_OFFSET_SECONDS", "-600")]).await;
    s.open_host("?sandbox=no-popups&coop=same-origin&launch_page=connections")
        .await?;
    s.embed_text("#connections-table").await;
    s.driver.enter_default_frame().await?;
    // No clipboard permission.
    s.js("document.querySelector('iframe.meshes-embed').removeAttribute('allow'); return true")
        .await;
    let report = doctor(&s).await;
    assert_eq!(report["ok"], false);
    let (level, text) = check(&report, "sandbox");
    assert_eq!(level, "fail", "{text}");
    for named in [
        "allow-popups,",
        "allow-popups-to-escape-sandbox",
        "sign-in window",
    ] {
        assert!(text.contains(named), "{named}: {text}");
    }
    assert!(!text.contains("Without allow-forms"), "{text}");
    let (level, text) = check(&report, "allow");
    assert_eq!(level, "warn", "{text}");
    assert!(
        text.contains("clipboard-write") && text.contains("Copy"),
        "{text}"
    );
    let (level, text) = check(&report, "coop");
    assert_eq!(level, "warn", "{text}");
    assert!(text.contains("same-origin-allow-popups"), "{text}");
    let (level, text) = check(&report, "clock");
    assert_eq!(level, "warn", "{text}");
    let ahead: u64 = text
        .split_whitespace()
        .find_map(|w| w.parse().ok())
        .expect("seconds ahead");
    assert!(
        (595..=605).contains(&ahead) && text.contains("ahead of Meshes"),
        "{text}"
    );
    // What still works is said to work.
    assert_eq!(check(&report, "frame-src").0, "pass");
    assert_eq!(check(&report, "framing").0, "pass");
    s.quit().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_csp_without_the_embed_in_frame_src_is_named() -> TestResult {
    let s = Stack::start().await;
    open_refused(&s, "?frame_src=self").await?;
    let report = doctor(&s).await;
    let (level, text) = check(&report, "frame-src");
    assert_eq!(level, "fail", "{text}");
    assert!(
        text.contains("frame-src") && text.contains(&format!("Add {} to frame-src", s.meshes)),
        "{text}"
    );
    let (level, text) = check(&report, "framing");
    assert_eq!(level, "fail", "{text}");
    assert!(text.contains("see frame-src"), "{text}");
    // Loaded after the refusal (as on a support call), the doctor frames its probe to see it.
    let late = diagnose_by_script(&s, "/meshes-doctor.js?late", "{}").await;
    let (level, text) = check(&late, "frame-src");
    assert_eq!(level, "fail", "{text}");
    assert!(text.contains("frame-src"), "{text}");
    s.quit().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_allowed_origins_near_miss_is_named() -> TestResult {
    let s = Stack::start().await;
    // The session allows this page's port on 127.0.0.1; the page is on localhost.
    let port = s.host.rsplit(':').next().unwrap().to_owned();
    s.driver
        .goto(format!(
            "{}/?allowed_origins=http://127.0.0.1:{port}",
            s.host
        ))
        .await?;
    eventually("the session launched", || async {
        s.host_status().await.contains("sess_").then_some(())
    })
    .await;
    let report = doctor(&s).await;
    let (level, text) = check(&report, "framing");
    assert_eq!(level, "fail", "{text}");
    for named in [
        s.host.as_str(),
        "is not among the session's allowed_origins",
        "localhost, 127.0.0.1 and [::1] are different origins",
        "frame-ancestors",
    ] {
        assert!(text.contains(named), "{named}: {text}");
    }
    assert_eq!(check(&report, "frame-src").0, "pass");
    // Without the session's origins: nothing ran in the frame, yet Meshes answers.
    let pending = "{ handle: { ready: new Promise(() => {}) }, timeout: 2000 }";
    let report = diagnose_by_script(&s, "/meshes-doctor.js", pending).await;
    let (level, text) = check(&report, "framing");
    assert_eq!(level, "fail", "{text}");
    assert!(
        text.contains("refused to be framed") && text.contains("allowed_origins"),
        "{text}"
    );
    s.quit().await;
    Ok(())
}
