//! Connections, rules, test events, deliveries: shapes, validation, 409/422/425 paths and who
//! may write, through the real router.

mod common;

use axum::http::{Method, StatusCode};
use common::{TestApp, WS};
use meshes_sandbox::deliveries::tick;
use serde_json::{Value, json};

fn webhook(name: &str, url: &str) -> Value {
    json!({"workspace": WS, "type": "webhook", "name": name, "metadata": {
        "url": url, "auth_scheme": "bearer", "bearer_token": "s3cret-token",
        "signing_algorithm": "hmac_sha256", "signing_secret": "whsec_123",
        "custom_headers": [{"name": "X-Tenant", "value": "acme"}]}})
}

async fn admin(app: &TestApp) -> String {
    app.session(json!({"role": "owner"})).await.1
}

/// Run the delivery engine until nothing is due, stepping the clock past each flight/backoff.
fn drain(app: &TestApp, rounds: usize) {
    for _ in 0..rounds {
        tick(&app.state).unwrap();
        app.state.clock.advance(20);
    }
}

#[tokio::test]
async fn catalog_endpoints() {
    let app = TestApp::new();
    let t = admin(&app).await;
    let r = app
        .call(
            Method::GET,
            "/api/v1/integrations?limit=100",
            Some(&t),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["count"], 15);
    let webhook = r.json["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["type"] == "webhook")
        .unwrap();
    assert_eq!(webhook["authentication"]["type"], "none");
    let paged = app
        .call(Method::GET, "/api/v1/integrations?limit=10", Some(&t), None)
        .await;
    assert_eq!(paged.json["count"], 10);
    let cursor = paged.json["next_cursor"].as_str().unwrap().to_owned();
    let rest = app
        .call(
            Method::GET,
            &format!("/api/v1/integrations?limit=10&cursor={cursor}"),
            Some(&t),
            None,
        )
        .await;
    assert_eq!(rest.json["count"], 5);
    let names: Vec<&str> = paged.json["records"]
        .as_array()
        .unwrap()
        .iter()
        .chain(rest.json["records"].as_array().unwrap())
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "pages are alphabetical and contiguous");
    assert!(rest.json["next_cursor"].is_null());
    for path in ["event-types", "resources"] {
        let r = app
            .call(
                Method::GET,
                &format!("/api/v1/workspaces/{WS}/{path}"),
                Some(&t),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(
            r.json.as_array().unwrap().len() >= 5,
            "{path} is a plain array of entries"
        );
        assert!(r.json[0]["key"].is_string() && r.json[0]["label"].is_string());
    }
}

#[tokio::test]
async fn webhook_connection_lifecycle_never_returns_secrets() {
    let app = TestApp::new();
    let t = admin(&app).await;
    let r = app
        .call(
            Method::POST,
            "/api/v1/connections",
            Some(&t),
            Some(webhook("Billing Hook", "https://hooks.example.com/in")),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let c = &r.json["connection"];
    assert_eq!(
        c["metadata"]["http_method"], "POST",
        "catalog defaults are filled in"
    );
    assert_eq!(c["metadata"]["signing_header"], "X-Meshes-Signature");
    assert!(
        !r.text.contains("s3cret-token") && !r.text.contains("whsec_123"),
        "{}",
        r.text
    );
    let id = c["id"].as_str().unwrap().to_owned();
    let got = app
        .call(
            Method::GET,
            &format!("/api/v1/connections/{id}"),
            Some(&t),
            None,
        )
        .await;
    assert!(!got.text.contains("s3cret") && !got.text.contains("whsec"));
    // A blank secret on update keeps the stored one (the form never has it to send back).
    let mut m = webhook("Billing Hook 2", "https://hooks.example.com/v2")["metadata"].clone();
    m["bearer_token"] = json!("");
    m["signing_secret"] = json!("");
    let up = app
        .call(
            Method::PUT,
            &format!("/api/v1/connections/{id}"),
            Some(&t),
            Some(json!({"name": "Billing Hook 2", "metadata": m})),
        )
        .await;
    assert_eq!(up.status, StatusCode::OK, "{}", up.text);
    assert_eq!(up.json["metadata"]["url"], "https://hooks.example.com/v2");
    let list = app
        .call(
            Method::GET,
            &format!("/api/v1/workspaces/{WS}/connections"),
            Some(&t),
            None,
        )
        .await;
    assert!(
        list.json["records"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["name"] == "Billing Hook 2")
    );
    // Same name again: 409.
    let dup = app
        .call(
            Method::POST,
            "/api/v1/connections",
            Some(&t),
            Some(webhook("Billing Hook 2", "https://x.example.com")),
        )
        .await;
    assert_eq!(dup.status, StatusCode::CONFLICT);
    let del = app
        .call(
            Method::DELETE,
            &format!("/api/v1/connections/{id}"),
            Some(&t),
            None,
        )
        .await;
    assert_eq!(del.status, StatusCode::OK, "{}", del.text);
    assert_eq!(del.json, json!({"id": id, "type": "webhook"}));
    let gone = app
        .call(
            Method::GET,
            &format!("/api/v1/connections/{id}"),
            Some(&t),
            None,
        )
        .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn connection_validation_names_each_param() {
    let app = TestApp::new();
    let t = admin(&app).await;
    let bad = json!({"workspace": WS, "type": "webhook", "name": "bad/name", "metadata": {
        "url": "http://plain.example.com", "http_method": "GET", "auth_scheme": "basic",
        "signing_algorithm": "hmac_sha256", "surprise": 1,
        "custom_headers": [{"name": "Content-Type", "value": "x"}, {"name": "A", "value": "1"}, {"name": "a", "value": "2\n"}]}});
    let r = app
        .call(Method::POST, "/api/v1/connections", Some(&t), Some(bad))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    // The name fails first (the whole body is checked before the settings).
    assert_eq!(r.params(), vec!["name"]);
    let bad = json!({"workspace": WS, "type": "webhook", "name": "Hook", "metadata": {
        "url": "http://plain.example.com", "http_method": "GET", "auth_scheme": "basic",
        "signing_algorithm": "hmac_sha256", "surprise": 1,
        "custom_headers": [{"name": "Content-Type", "value": "x"}, {"name": "A", "value": "1"}, {"name": "a", "value": "2\n"}]}});
    let r = app
        .call(Method::POST, "/api/v1/connections", Some(&t), Some(bad))
        .await;
    let mut params = r.params();
    params.sort();
    assert_eq!(
        params,
        vec![
            "metadata.basic_password",
            "metadata.basic_username",
            "metadata.custom_headers[0].name",
            "metadata.custom_headers[2].name",
            "metadata.custom_headers[2].value",
            "metadata.http_method",
            "metadata.signing_secret",
            "metadata.surprise",
            "metadata.url",
        ],
        "{}",
        r.text
    );
    // OAuth types are not created with credentials.
    let r = app
        .call(
            Method::POST,
            "/api/v1/connections",
            Some(&t),
            Some(json!({"workspace": WS, "type": "slack", "name": "S", "metadata": {}})),
        )
        .await;
    assert_eq!(r.params(), vec!["type"]);
    // API-key types follow their catalog fields.
    let r = app.call(Method::POST, "/api/v1/connections", Some(&t), Some(json!({"workspace": WS, "type": "mailchimp", "name": "MC", "metadata": {"data_center": "us1"}}))).await;
    assert_eq!(r.params(), vec!["metadata.api_key"]);
    // The URL test on save: 422 unless skipped.
    let r = app
        .call(
            Method::POST,
            "/api/v1/connections",
            Some(&t),
            Some(webhook("Unreachable", "https://nowhere.invalid/x")),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.params(), vec!["metadata.url"]);
    let mut skip = webhook("Unreachable", "https://nowhere.invalid/x");
    skip["metadata"]["skip_url_test"] = json!(true);
    let r = app
        .call(Method::POST, "/api/v1/connections", Some(&t), Some(skip))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
}

async fn create_rule(app: &TestApp, t: &str, connection: &str) -> String {
    let r = app
        .call(
            Method::POST,
            "/api/v1/rules",
            Some(t),
            Some(json!({
        "workspace": WS, "connection": connection, "event": "invoice.paid",
        "metadata": {"action": "send_webhook"}})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.json["rule"]["active"], true);
    r.json["rule"]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn rules_and_the_delete_conflict() {
    let app = TestApp::new();
    let t = admin(&app).await;
    let c = app
        .call(
            Method::POST,
            "/api/v1/connections",
            Some(&t),
            Some(webhook("Orders", "https://ok.example.com/x")),
        )
        .await;
    let cid = c.json["connection"]["id"].as_str().unwrap().to_owned();
    let rid = create_rule(&app, &t, &cid).await;
    let list = app
        .call(
            Method::GET,
            &format!("/api/v1/workspaces/{WS}/rules?connection={cid}"),
            Some(&t),
            None,
        )
        .await;
    assert_eq!(list.json["count"], 1);
    let filtered = app
        .call(
            Method::GET,
            &format!("/api/v1/workspaces/{WS}/rules?event=deal.won"),
            Some(&t),
            None,
        )
        .await;
    assert!(
        filtered.json["records"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["event"] == "deal.won")
    );
    // 409 while an active rule uses the connection; the message says what to do.
    let del = app
        .call(
            Method::DELETE,
            &format!("/api/v1/connections/{cid}"),
            Some(&t),
            None,
        )
        .await;
    assert_eq!(del.status, StatusCode::CONFLICT);
    assert!(
        del.json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("1 active rule")
    );
    // Inactive rules do not block.
    let off = app
        .call(
            Method::PATCH,
            &format!("/api/v1/rules/{rid}"),
            Some(&t),
            Some(json!({"active": false})),
        )
        .await;
    assert_eq!(off.json["active"], false);
    let rid2 = create_rule(&app, &t, &cid).await;
    let forced = app
        .call(
            Method::DELETE,
            &format!("/api/v1/connections/{cid}"),
            Some(&t),
            Some(json!({"force_delete": true})),
        )
        .await;
    assert_eq!(forced.status, StatusCode::OK, "{}", forced.text);
    for r in [rid, rid2] {
        let gone = app
            .call(Method::GET, &format!("/api/v1/rules/{r}"), Some(&t), None)
            .await;
        assert_eq!(
            gone.status,
            StatusCode::NOT_FOUND,
            "force delete removes the rules too"
        );
    }
}

#[tokio::test]
async fn rule_validation_uses_the_action_catalog_and_live_data() {
    let app = TestApp::new();
    let t = admin(&app).await;
    let conns = app
        .call(
            Method::GET,
            &format!("/api/v1/workspaces/{WS}/connections"),
            Some(&t),
            None,
        )
        .await;
    let slack = conns.json["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["type"] == "slack")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let live = app
        .call(
            Method::GET,
            &format!("/api/v1/connections/{slack}/actions"),
            Some(&t),
            None,
        )
        .await;
    assert_eq!(live.json["channels"][1]["name"], "#sales-wins");
    let post = |metadata: Value, event: &str| json!({"workspace": WS, "connection": slack, "event": event, "metadata": metadata});
    let r = app
        .call(
            Method::POST,
            "/api/v1/rules",
            Some(&t),
            Some(post(
                json!({"action": "send_message", "id": "C0nope"}),
                "Bad Event",
            )),
        )
        .await;
    let mut p = r.params();
    p.sort();
    assert_eq!(p, vec!["event"]);
    let r = app
        .call(
            Method::POST,
            "/api/v1/rules",
            Some(&t),
            Some(post(
                json!({"action": "send_message", "id": "C0nope"}),
                "deal.won",
            )),
        )
        .await;
    let mut p = r.params();
    p.sort();
    assert_eq!(p, vec!["metadata.id", "metadata.template"], "{}", r.text);
    let r = app
        .call(
            Method::POST,
            "/api/v1/rules",
            Some(&t),
            Some(post(json!({"action": "post_tweet"}), "deal.won")),
        )
        .await;
    assert_eq!(r.params(), vec!["metadata.action"]);
    let r = app
        .call(
            Method::POST,
            "/api/v1/rules",
            Some(&t),
            Some(post(
                json!({"action": "send_message", "id": "C02", "template": "Won {{name}}"}),
                "deal.won",
            )),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
}

#[tokio::test]
async fn test_event_is_delivered_with_attempts_and_retry_rules() {
    let app = TestApp::new();
    let t = admin(&app).await;
    let c = app
        .call(
            Method::POST,
            "/api/v1/connections",
            Some(&t),
            Some(webhook("Flaky", "https://fail.example.com/x")),
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
    tick(&app.state).unwrap();
    // In flight: a manual retry is too early.
    let early = app
        .call(
            Method::POST,
            &format!("/api/v1/events/{eid}/rules/{rid}/retry"),
            Some(&t),
            None,
        )
        .await;
    assert_eq!(early.status, StatusCode::TOO_EARLY, "{}", early.text);
    app.state.clock.advance(1);
    tick(&app.state).unwrap();
    let ev = app
        .call(
            Method::GET,
            &format!("/api/v1/events/{eid}"),
            Some(&t),
            None,
        )
        .await;
    assert_eq!(ev.json["status"], "retrying");
    assert_eq!(
        ev.json["rule_events"][0]["last_error"],
        "HTTP 503 from https://fail.example.com/x"
    );
    // A forced retry now is fine (the scheduled one is seconds away).
    let forced = app
        .call(
            Method::POST,
            &format!("/api/v1/events/{eid}/rules/{rid}/retry"),
            Some(&t),
            None,
        )
        .await;
    assert_eq!(forced.status, StatusCode::OK, "{}", forced.text);
    drain(&app, 12);
    let ev = app
        .call(
            Method::GET,
            &format!("/api/v1/events/{eid}"),
            Some(&t),
            None,
        )
        .await;
    assert_eq!(ev.json["status"], "failed");
    assert_eq!(ev.json["failed_count"], 1);
    let attempts = app
        .call(
            Method::GET,
            &format!("/api/v1/events/{eid}/rules/{rid}/attempts"),
            Some(&t),
            None,
        )
        .await;
    assert_eq!(attempts.json["count"], 4, "{}", attempts.text);
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
    let c = app
        .call(
            Method::POST,
            "/api/v1/connections",
            Some(&t),
            Some(webhook("Good", "https://ok.example.com/x")),
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
    drain(&app, 3);
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
