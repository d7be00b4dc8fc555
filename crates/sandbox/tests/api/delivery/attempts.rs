//! What an attempt keeps of the answer: bounded, secrets redacted, and shown only to those
//! who may see payloads.

use super::*;
use axum::http::HeaderMap;
use axum::response::IntoResponse;

/// A destination that echoes the credential it was sent, sets a cookie and fails.
async fn echo_server() -> String {
    let app = axum::Router::new().route(
        "/echo",
        axum::routing::post(|h: HeaderMap| async move {
            let auth = h["authorization"].to_str().unwrap().to_owned();
            let mut res = (
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("you sent {auth} {}", "x".repeat(10_000)),
            )
                .into_response();
            res.headers_mut()
                .insert("set-cookie", "session=abc".parse().unwrap());
            res.headers_mut().insert("x-echo", auth.parse().unwrap());
            res
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}/echo")
}

#[tokio::test]
async fn the_answer_is_kept_bounded_and_without_secrets() {
    let app = TestApp::new();
    let url = echo_server().await;
    let (_, rid) = hook(
        &app,
        &format!("{url}?token=abc123"),
        json!({"auth_scheme": "bearer", "bearer_token": "s3cret-token"}),
    )
    .await;
    let eid = send_event(&app, json!({})).await;
    assert_eq!(settled_event(&app, &eid).await["status"], "failed");
    let attempts = attempts_of(&app, &eid, &rid).await;
    assert_eq!(attempts.len(), 5);
    let first = attempts.last().unwrap();
    assert_eq!(first["request"], format!("POST {url}?token=redacted"));
    assert_eq!(first["has_response"], true);
    let aid = first["id"].as_str().unwrap();
    let one = app
        .m(
            Method::GET,
            &format!("/api/v1/events/{eid}/rules/{rid}/attempts/{aid}"),
            None,
        )
        .await;
    assert_eq!(&one.json, first);
    let path = format!("/api/v1/events/{eid}/rules/{rid}/attempts/{aid}/response-details");
    let d = app.m(Method::GET, &path, None).await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.text);
    assert_eq!(d.json["attempt_id"], aid);
    assert_eq!(d.json["http_status"], 500);
    let body = d.json["body"].as_str().unwrap();
    assert!(
        body.starts_with("you sent Bearer [redacted] xxx"),
        "{body:.60}"
    );
    assert!(!d.text.contains("s3cret-token"));
    assert!(
        (4000..=4096).contains(&body.len()),
        "kept {} bytes",
        body.len()
    );
    assert_eq!(d.json["body_truncated"], true);
    let h = |name: &str| {
        d.json["headers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .map(|p| p["value"].clone())
    };
    assert_eq!(h("set-cookie"), Some(json!("[redacted]")));
    assert_eq!(h("x-echo"), Some(json!("Bearer [redacted]")));
    // Payload readers only: a member reads attempts but not answers.
    let member = app.session(json!({"role": "member"})).await.1;
    let listed = app
        .call(
            Method::GET,
            &format!("/api/v1/events/{eid}/rules/{rid}/attempts"),
            Some(&member),
            None,
        )
        .await;
    assert_eq!(listed.status, StatusCode::OK);
    let r = app.call(Method::GET, &path, Some(&member), None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let reader = app
        .session(json!({"role": "owner", "scopes": ["events.payload:read"]}))
        .await
        .1;
    assert_eq!(
        app.call(Method::GET, &path, Some(&reader), None)
            .await
            .status,
        StatusCode::OK
    );
    let missing = app
        .m(
            Method::GET,
            &format!(
                "/api/v1/events/{eid}/rules/{rid}/attempts/{}",
                uuid::Uuid::new_v4()
            ),
            None,
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}
