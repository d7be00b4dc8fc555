//! Delivery history names its connection (decision 83): a deleted connection keeps its name,
//! a hidden one keeps it from sessions.

use super::rules::create_rule;
use super::*;

/// A webhook connection with a rule and one test event: (connection id, event id).
async fn connection_with_an_event(app: &TestApp, t: &str, name: &str) -> (String, String) {
    let c = app
        .call(
            Method::POST,
            "/api/v1/connections",
            Some(t),
            Some(webhook(name, &format!("{}/history", inbox(app).await))),
        )
        .await;
    let cid = c.json["connection"]["id"].as_str().unwrap().to_owned();
    let rid = create_rule(app, t, &cid).await;
    let sent = app
        .call(
            Method::POST,
            &format!("/api/v1/rules/{rid}/test"),
            Some(t),
            Some(json!({"payload": {"email": "a@example.com"}})),
        )
        .await;
    let eid = sent.json["event"]["id"].as_str().unwrap().to_owned();
    (cid, eid)
}

#[tokio::test]
async fn history_keeps_a_deleted_connections_name_and_a_hidden_ones_from_sessions() {
    let app = TestApp::new();
    let t = admin(&app).await;
    let (gone, gone_event) = connection_with_an_event(&app, &t, "Gone Hook").await;
    let (secret, secret_event) = connection_with_an_event(&app, &t, "Secret Hook").await;
    settle(&app).await;
    let del = app
        .m(
            Method::DELETE,
            &format!("/api/v1/connections/{gone}"),
            Some(json!({"force_delete": true})),
        )
        .await;
    assert_eq!(del.status, StatusCode::OK, "{}", del.text);
    let metadata = webhook("Secret Hook", "https://ok.example.com/x")["metadata"].clone();
    let hide = app
        .m(
            Method::PUT,
            &format!("/api/v1/connections/{secret}"),
            Some(json!({"name": "Secret Hook", "metadata": metadata, "hidden": true})),
        )
        .await;
    assert_eq!(hide.status, StatusCode::OK, "{}", hide.text);

    let delivery = |res: &crate::common::Res| res.json["rule_events"][0].clone();
    let get = |id: &str| format!("/api/v1/events/{id}");
    let d = delivery(
        &app.call(Method::GET, &get(&gone_event), Some(&t), None)
            .await,
    );
    assert_eq!(d["connection"], gone.as_str());
    assert_eq!(d["connection_name"], "Gone Hook");
    assert_eq!(d["connection_state"], "deleted");

    let d = delivery(
        &app.call(Method::GET, &get(&secret_event), Some(&t), None)
            .await,
    );
    assert_eq!(d["connection_state"], "hidden");
    assert!(
        d.get("connection_name").is_none(),
        "a session never learns it: {d}"
    );
    let d = delivery(&app.m(Method::GET, &get(&secret_event), None).await);
    assert_eq!(
        d["connection_name"], "Secret Hook",
        "the vendor still sees it"
    );

    // The list says where each event went, filters by connection and marks test events.
    let list = app
        .call(
            Method::GET,
            &format!("/api/v1/workspaces/{WS}/events?connection={secret}"),
            Some(&t),
            None,
        )
        .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    let records = list.json["records"].as_array().unwrap();
    assert_eq!(
        records.len(),
        1,
        "only the event delivered to it: {}",
        list.text
    );
    assert_eq!(records[0]["id"], secret_event.as_str());
    assert_eq!(records[0]["test"], true);
    let d = &records[0]["destinations"][0];
    assert_eq!(
        (d["connection_state"].as_str(), d.get("connection_name")),
        (Some("hidden"), None)
    );
    let bad = app
        .call(
            Method::GET,
            &format!("/api/v1/workspaces/{WS}/events?connection=a%20b"),
            Some(&t),
            None,
        )
        .await;
    assert_eq!(bad.params(), vec!["connection"]);

    // The Dashboard's failures follow the same rule (none here failed; the seed's did).
    let dash = app
        .call(
            Method::GET,
            &format!("/api/v1/workspaces/{WS}/dashboard"),
            Some(&t),
            None,
        )
        .await;
    for f in dash.json["recent_failures"].as_array().unwrap() {
        assert!(f["connection_state"].is_string(), "{f}");
        if f["connection_state"] == "hidden" {
            assert_eq!(f["connection_name"], "", "{f}");
        }
    }
}
