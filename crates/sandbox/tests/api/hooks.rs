//! Test hooks: absent by default; when on, faults apply to full API paths and requests are logged.

use crate::common::{TestApp, WS};
use axum::http::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn hooks_are_off_unless_asked_for() {
    let app = TestApp::new();
    assert_eq!(
        app.call(Method::GET, "/__sandbox/requests", None, None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let r = app
        .call(
            Method::POST,
            "/__sandbox/faults",
            None,
            Some(json!({"path": "/", "kind": "hang"})),
        )
        .await;
    assert_ne!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.m(Method::GET, &format!("/api/v1/workspaces/{WS}"), None)
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn faults_hit_full_api_paths_for_the_given_count() {
    let app = TestApp::with_config(|c| c.test_hooks = true);
    let fault = json!({"path": "/api/v1/workspaces/", "kind": "status", "status": 503, "retry_after": "2", "times": 2});
    assert_eq!(
        app.call(Method::POST, "/__sandbox/faults", None, Some(fault))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    let path = format!("/api/v1/workspaces/{WS}");
    for _ in 0..2 {
        let r = app.m(Method::GET, &path, None).await;
        assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(r.json["error"]["name"], "ServiceUnavailable");
        assert_eq!(r.header("retry-after"), Some("2"));
    }
    assert_eq!(app.m(Method::GET, &path, None).await.status, StatusCode::OK);
    let log = app
        .call(Method::GET, "/__sandbox/requests", None, None)
        .await;
    let hits = log
        .json
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["uri"] == path.as_str())
        .count();
    assert_eq!(hits, 3);
}

#[tokio::test]
async fn short_ttls_need_the_test_knob() {
    let app = TestApp::new();
    assert_eq!(
        app.mint(json!({"ttl_seconds": 20})).await.status,
        StatusCode::BAD_REQUEST
    );
    let app = TestApp::with_config(|c| c.min_ttl_seconds = 20);
    assert_eq!(
        app.mint(json!({"ttl_seconds": 20})).await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.mint(json!({"ttl_seconds": 19})).await.status,
        StatusCode::BAD_REQUEST
    );
}

/// A fault that would hit no request is refused (it used to underflow its counter).
#[tokio::test]
async fn a_fault_for_zero_requests_is_refused() {
    let app = TestApp::with_config(|c| c.test_hooks = true);
    let fault = json!({"path": "/api/v1/", "kind": "status", "status": 503, "times": 0});
    let r = app
        .call(Method::POST, "/__sandbox/faults", None, Some(fault))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.m(Method::GET, &format!("/api/v1/workspaces/{WS}"), None)
            .await
            .status,
        StatusCode::OK
    );
}

/// Anyone can open the fake providers' authorization page as often as they like: what they
/// keep for it stays bounded.
#[tokio::test]
async fn the_fake_providers_keep_a_bounded_number_of_pending_requests() {
    use tower::ServiceExt;
    let app = TestApp::new();
    let provider = meshes_sandbox::provider_router(&app.state);
    let redirect = app.state.provider.redirect_uri.clone();
    let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    for i in 0..1_100 {
        let uri = format!(
            "/slack/authorize?response_type=code&client_id=meshes-sandbox&redirect_uri={}&state=s{i}&code_challenge={challenge}&code_challenge_method=S256",
            meshes_sandbox::secrets::query_value(&redirect)
        );
        let req = axum::http::Request::get(uri)
            .body(axum::body::Body::empty())
            .unwrap();
        let res = provider.clone().oneshot(req).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
    }
    let (requests, codes, tokens) = app.state.provider.held();
    assert!(requests <= 1_000, "{requests} pending requests held");
    assert_eq!((codes, tokens), (0, 0));
}

/// The bench's hand-written baseline page exists only with test hooks, framed like the embed.
#[tokio::test]
async fn the_bench_baseline_is_framed_like_the_embed_and_only_with_hooks() {
    let app = TestApp::with_config(|c| c.test_hooks = true);
    let sid = app
        .session(json!({"allowed_origins": ["https://app.example.com"]}))
        .await
        .0;
    let r = app
        .call(
            Method::GET,
            &format!("/__sandbox/baseline/dashboard?session={sid}"),
            None,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("/__sandbox/baseline.js"));
    let csp = r.header("content-security-policy").unwrap();
    assert!(
        csp.ends_with("frame-ancestors https://app.example.com"),
        "{csp}"
    );
    let off = TestApp::new();
    let r = off
        .call(Method::GET, "/__sandbox/baseline/dashboard", None, None)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}
