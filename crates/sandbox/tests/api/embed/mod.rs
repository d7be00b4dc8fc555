//! Embed documents and API responses: the headers that make framing and caching safe.

mod assets;
mod paths;
mod probe;

use crate::common::{TestApp, WS};
use axum::http::{Method, StatusCode};
use serde_json::json;

const CSP_PREFIX: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
    img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; \
    object-src 'none'; frame-src 'none'; worker-src 'none'; manifest-src 'none'; frame-ancestors ";

async fn doc(app: &TestApp, path: &str) -> crate::common::Res {
    app.call(Method::GET, path, None, None).await
}

fn assert_document_headers(r: &crate::common::Res, ancestors: &str) {
    assert_eq!(
        r.header("content-security-policy"),
        Some(format!("{CSP_PREFIX}{ancestors}").as_str())
    );
    assert_eq!(r.header("referrer-policy"), Some("no-referrer"));
    assert_eq!(r.header("cache-control"), Some("no-store"));
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    assert!(
        r.header("permissions-policy")
            .unwrap()
            .contains("camera=()")
    );
    assert_eq!(
        r.header("x-frame-options"),
        None,
        "X-Frame-Options would override frame-ancestors"
    );
}

#[tokio::test]
async fn embed_document_is_framable_only_by_allowed_origins() {
    let app = TestApp::new();
    let r = app.mint(json!({"allowed_origins": ["http://localhost:8080", "https://app.example.com"], "launch_page": "rules"})).await;
    let url = r.json["launch_url"].as_str().unwrap();
    let path = &url[url.find("/workspace/").unwrap()..url.find('#').unwrap()];
    let sid = r.json["session_id"].as_str().unwrap();
    let d = doc(&app, path).await;
    assert_eq!(d.status, StatusCode::OK);
    assert!(
        d.text.contains("data-test-embed"),
        "serves the built index.html"
    );
    assert_document_headers(&d, "http://localhost:8080 https://app.example.com");

    // A reload (secret already stripped) and deep links keep the same framing.
    for page in ["dashboard", "events/evt_1", "connections/c-1/mappings"] {
        assert_document_headers(
            &doc(&app, &format!("/workspace/{page}?session={sid}")).await,
            "http://localhost:8080 https://app.example.com",
        );
    }
    // The documented ?launch= form is sent on to the canonical form, unconsumed: the secret
    // moves to the fragment, the session reference (which the exchange must carry) to the query.
    let token = r.json["launch_token"].as_str().unwrap();
    let d = doc(&app, &format!("/workspace/rules?launch={token}&x=1")).await;
    assert_eq!(d.status, StatusCode::SEE_OTHER);
    assert_eq!(
        d.header("location"),
        Some(format!("/workspace/rules?session={sid}&x=1#launch={token}").as_str())
    );
    assert_eq!(
        d.header("referrer-policy"),
        Some("strict-origin"),
        "the document still learns its parent's origin"
    );
    assert_eq!(d.header("cache-control"), Some("no-store"));
    let r = app
        .exchange_from(token, Some(sid), Some("https://app.example.com"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

#[tokio::test]
async fn unknown_sessions_and_paths_are_never_framable() {
    let app = TestApp::new();
    assert_document_headers(&doc(&app, "/workspace/dashboard").await, "'none'");
    assert_document_headers(
        &doc(&app, "/workspace/dashboard?session=sess_unknown").await,
        "'none'",
    );
    assert_document_headers(
        &doc(&app, "/workspace/dashboard?launch=nope").await,
        "'none'",
    );
    let r = doc(&app, "/workspace/settings").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_document_headers(&r, "'none'");
    // The built index.html is never served raw (it would run without its CSP).
    for raw in ["/index.html", "/", "/assets/"] {
        let r = doc(&app, raw).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{raw}");
        assert_document_headers(&r, "'none'");
    }
    // Without allowed_origins the session may be framed anywhere (documented decision).
    let sid = app.session(json!({})).await.0;
    assert_document_headers(
        &doc(&app, &format!("/workspace/dashboard?session={sid}")).await,
        "http: https:",
    );
}

#[tokio::test]
async fn api_responses_are_not_framable_cacheable_or_cross_origin_readable() {
    let app = TestApp::new();
    let req = axum::http::Request::get(format!("/api/v1/workspaces/{WS}"))
        .header("authorization", format!("Bearer {}", app.key))
        .header("origin", "https://evil.test")
        .body(axum::body::Body::empty())
        .unwrap();
    let r = app.send(req).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("x-frame-options"), Some("DENY"));
    assert_eq!(r.header("cache-control"), Some("no-store"));
    assert_eq!(
        r.header("access-control-allow-origin"),
        None,
        "no CORS on the API"
    );
    let r = app
        .call(Method::OPTIONS, "/api/v1/sessions", None, None)
        .await;
    assert_eq!(r.header("access-control-allow-origin"), None);
    let r = app.call(Method::GET, "/api/v1/nowhere", None, None).await;
    assert_eq!(
        (r.status, r.json["error"]["name"].as_str()),
        (StatusCode::NOT_FOUND, Some("NotFound"))
    );
    let r = app
        .call(Method::PATCH, "/api/v1/sessions", None, None)
        .await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.json["message"], "Method Not Allowed");
}
