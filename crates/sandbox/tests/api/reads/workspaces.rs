//! The workspaces API and the events list's time and status filters.

use super::*;

#[tokio::test]
async fn workspaces_api() {
    let app = TestApp::new();
    let r = app
        .m(
            Method::POST,
            "/api/v1/workspaces",
            Some(json!({"name": "Staging Tenant", "description": "pre-prod"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let id = r.json["workspace"]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        app.m(
            Method::POST,
            "/api/v1/workspaces",
            Some(json!({"name": "Staging Tenant"}))
        )
        .await
        .status,
        StatusCode::CONFLICT
    );
    for (body, param) in [
        (json!({"name": "ab"}), "name"),
        (json!({"name": "bad/name"}), "name"),
        (json!({}), "name"),
        (
            json!({"name": "okay", "description": "d".repeat(1025)}),
            "description",
        ),
    ] {
        let r = app.m(Method::POST, "/api/v1/workspaces", Some(body)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert_eq!(r.params(), [param]);
    }
    let r = app
        .m(Method::GET, &format!("/api/v1/workspaces/{id}"), None)
        .await;
    assert_eq!(r.json["name"], "Staging Tenant");
    assert!(
        r.json["publishable_key"]["public_key"]
            .as_str()
            .unwrap()
            .starts_with("pk_")
    );
    assert_eq!(
        app.m(Method::GET, "/api/v1/workspaces", None).await.json["count"],
        2
    );
    // A session of the demo workspace cannot read another workspace.
    let (_, token, _) = app.session(json!({})).await;
    assert_eq!(
        app.call(
            Method::GET,
            &format!("/api/v1/workspaces/{id}"),
            Some(&token),
            None
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn events_filter_by_time_range_and_status() {
    let app = TestApp::new();
    let t = app.session(json!({"role": "member"})).await.1;
    let all = app
        .call(
            Method::GET,
            &format!("/api/v1/workspaces/{WS}/events?limit=200"),
            Some(&t),
            None,
        )
        .await;
    let records = all.json["records"].as_array().unwrap();
    // Newest first: take the 10th newest event's time as the lower bound.
    let since = records[9]["created_at"].as_str().unwrap().to_owned();
    let r = app
        .call(
            Method::GET,
            &format!("/api/v1/workspaces/{WS}/events?limit=200&since={since}"),
            Some(&t),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let got = r.json["records"].as_array().unwrap();
    assert!(got.len() >= 10 && got.len() < records.len());
    assert!(
        got.iter()
            .all(|e| e["created_at"].as_str().unwrap() >= since.as_str())
    );
    let r = app
        .call(
            Method::GET,
            &format!("/api/v1/workspaces/{WS}/events?limit=200&until={since}&status=failed"),
            Some(&t),
            None,
        )
        .await;
    let got = r.json["records"].as_array().unwrap();
    assert!(!got.is_empty());
    assert!(
        got.iter()
            .all(|e| e["created_at"].as_str().unwrap() < since.as_str() && e["status"] == "failed")
    );
    let bad = app
        .call(
            Method::GET,
            &format!("/api/v1/workspaces/{WS}/events?since=yesterday"),
            Some(&t),
            None,
        )
        .await;
    assert_eq!(bad.params(), vec!["since"]);
}
