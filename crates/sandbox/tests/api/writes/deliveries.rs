//! Test events, deliveries, retries, and who may write at all.

use super::rules::create_rule;
use super::*;

#[tokio::test]
async fn test_event_is_retried_until_it_fails_then_retried_and_canceled_by_hand() {
    let app = TestApp::new();
    let t = admin(&app).await;
    let url = format!("{}/flaky", inbox(&app).await);
    app.state
        .receiver
        .configure("flaky", |s| s.mode = meshes_sandbox::receiver::Mode::Fail);
    let c = app
        .call(
            Method::POST,
            "/api/v1/connections",
            Some(&t),
            Some(webhook("Flaky", &url)),
        )
        .await;
    let cid = c.json["connection"]["id"].as_str().unwrap().to_owned();
    let rid = create_rule(&app, &t, &cid).await;
    let bad = app
        .call(
            Method::POST,
            &format!("/api/v1/rules/{rid}/test"),
            Some(&t),
            Some(json!({"payload": "nope"})),
        )
        .await;
    assert_eq!(bad.params(), vec!["payload"]);
    let sent = app
        .call(
            Method::POST,
            &format!("/api/v1/rules/{rid}/test"),
            Some(&t),
            Some(json!({"payload": {"email": "a@example.com"}})),
        )
        .await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.text);
    assert_eq!(sent.json["event"]["status"], "pending");
    let eid = sent.json["event"]["id"].as_str().unwrap().to_owned();
    // Queued: a manual retry is too early.
    let early = app
        .call(
            Method::POST,
            &format!("/api/v1/events/{eid}/rules/{rid}/retry"),
            Some(&t),
            None,
        )
        .await;
    assert_eq!(early.status, StatusCode::TOO_EARLY, "{}", early.text);
    settle(&app).await;
    let ev = app
        .call(
            Method::GET,
            &format!("/api/v1/events/{eid}"),
            Some(&t),
            None,
        )
        .await;
    assert_eq!(ev.json["status"], "failed", "{}", ev.text);
    assert_eq!(ev.json["failed_count"], 1);
    assert_eq!(
        ev.json["rule_events"][0]["last_error"],
        "HTTP 503 Service Unavailable"
    );
    let attempts = app
        .call(
            Method::GET,
            &format!("/api/v1/events/{eid}/rules/{rid}/attempts"),
            Some(&t),
            None,
        )
        .await;
    assert_eq!(attempts.json["count"], 5, "{}", attempts.text);
    assert_eq!(
        app.state.receiver.requests("flaky").len(),
        5,
        "each attempt arrived"
    );
    assert_eq!(
        attempts.json["records"][0]["outcome_code"],
        "rejected_server_error"
    );
    assert_eq!(attempts.json["records"][0]["http_status"], 503);
    // Failed deliveries can be retried by hand; cancel stops it; canceled cannot be retried.
    let again = app
        .call(
            Method::POST,
            &format!("/api/v1/events/{eid}/rules/{rid}/retry"),
            Some(&t),
            None,
        )
        .await;
    assert_eq!(again.json["status"], "retrying");
    let cancel = app
        .call(
            Method::POST,
            &format!("/api/v1/events/{eid}/cancel"),
            Some(&t),
            None,
        )
        .await;
    assert_eq!(cancel.json["status"], "canceled", "{}", cancel.text);
    let no = app
        .call(
            Method::POST,
            &format!("/api/v1/events/{eid}/rules/{rid}/retry"),
            Some(&t),
            None,
        )
        .await;
    assert_eq!(no.status, StatusCode::CONFLICT);
    let no = app
        .call(
            Method::POST,
            &format!("/api/v1/events/{eid}/cancel"),
            Some(&t),
            None,
        )
        .await;
    assert_eq!(no.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn healthy_webhook_completes() {
    let app = TestApp::new();
    let t = admin(&app).await;
    let url = format!("{}/good", inbox(&app).await);
    let c = app
        .call(
            Method::POST,
            "/api/v1/connections",
            Some(&t),
            Some(webhook("Good", &url)),
        )
        .await;
    let rid = create_rule(&app, &t, c.json["connection"]["id"].as_str().unwrap()).await;
    let sent = app
        .call(
            Method::POST,
            &format!("/api/v1/rules/{rid}/test"),
            Some(&t),
            Some(json!({"payload": {}})),
        )
        .await;
    let eid = sent.json["event"]["id"].as_str().unwrap().to_owned();
    settle(&app).await;
    let ev = app
        .call(
            Method::GET,
            &format!("/api/v1/events/{eid}"),
            Some(&t),
            None,
        )
        .await;
    assert_eq!(ev.json["status"], "completed", "{}", ev.text);
    assert_eq!(ev.json["completed_count"], 1);
    assert!(ev.json["completed_at"].is_string());
}

#[tokio::test]
async fn who_may_write() {
    let app = TestApp::new();
    let owner = admin(&app).await;
    let c = app
        .call(
            Method::POST,
            "/api/v1/connections",
            Some(&owner),
            Some(webhook("Owned", "https://ok.example.com/x")),
        )
        .await;
    let cid = c.json["connection"]["id"].as_str().unwrap().to_owned();
    let rid = create_rule(&app, &owner, &cid).await;
    let member = app.session(json!({"role": "member"})).await.1;
    let adm = app.session(json!({"role": "admin"})).await.1;
    let dash = app
        .session(json!({"role": "owner", "session_type": "dashboard", "launch_page": "dashboard"}))
        .await
        .1;
    let cases: Vec<(Method, String, Option<Value>)> = vec![
        (
            Method::POST,
            "/api/v1/connections".into(),
            Some(webhook("X", "https://ok.example.com")),
        ),
        (
            Method::PUT,
            format!("/api/v1/connections/{cid}"),
            Some(json!({"name": "Y", "metadata": {"url": "https://ok.example.com"}})),
        ),
        (
            Method::POST,
            "/api/v1/rules".into(),
            Some(
                json!({"workspace": WS, "connection": cid, "event": "invoice.paid", "metadata": {"action": "send_webhook"}}),
            ),
        ),
        (
            Method::PATCH,
            format!("/api/v1/rules/{rid}"),
            Some(json!({"active": false})),
        ),
        (
            Method::POST,
            format!("/api/v1/rules/{rid}/test"),
            Some(json!({"payload": {}})),
        ),
    ];
    for (method, path, body) in &cases {
        for (who, t) in [("member", &member), ("dashboard", &dash)] {
            let r = app.call(method.clone(), path, Some(t), body.clone()).await;
            assert_eq!(
                r.status,
                StatusCode::FORBIDDEN,
                "{who} {method} {path}: {}",
                r.text
            );
        }
    }
    // Admins write but do not delete.
    for path in [
        format!("/api/v1/rules/{rid}"),
        format!("/api/v1/connections/{cid}"),
    ] {
        let r = app.call(Method::DELETE, &path, Some(&adm), None).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
        assert!(
            r.json["error"]["message"]
                .as_str()
                .unwrap()
                .contains("owner")
        );
    }
    let r = app
        .call(
            Method::PATCH,
            &format!("/api/v1/rules/{rid}"),
            Some(&adm),
            Some(json!({"active": false})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    // Another workspace's ids are "not found", not "forbidden".
    let other = app
        .m(
            Method::POST,
            "/api/v1/workspaces",
            Some(json!({"name": "Other Tenant"})),
        )
        .await;
    let other_ws = other.json["workspace"]["id"].as_str().unwrap();
    let mut foreign = webhook("Foreign", "https://ok.example.com");
    foreign["workspace"] = json!(other_ws);
    let r = app
        .call(
            Method::POST,
            "/api/v1/connections",
            Some(&owner),
            Some(foreign),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}
