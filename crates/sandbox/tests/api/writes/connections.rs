//! The integration catalog and connections.

use super::*;

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
    let stored = stored_secrets(&app, &id);
    assert_eq!(
        (&stored["bearer_token"], &stored["signing_secret"]),
        (&json!("s3cret-token"), &json!("whsec_123")),
        "the stored secrets are the ones saved first"
    );
    // A new value replaces it.
    m["bearer_token"] = json!("rotated-token");
    app.call(
        Method::PUT,
        &format!("/api/v1/connections/{id}"),
        Some(&t),
        Some(json!({"name": "Billing Hook 2", "metadata": m})),
    )
    .await;
    let stored = stored_secrets(&app, &id);
    assert_eq!(stored["bearer_token"], "rotated-token");
    assert_eq!(stored["signing_secret"], "whsec_123");
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

/// What the server keeps of a connection's secrets (never returned by any read).
fn stored_secrets(app: &TestApp, id: &str) -> Value {
    let raw: String = app
        .state
        .db
        .conn()
        .query_row("SELECT secrets FROM connections WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .unwrap();
    serde_json::from_str(&raw).unwrap()
}
