//! The embed doctor's probe: any page may frame or read it, it carries Meshes' clock and
//! nothing else, and only its exact path answers.

use crate::common::TestApp;
use axum::http::{Method, StatusCode};

/// This machine's clock, in milliseconds since the Unix epoch.
fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

#[tokio::test]
async fn the_probe_gives_the_clock_to_any_page_and_sets_nothing() {
    let app = TestApp::new();
    let before = now_ms();
    let r = app.call(Method::GET, "/embed/probe", None, None).await;
    assert_eq!(r.status, StatusCode::OK);
    let now = r.json["now_ms"].as_i64().expect("now_ms");
    assert!(
        (before..before + 5_000).contains(&now),
        "{now} is the server's clock"
    );
    assert_eq!(
        r.json.as_object().unwrap().len(),
        1,
        "nothing but the clock"
    );
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    assert_eq!(
        r.header("content-security-policy"),
        Some("default-src 'none'; frame-ancestors *")
    );
    assert_eq!(r.header("cache-control"), Some("no-store"));
    assert_eq!(r.header("set-cookie"), None);
    assert_eq!(r.header("access-control-allow-credentials"), None);
}

#[tokio::test]
async fn only_the_exact_probe_path_answers() {
    let app = TestApp::new();
    for path in [
        "/embed/probe/",
        "/Embed/probe",
        "/embed/PROBE",
        "/embed/%70robe",
        "/embed//probe",
    ] {
        let r = app.call(Method::GET, path, None, None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert!(r.json.get("now_ms").is_none(), "{path}");
    }
}

/// The clock skew a test may ask for is only honoured with the test hooks on.
#[tokio::test]
async fn a_skewed_probe_clock_needs_the_test_hooks() {
    for (hooks, skew) in [(false, 0), (true, -600_000)] {
        let app = TestApp::with_config(|c| {
            c.probe_clock_offset_seconds = -600;
            c.test_hooks = hooks;
        });
        let before = now_ms();
        let r = app.call(Method::GET, "/embed/probe", None, None).await;
        let got = r.json["now_ms"].as_i64().unwrap() - skew;
        assert!((before..before + 5_000).contains(&got), "hooks {hooks}");
    }
}
