//! Rules and their validation.

use super::*;

pub async fn create_rule(app: &TestApp, t: &str, connection: &str) -> String {
    let r = app
        .call(
            Method::POST,
            "/api/v1/rules",
            Some(t),
            Some(serde_json::to_value(invoice_rule(connection)).unwrap()),
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
async fn a_rule_is_edited_in_place_with_the_checks_of_create() {
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
    let path = format!("/api/v1/rules/{rid}");
    let patch = |body: Value| app.call(Method::PATCH, &path, Some(&t), Some(body));

    let r =
        patch(json!({"event": "contact.created", "resource": "contact", "resource_id": "cnt_1"}))
            .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["event"], "contact.created");
    assert_eq!(r.json["resource_id"], "cnt_1");
    assert_eq!(
        r.json["connection"],
        cid.as_str(),
        "the connection never changes"
    );
    assert_eq!(r.json["active"], true, "what is not named stays");

    // `null` clears the filter; the switch alone leaves the edit alone.
    let r = patch(json!({"resource": null, "resource_id": null})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.json.get("resource").is_none(), "{}", r.text);
    let r = patch(json!({"active": false})).await;
    assert_eq!(
        (r.json["active"].clone(), r.json["event"].clone()),
        (json!(false), json!("contact.created"))
    );

    // Bad values are named, and nothing changes.
    let r =
        patch(json!({"event": "Not An Event", "metadata": {"action": "fly"}, "resource_id": "x"}))
            .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    assert_eq!(r.params(), vec!["event"]);
    let r = patch(json!({"metadata": {"action": "fly"}})).await;
    assert_eq!(r.params(), vec!["metadata.action"], "{}", r.text);
    let r = patch(json!({"resource_id": "cnt_1"})).await;
    assert_eq!(r.params(), vec!["resource"], "an id needs its resource");
    let r = patch(json!({"connection": cid})).await;
    assert_eq!(r.params(), vec!["connection"], "not a field of an edit");
    let r = patch(json!({})).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = app.call(Method::GET, &path, Some(&t), None).await;
    assert_eq!(r.json["event"], "contact.created");

    // A member may not edit; a resource session may not move a rule out of its resource.
    let member = app.session(json!({"role": "member"})).await.1;
    let r = app
        .call(
            Method::PATCH,
            &path,
            Some(&member),
            Some(json!({"event": "deal.won"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    let pinned = app
        .session(json!({"role": "owner", "session_type": "resource", "resource": "contact", "resource_id": "cnt_1"}))
        .await
        .1;
    let r = patch(json!({"resource": "contact", "resource_id": "cnt_1"})).await;
    assert_eq!(r.status, StatusCode::OK);
    let r = app
        .call(
            Method::PATCH,
            &path,
            Some(&pinned),
            Some(json!({"resource": null, "resource_id": null})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
}
