//! Launch exchange: single use (atomically), expiry, tampering, binding to the session reference.

mod common;

use axum::http::StatusCode;
use common::{TestApp, WS};
use serde_json::json;

fn reason(r: &common::Res) -> String {
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
    assert_eq!(
        reason(&app.exchange(&launch, None).await),
        "launch_token_used"
    );
}

#[tokio::test]
async fn concurrent_exchanges_have_exactly_one_winner() {
    let app = TestApp::new();
    let (sid, _, launch) = app.session(json!({})).await;
    let calls = (0..50).map(|_| app.exchange(&launch, Some(&sid)));
    let results = futures_join_all(calls).await;
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

async fn futures_join_all<F: std::future::Future>(futs: impl Iterator<Item = F>) -> Vec<F::Output> {
    let mut set = vec![];
    for f in futs {
        set.push(f);
    }
    let mut out = vec![];
    // Poll them interleaved on one task so they genuinely race through the handler.
    let mut pinned: Vec<_> = set.into_iter().map(Box::pin).collect();
    let mut done: Vec<Option<F::Output>> = (0..pinned.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, f) in pinned.iter_mut().enumerate() {
            if done[i].is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => done[i] = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    out.extend(done.into_iter().flatten());
    out
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
    let huge = app.exchange(&"x".repeat(100_000), None).await;
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
