//! Field catalogs and default mappings: generated vs stored, 422 schema errors, and the
//! `expected_version` conflict.

use crate::common::{TestApp, WS};
use axum::http::{Method, StatusCode};
use serde_json::json;

async fn hubspot(app: &TestApp, t: &str) -> String {
    let conns = app
        .call(
            Method::GET,
            &format!("/api/v1/workspaces/{WS}/connections"),
            Some(t),
            None,
        )
        .await;
    conns.json["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["type"] == "hubspot")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn catalog_refresh_bumps_the_version() {
    let app = TestApp::new();
    let t = app.session(json!({"role": "admin"})).await.1;
    let id = hubspot(&app, &t).await;
    let a = app
        .call(
            Method::GET,
            &format!("/api/v1/connections/{id}/fields"),
            Some(&t),
            None,
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.json["catalog_version"], 1);
    assert!(
        a.json["fields"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["key"] == "lifecycle_stage" && f["type"] == "enum")
    );
    let b = app
        .call(
            Method::GET,
            &format!("/api/v1/connections/{id}/fields?refresh=true"),
            Some(&t),
            None,
        )
        .await;
    assert_eq!(b.json["catalog_version"], 2);
    let bad = app
        .call(
            Method::GET,
            &format!("/api/v1/connections/{id}/fields?refresh=yes"),
            Some(&t),
            None,
        )
        .await;
    assert_eq!(bad.params(), vec!["refresh"]);
}

#[tokio::test]
async fn mapping_save_conflict_and_validation() {
    let app = TestApp::new();
    let t = app.session(json!({"role": "admin"})).await.1;
    let id = hubspot(&app, &t).await;
    let path = format!("/api/v1/connections/{id}/mappings/default");
    let g = app.call(Method::GET, &path, Some(&t), None).await;
    assert_eq!(g.json["status"], "generated");
    assert_eq!(g.json["mapping"]["version"], 0);
    assert_eq!(g.json["mapping"]["schema"]["fields"][0]["dest"], "email");
    let schema = json!({"schema_version": 1, "fields": [
        {"dest": "email", "source": {"type": "path", "value": "email"}, "transforms": [{"type": "lower"}]},
        {"dest": "lifecycle_stage", "source": {"type": "literal", "value": "lead"}}]});
    let saved = app
        .call(
            Method::PUT,
            &path,
            Some(&t),
            Some(json!({"schema": schema})),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
    assert_eq!(saved.json["status"], "stored");
    assert_eq!(saved.json["mapping"]["version"], 1);
    let v2 = app
        .call(
            Method::PUT,
            &path,
            Some(&t),
            Some(json!({"expected_version": 1, "schema": schema})),
        )
        .await;
    assert_eq!(v2.json["mapping"]["version"], 2);
    // Someone saved in between: the stale save is refused and nothing changes.
    let stale = app
        .call(
            Method::PUT,
            &path,
            Some(&t),
            Some(json!({"expected_version": 1, "schema": {"schema_version": 1, "fields": []}})),
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert_eq!(stale.json["error"]["name"], "VersionConflict");
    let now = app.call(Method::GET, &path, Some(&t), None).await;
    assert_eq!(now.json["mapping"]["version"], 2);
    assert_eq!(
        now.json["mapping"]["schema"]["fields"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // 422 names each bad place, including destinations the provider does not have or locks.
    let bad = json!({"schema_version": 1, "fields": [
        {"dest": "nope", "source": {"type": "path", "value": "a"}},
        {"dest": "created_date", "source": {"type": "path", "value": "b..c"}}]});
    let r = app
        .call(
            Method::PUT,
            &path,
            Some(&t),
            Some(json!({"expected_version": 2, "schema": bad})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut p = r.params();
    p.sort();
    assert_eq!(
        p,
        vec![
            "schema.fields[0].dest",
            "schema.fields[1].dest",
            "schema.fields[1].source.value"
        ]
    );
    // Members read but do not save.
    let member = app.session(json!({"role": "member"})).await.1;
    assert_eq!(
        app.call(Method::GET, &path, Some(&member), None)
            .await
            .status,
        StatusCode::OK
    );
    let r = app
        .call(
            Method::PUT,
            &path,
            Some(&member),
            Some(json!({"schema": schema})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

/// Two saves based on the same version: exactly one lands, in one compare-and-set statement,
/// even when both read the version before either writes.
#[tokio::test]
async fn expected_version_is_one_compare_and_set() {
    let app = TestApp::new();
    let t = app.session(json!({"role": "admin"})).await.1;
    let id = hubspot(&app, &t).await;
    let path = format!("/api/v1/connections/{id}/mappings/default");
    let schema = json!({"schema_version": 1, "fields": [{"dest": "email", "source": {"type": "path", "value": "email"}}]});
    // Two editors both opened the generated mapping (version 0): the first save stores it,
    // the second is a conflict, not a silent overwrite.
    let body = json!({"expected_version": 0, "schema": schema});
    let first = app
        .call(Method::PUT, &path, Some(&t), Some(body.clone()))
        .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    assert_eq!(first.json["mapping"]["version"], 1);
    let second = app.call(Method::PUT, &path, Some(&t), Some(body)).await;
    assert_eq!(second.status, StatusCode::CONFLICT, "{}", second.text);

    // Both writers read version 1, then both write against it.
    let schema_text = schema.to_string();
    let save = |name| meshes_sandbox::meshes::api::mappings::Save {
        connection: &id,
        expected: Some(1),
        name,
        schema: &schema_text,
        created_by: "test",
        now: "2026-01-01T00:00:00Z",
    };
    let (a, b) = {
        let conn = app.state.db.conn();
        (
            meshes_sandbox::meshes::api::mappings::save(&conn, &save("A")).unwrap(),
            meshes_sandbox::meshes::api::mappings::save(&conn, &save("B")).unwrap(),
        )
    };
    assert_eq!((a, b), (true, false));
    let now = app.call(Method::GET, &path, Some(&t), None).await;
    assert_eq!(now.json["mapping"]["version"], 2);
    assert_eq!(
        now.json["mapping"]["name"], "A",
        "the loser changed nothing"
    );
}

/// The same through the API, 20 saves of version 2 at once on a multi-threaded runtime.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_saves_of_one_version_have_one_winner() {
    let app = std::sync::Arc::new(TestApp::new());
    let t = app.session(json!({"role": "admin"})).await.1;
    let id = hubspot(&app, &t).await;
    let path = format!("/api/v1/connections/{id}/mappings/default");
    let schema = json!({"schema_version": 1, "fields": [{"dest": "email", "source": {"type": "path", "value": "email"}}]});
    for _ in 0..2 {
        let r = app
            .call(
                Method::PUT,
                &path,
                Some(&t),
                Some(json!({"schema": schema})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
    }
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(20));
    let calls: Vec<_> = (0..20)
        .map(|i| {
            let (app, t, path, barrier) = (app.clone(), t.clone(), path.clone(), barrier.clone());
            let body =
                json!({"expected_version": 2, "name": format!("writer {i}"), "schema": schema});
            tokio::spawn(async move {
                barrier.wait().await;
                app.call(Method::PUT, &path, Some(&t), Some(body))
                    .await
                    .status
            })
        })
        .collect();
    let mut statuses = vec![];
    for c in calls {
        statuses.push(c.await.unwrap());
    }
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::OK).count(), 1);
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::OK || *s == StatusCode::CONFLICT)
    );
    let now = app.call(Method::GET, &path, Some(&t), None).await;
    assert_eq!(now.json["mapping"]["version"], 3);
}
