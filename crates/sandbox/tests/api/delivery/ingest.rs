//! Events in over the public API: who may send, what is refused and why, bulk, limits, and
//! which rules an event fans out to.

use super::*;
use axum::body::Body;
use axum::http::Request;

async fn with_key(app: &TestApp, path: &str, key: &str, body: Value) -> Res {
    let req = Request::post(path)
        .header("x-meshes-publishable-key", key)
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    app.send(req).await
}

#[tokio::test]
async fn the_publishable_key_sends_into_its_workspace_only() {
    let app = TestApp::new();
    let ws = app
        .m(Method::GET, &format!("/api/v1/workspaces/{WS}"), None)
        .await;
    let key = ws.json["publishable_key"]["public_key"]
        .as_str()
        .unwrap()
        .to_owned();
    let ok = with_key(
        &app,
        "/api/v1/events",
        &key,
        json!({"event": "user.signup", "payload": {"email": "a@example.com"}}),
    )
    .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.text);
    assert_eq!(ok.json["event"]["workspace"], WS);
    assert_eq!(ok.json["event"]["created_by"], "publishable_key");
    assert_eq!(ok.json["event"]["type"], "event");
    let other = uuid::Uuid::new_v4().to_string();
    let r = with_key(
        &app,
        "/api/v1/events",
        &key,
        json!({"event": "user.signup", "payload": {}, "workspace": other}),
    )
    .await;
    assert_eq!(r.params(), vec!["workspace"]);
    let r = with_key(
        &app,
        "/api/v1/events",
        "pk_test_nope",
        json!({"event": "user.signup", "payload": {}}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // Accepted by ingestion only.
    let req = Request::get(format!("/api/v1/workspaces/{WS}/events"))
        .header("x-meshes-publishable-key", &key)
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(req).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn bad_records_name_the_param() {
    let app = TestApp::new();
    let post = |body: Value| app.m(Method::POST, "/api/v1/events", Some(body));
    let cases = [
        (
            json!({"event": "user.signup", "payload": {}}),
            vec!["workspace"],
        ),
        (json!({"workspace": WS, "payload": {}}), vec!["event"]),
        (
            json!({"workspace": WS, "event": "User Signup!", "payload": {}}),
            vec!["event"],
        ),
        (
            json!({"workspace": WS, "event": "a.b", "payload": [1]}),
            vec!["payload"],
        ),
        (
            json!({"workspace": WS, "event": "a.b", "payload": {"x": "y".repeat(33 * 1024)}}),
            vec!["payload"],
        ),
        (
            json!({"workspace": WS, "event": "a.b", "payload": {}, "resource_id": "has space"}),
            vec!["resource_id"],
        ),
        (
            json!({"workspace": WS, "event": "a.b", "payload": {}, "type": "rule"}),
            vec!["type"],
        ),
        (
            json!({"workspace": WS, "event": "a.b", "payload": {}, "extra": 1}),
            vec!["extra"],
        ),
        (
            json!({"workspace": "nope", "event": "a.b", "payload": {}}),
            vec!["workspace"],
        ),
    ];
    for (body, params) in cases {
        let r = post(body.clone()).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}: {}", r.text);
        assert_eq!(r.params(), params, "{body}");
    }
    let r =
        post(json!({"workspace": uuid::Uuid::new_v4().to_string(), "event": "a.b", "payload": {}}))
            .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn bulk_takes_1_to_100_and_says_what_happened_to_each() {
    let app = TestApp::new();
    let rec = |event: &str| json!({"workspace": WS, "event": event, "payload": {"n": 1}});
    let all = app
        .m(
            Method::POST,
            "/api/v1/events/bulk",
            Some(json!([rec("a.b"), rec("c.d")])),
        )
        .await;
    assert_eq!(all.status, StatusCode::CREATED, "{}", all.text);
    assert_eq!(
        (all.json["count"].clone(), all.json["error_count"].clone()),
        (json!(2), json!(0))
    );
    let mixed = app
        .m(
            Method::POST,
            "/api/v1/events/bulk",
            Some(json!([rec("a.b"), rec("NOT OK"), 7])),
        )
        .await;
    assert_eq!(mixed.status, StatusCode::MULTI_STATUS, "{}", mixed.text);
    assert_eq!(mixed.json["count"], 1);
    assert_eq!(mixed.json["error_count"], 2);
    let records = mixed.json["records"].as_array().unwrap();
    assert_eq!(records[0]["status"], 201);
    assert!(records[0]["event"]["id"].is_string());
    assert_eq!(records[1]["index"], 1);
    assert_eq!(records[1]["status"], 400);
    assert_eq!(records[1]["error"]["data"][0]["param"], "event");
    assert_eq!(records[2]["error"]["data"][0]["param"], "body");
    let many: Vec<Value> = (0..101).map(|_| rec("a.b")).collect();
    for body in [json!([]), json!(many), json!({"event": "a.b"})] {
        let r = app.m(Method::POST, "/api/v1/events/bulk", Some(body)).await;
        assert_eq!(r.params(), vec!["body"], "{}", r.text);
    }
}

#[tokio::test]
async fn sessions_send_only_as_writers_and_resource_sessions_only_for_their_resource() {
    let app = TestApp::new();
    let body = |extra: Value| {
        let mut b = json!({"event": "contact.created", "payload": {}});
        b.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        Some(b)
    };
    let member = app.session(json!({"role": "member"})).await.1;
    let r = app
        .call(
            Method::POST,
            "/api/v1/events",
            Some(&member),
            body(json!({})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    let scoped = app
        .session(json!({"role": "owner", "session_type": "resource", "resource": "contact", "resource_id": "c_7"}))
        .await
        .1;
    let r = app
        .call(
            Method::POST,
            "/api/v1/events",
            Some(&scoped),
            body(json!({})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(
        (
            r.json["event"]["resource"].clone(),
            r.json["event"]["resource_id"].clone()
        ),
        (json!("contact"), json!("c_7"))
    );
    let r = app
        .call(
            Method::POST,
            "/api/v1/events",
            Some(&scoped),
            body(json!({"resource": "contact", "resource_id": "c_8"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    let r = app
        .call(
            Method::POST,
            "/api/v1/events",
            Some(&scoped),
            body(json!({"workspace": uuid::Uuid::new_v4().to_string()})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
}

#[tokio::test]
async fn each_key_has_its_rate_and_429_says_when_to_come_back() {
    let app = TestApp::with_config(|c| (c.ingest_rate, c.ingest_burst) = (1, 2));
    let body = json!({"workspace": WS, "event": "a.b", "payload": {}});
    for _ in 0..2 {
        let r = app
            .m(Method::POST, "/api/v1/events", Some(body.clone()))
            .await;
        assert_eq!(r.status, StatusCode::CREATED);
    }
    let r = app
        .m(
            Method::POST,
            "/api/v1/events/bulk",
            Some(json!([body.clone()])),
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text);
    assert_eq!(r.json["message"], "Too Many Requests");
    assert_eq!(r.json["error"]["message"], "API rate limit exceeded");
    assert_eq!(r.header("retry-after"), Some("1"));
    let ok = with_key(
        &app,
        "/api/v1/events",
        "pk_test_acmedemo",
        json!({"event": "a.b", "payload": {}}),
    )
    .await;
    assert_eq!(
        ok.status,
        StatusCode::CREATED,
        "another key is not limited: {}",
        ok.text
    );
}

#[tokio::test]
async fn an_event_fans_out_to_the_active_rules_it_matches() {
    let app = TestApp::new();
    let url = inbox_at(&app, "fan", Settings::default()).await;
    let (cid, plain) = hook(&app, &url, json!({})).await;
    let mut narrow = crate::writes::invoice_rule(&cid);
    narrow.event = EVENT.into();
    (narrow.resource, narrow.resource_id) = (Some("invoice".into()), Some("inv_2".into()));
    app.m(
        Method::POST,
        "/api/v1/rules",
        Some(serde_json::to_value(&narrow).unwrap()),
    )
    .await;
    let mut off = crate::writes::invoice_rule(&cid);
    off.event = EVENT.into();
    off.active = Some(false);
    app.m(
        Method::POST,
        "/api/v1/rules",
        Some(serde_json::to_value(&off).unwrap()),
    )
    .await;
    let eid = send_event(&app, json!({})).await;
    let rules: Vec<String> = settled_event(&app, &eid).await["rule_events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["rule"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        rules,
        [plain],
        "inv_1 does not match the inv_2 rule; the inactive rule is off"
    );
    let r = app
        .m(Method::POST, "/api/v1/events", Some(json!({"workspace": WS, "event": EVENT, "resource": "invoice", "resource_id": "inv_2", "payload": {}})))
        .await;
    assert_eq!(r.json["event"]["total_rules"], 2);
    let nothing = app
        .m(
            Method::POST,
            "/api/v1/events",
            Some(json!({"workspace": WS, "event": "nobody.listens", "payload": {}})),
        )
        .await;
    assert_eq!(nothing.json["event"]["status"], "completed");
    assert_eq!(nothing.json["event"]["total_rules"], 0);
}
