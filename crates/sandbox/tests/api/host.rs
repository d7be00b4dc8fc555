//! The demo host backend ("Acme CRM"), which holds the management key: it answers only its own
//! name (DNS rebinding), only JSON POSTs (cross-site forms), passes through only the session
//! fields the page may choose, and fills in its own origin and user.

use crate::common::{Res, TestApp};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::json;

/// The sandbox with its Meshes API on a real port (the host backend calls it over HTTP).
async fn apps() -> (TestApp, axum::Router) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let app = TestApp::with_config(|c| c.api_addr = addr);
    let meshes = app.router.clone();
    tokio::spawn(async move { axum::serve(listener, meshes).await });
    let host = meshes_sandbox::host::router(app.state.clone());
    (app, host)
}

async fn send(host: &axum::Router, req: Request<Body>) -> Res {
    crate::common::send_to(host, req).await
}

fn post(host_header: &str, path: &str, content_type: Option<&str>, body: &str) -> Request<Body> {
    let mut r = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header("host", host_header);
    if let Some(ct) = content_type {
        r = r.header("content-type", ct);
    }
    r.body(Body::from(body.to_owned())).unwrap()
}

#[tokio::test]
async fn mints_only_for_its_own_name_and_only_json() {
    let (app, host) = apps().await;
    let me = app.state.cfg.host_addr.clone();
    let json_ct = Some("application/json");
    // Another name resolving here (DNS rebinding), in any case.
    for name in ["evil.example.com:18080", "127.0.0.1:18080", "localhost:1"] {
        let r = send(&host, post(name, "/api/embed-sessions", json_ct, "{}")).await;
        assert_eq!(r.status, StatusCode::MISDIRECTED_REQUEST, "{name}");
    }
    // A cross-site form or a body-less fetch: not JSON.
    for (ct, body) in [
        (None, ""),
        (Some("application/x-www-form-urlencoded"), "role=owner"),
        (Some("text/plain"), "{}"),
        (Some("multipart/form-data; boundary=x"), ""),
    ] {
        let r = send(&host, post(&me, "/api/embed-sessions", ct, body)).await;
        assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{ct:?}");
        let r = send(
            &host,
            post(&me, "/api/embed-sessions/sess_x/refresh", ct, body),
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "refresh {ct:?}"
        );
    }
    // Its own page: a session, with only the fields the page may choose.
    let body = json!({"role": "admin", "workspace_id": "00000000-0000-4000-8000-000000000000",
                      "external_user_id": "someone-else-chosen-by-the-page", "launch_page": "rules"});
    let r = send(
        &host,
        post(
            &me.to_uppercase(),
            "/api/embed-sessions",
            json_ct,
            &body.to_string(),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["role"], "admin");
    assert_eq!(
        r.json["workspace_id"],
        crate::common::WS,
        "the page cannot pick the workspace"
    );
    let sid = r.json["session_id"].as_str().unwrap();
    let row = meshes_sandbox::meshes::api::sessions::SessionRow::load(&app.state, sid)
        .unwrap()
        .unwrap();
    assert_eq!(
        row.allowed_origins
            .iter()
            .map(|o| o.as_str())
            .collect::<Vec<_>>(),
        [app.state.cfg.host_origin()]
    );
    // Refresh through the backend works for JSON.
    let r = send(
        &host,
        post(
            &me,
            &format!("/api/embed-sessions/{sid}/refresh"),
            json_ct,
            "{}",
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // Ids that would reshape the upstream path are refused.
    let r = send(
        &host,
        post(
            &me,
            "/api/embed-sessions/..%2Fworkspaces/refresh",
            json_ct,
            "{}",
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

/// The page's own policies: its CSP frames (and may reach) only the embed's origin, and the
/// doctor's demo toggles change exactly what they name, only for their exact query pairs.
#[tokio::test]
async fn the_page_frames_the_embed_origin_and_the_doctor_toggles_break_only_what_they_name() {
    let (app, host) = apps().await;
    let me = app.state.cfg.host_addr.clone();
    let embed = app.state.cfg.embed_origin();
    let get = |query: &str| {
        Request::builder()
            .uri(format!("/{query}"))
            .header("host", me.as_str())
            .body(Body::empty())
            .unwrap()
    };
    let csp = |r: &Res| r.header("content-security-policy").unwrap().to_owned();
    let r = send(&host, get("")).await;
    assert!(
        csp(&r).contains(&format!("frame-src {embed};")),
        "{}",
        csp(&r)
    );
    assert!(csp(&r).contains(&format!("connect-src 'self' {embed};")));
    assert_eq!(r.header("cross-origin-opener-policy"), None);

    let r = send(&host, get("?role=owner&frame_src=self")).await;
    assert!(csp(&r).contains("frame-src 'self';"), "{}", csp(&r));
    assert!(!csp(&r).contains(&format!("frame-src {embed}")));
    let r = send(&host, get("?coop=same-origin")).await;
    assert_eq!(r.header("cross-origin-opener-policy"), Some("same-origin"));
    assert!(csp(&r).contains(&format!("frame-src {embed};")));
    // Near misses change nothing.
    for q in [
        "?frame_src=SELF",
        "?frame_src=self%20",
        "?coop=same-origin-allow-popups",
        "?xcoop=same-origin",
    ] {
        let r = send(&host, get(q)).await;
        assert!(csp(&r).contains(&format!("frame-src {embed};")), "{q}");
        assert_eq!(r.header("cross-origin-opener-policy"), None, "{q}");
    }
}
