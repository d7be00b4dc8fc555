//! Launch exchange: single use (atomically), expiry, tampering, binding to the session reference.

use crate::common::{TestApp, WS};
use axum::http::StatusCode;
use serde_json::json;

fn reason(r: &crate::common::Res) -> String {
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text);
    assert_eq!(
        r.json["error"]["message"],
        "Invalid or expired embed launch token"
    );
    assert_eq!(r.json["error"]["name"], "InvalidLaunchToken");
    r.json["error"]["data"][0]["msg"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn exchange_returns_the_session_context_once() {
    let app = TestApp::new();
    let (sid, _, launch) = app
        .session(
            json!({"role": "admin", "scopes": ["events.payload:read"], "launch_page": "events",
                        "allowed_origins": ["https://APP.example.com:443/"]}),
        )
        .await;
    let r = app.exchange(&launch, Some(&sid)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        r.json,
        json!({"session_id": sid, "workspace": {"id": WS, "name": "Acme CRM Production"}, "role": "admin",
               "scopes": ["events.payload:read"], "session_type": "workspace",
               "allowed_origins": ["https://app.example.com"], "launch_page": "events"})
    );
    assert!(
        r.json.get("access_token").is_none(),
        "the exchange never hands out a credential"
    );
    assert_eq!(
        reason(&app.exchange(&launch, Some(&sid)).await),
        "launch_token_used"
    );
    let r = app.exchange(&launch, None).await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "the session reference is required"
    );
    assert_eq!(r.params(), ["session_id"]);
}

/// Every exchange that read the session as unused still has to win the compare-and-set: two
/// that both passed the checks (as two requests racing on two threads can) spend it once.
#[tokio::test]
async fn the_launch_is_spent_by_exactly_one_compare_and_set() {
    let app = TestApp::new();
    let (sid, _, launch) = app.session(json!({})).await;
    let now = "2026-01-01T00:00:00Z";
    let unused = || {
        meshes_sandbox::meshes::api::sessions::SessionRow::load(&app.state, &sid)
            .unwrap()
            .is_some_and(|r| !r.launch_used)
    };
    // Both racers read "unused" before either writes.
    assert!(unused() && unused());
    let first = meshes_sandbox::meshes::api::launch::consume(&app.state, &sid, now).unwrap();
    let second = meshes_sandbox::meshes::api::launch::consume(&app.state, &sid, now).unwrap();
    assert_eq!((first, second), (true, false));
    assert_eq!(
        reason(&app.exchange(&launch, Some(&sid)).await),
        "launch_token_used"
    );
}

/// The same through the API, with the requests on a multi-threaded runtime.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_exchanges_have_exactly_one_winner() {
    let app = std::sync::Arc::new(TestApp::new());
    let (sid, _, launch) = app.session(json!({})).await;
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(50));
    let calls: Vec<_> = (0..50)
        .map(|_| {
            let (app, sid, launch, barrier) =
                (app.clone(), sid.clone(), launch.clone(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                app.exchange(&launch, Some(&sid)).await
            })
        })
        .collect();
    let mut results = vec![];
    for c in calls {
        results.push(c.await.unwrap());
    }
    let ok = results
        .iter()
        .filter(|r| r.status == StatusCode::OK)
        .count();
    assert_eq!(ok, 1);
    assert!(
        results
            .iter()
            .filter(|r| r.status != StatusCode::OK)
            .all(|r| reason(r) == "launch_token_used")
    );
}

#[tokio::test]
async fn launch_tokens_expire_after_launch_ttl() {
    let app = TestApp::new();
    let (sid, _, launch) = app.session(json!({"launch_ttl_seconds": 15})).await;
    app.state.clock.advance(16);
    assert_eq!(
        reason(&app.exchange(&launch, Some(&sid)).await),
        "launch_token_expired"
    );

    let (sid, _, launch) = app.session(json!({"launch_ttl_seconds": 60})).await;
    app.state.clock.advance(59);
    assert_eq!(
        app.exchange(&launch, Some(&sid)).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn tampered_missing_and_mismatched_tokens_are_refused() {
    let app = TestApp::new();
    let (sid, _, launch) = app.session(json!({})).await;
    let (other_sid, _, _) = app.session(json!({})).await;
    let mut flipped = launch.clone().into_bytes();
    flipped[5] = if flipped[5] == b'A' { b'B' } else { b'A' };
    let flipped = String::from_utf8(flipped).unwrap();
    for bad in [
        flipped.as_str(),
        &launch[..42],
        &format!(" {launch}"),
        &launch.to_uppercase(),
        "",
        "' OR 1=1 --",
        &"x".repeat(10_000),
    ] {
        assert_eq!(
            reason(&app.exchange(bad, Some(&sid)).await),
            "launch_token_invalid",
            "{:.20}",
            bad
        );
    }
    assert_eq!(
        reason(&app.exchange(&launch, Some(&other_sid)).await),
        "launch_token_invalid"
    );
    let huge = app.exchange(&"x".repeat(100_000), Some(&sid)).await;
    assert_eq!(
        (huge.status, huge.json["error"]["name"].as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some("PayloadTooLarge"))
    );
    // None of that burned the real token.
    assert_eq!(
        app.exchange(&launch, Some(&sid)).await.status,
        StatusCode::OK
    );
}

/// What can be checked before spending the launch is checked first: a parent the session does
/// not allow, or one that cannot be told apart among several, leaves the token usable.
#[tokio::test]
async fn a_refused_parent_does_not_burn_the_launch() {
    let app = TestApp::new();
    let (sid, _, launch) = app
        .session(json!({"allowed_origins": ["https://a.example.com", "https://b.example.com"]}))
        .await;
    for parent in [
        Some("https://evil.example.com"),
        Some("null"),
        Some("https://a.example.com."),
        None,
    ] {
        let r = app.exchange_from(&launch, Some(&sid), parent).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{parent:?}: {}", r.text);
        assert_eq!(r.json["error"]["name"], "ParentNotAllowed");
        assert_eq!(r.params(), ["parent_origin"]);
    }
    let r = app
        .exchange_from(&launch, Some(&sid), Some("https://b.example.com"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "still unspent: {}", r.text);
    // One allowed origin and nothing observed: that one (as the runtime binds it).
    let (sid, _, launch) = app
        .session(json!({"allowed_origins": ["https://a.example.com"]}))
        .await;
    let r = app.exchange_from(&launch, Some(&sid), None).await;
    assert_eq!(r.status, StatusCode::OK);
}
