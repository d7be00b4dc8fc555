//! Session-authenticated reads: dashboard metrics and the connections list, scoped by session.

mod workspaces;

use crate::common::{TestApp, WS};
use axum::http::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn dashboard_metrics_add_up() {
    let app = TestApp::new();
    let (_, token, _) = app.session(json!({})).await;
    let r = app
        .call(
            Method::GET,
            &format!("/api/v1/workspaces/{WS}/dashboard?days=14"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let m = &r.json;
    let e = &m["events"];
    let sum: u64 = [
        "pending",
        "processing",
        "retrying",
        "completed",
        "failed",
        "canceled",
    ]
    .iter()
    .map(|k| e[k].as_u64().unwrap())
    .sum();
    assert_eq!(sum, e["total"].as_u64().unwrap());
    for k in [
        "pending",
        "processing",
        "retrying",
        "completed",
        "failed",
        "canceled",
    ] {
        assert!(
            m["deliveries"][k].as_u64().unwrap() > 0,
            "seed covers delivery status {k}"
        );
    }
    let daily = m["daily"].as_array().unwrap();
    assert_eq!(daily.len(), 14);
    assert_eq!(
        daily
            .iter()
            .map(|d| d["total"].as_u64().unwrap())
            .sum::<u64>(),
        e["total"].as_u64().unwrap()
    );
    assert_eq!(
        m["connections"]["total"], 7,
        "hidden connections are not counted"
    );
    assert_eq!(m["connections"]["inactive"], 2);
    assert!(m["recent_failures"].as_array().unwrap().len() == 10);
    for (q, ok) in [
        ("days=1", true),
        ("days=90", true),
        ("days=0", false),
        ("days=91", false),
        ("days=x", false),
    ] {
        let r = app
            .call(
                Method::GET,
                &format!("/api/v1/workspaces/{WS}/dashboard?{q}"),
                Some(&token),
                None,
            )
            .await;
        assert_eq!(r.status == StatusCode::OK, ok, "{q}");
    }
}

#[tokio::test]
async fn resource_sessions_see_only_their_pair() {
    let app = TestApp::new();
    let (_, all, _) = app.session(json!({})).await;
    let (_, one, _) = app
        .session(json!({"session_type": "resource", "resource": "contact", "resource_id": "cnt_1001", "launch_page": "events"}))
        .await;
    let path = format!("/api/v1/workspaces/{WS}/dashboard");
    let total = app.call(Method::GET, &path, Some(&all), None).await.json["events"]["total"]
        .as_u64()
        .unwrap();
    let mine = app.call(Method::GET, &path, Some(&one), None).await.json["events"]["total"]
        .as_u64()
        .unwrap();
    let from = app.call(Method::GET, &path, Some(&one), None).await.json["from"]
        .as_str()
        .unwrap()
        .to_owned();
    let expected: i64 = app
        .state
        .db
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM events WHERE resource = 'contact' AND resource_id = 'cnt_1001' AND created_at >= ?1",
            [from],
            |r| r.get(0),
        )
        .unwrap();
    assert!(mine > 0 && mine < total, "{mine} of {total}");
    assert_eq!(mine, expected as u64);
}

#[tokio::test]
async fn connections_list_follows_the_page_policy() {
    let app = TestApp::new();
    let path = format!("/api/v1/workspaces/{WS}/connections");
    let (_, ws, _) = app.session(json!({})).await;
    let r = app.call(Method::GET, &path, Some(&ws), None).await;
    assert_eq!(r.status, StatusCode::OK);
    let names: Vec<&str> = r.json["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 7);
    assert!(!names.contains(&"Internal Audit Webhook"));
    assert!(
        r.json["records"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c.get("api_key").is_none() && c["metadata"].get("api_key").is_none())
    );
    assert_eq!(
        app.m(Method::GET, &path, None).await.json["count"],
        8,
        "management sees hidden connections"
    );

    let (_, dash, _) = app.session(json!({"session_type": "dashboard"})).await;
    let (_, res, _) = app
        .session(json!({"session_type": "resource", "resource": "contact", "resource_id": "c1"}))
        .await;
    // Resource sessions may list them (their rule builder picks from them); dashboards may not.
    assert_eq!(
        app.call(Method::GET, &path, Some(&res), None).await.status,
        StatusCode::OK
    );
    for token in [&dash] {
        let r = app.call(Method::GET, &path, Some(token), None).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
        assert!(
            r.header("www-authenticate")
                .unwrap()
                .contains("insufficient_scope")
        );
    }
    // Sessions are bound to their workspace: others are "not found".
    let other = "/api/v1/workspaces/00000000-0000-4000-8000-000000000000/connections";
    assert_eq!(
        app.call(Method::GET, other, Some(&ws), None).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn connections_paginate_with_cursors() {
    let app = TestApp::new();
    let (_, token, _) = app.session(json!({})).await;
    let first = app
        .call(
            Method::GET,
            &format!("/api/v1/workspaces/{WS}/connections?limit=4"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(first.json["count"], 4);
    let cursor = first.json["next_cursor"].as_str().unwrap();
    let second = app
        .call(
            Method::GET,
            &format!("/api/v1/workspaces/{WS}/connections?limit=4&cursor={cursor}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(second.json["count"], 3);
    assert!(second.json["next_cursor"].is_null());
}

/// The dashboard's counts come from daily totals kept by triggers: they must equal what the
/// events and deliveries themselves say, after new events, deliveries that moved and a cancel.
#[tokio::test]
async fn dashboard_counts_are_the_events_own_after_every_change() {
    let app = TestApp::new();
    let live = |table: &str| -> serde_json::Value {
        let conn = app.state.db.conn();
        let mut stmt = conn
            .prepare(&format!(
                "SELECT status, COUNT(*) AS n FROM {table} WHERE workspace_id = ?1 \
                 AND created_at >= date('now', '-13 days') GROUP BY status"
            ))
            .unwrap();
        let mut out = serde_json::Map::new();
        for row in stmt
            .query_map([WS], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
            .unwrap()
        {
            let (s, n) = row.unwrap();
            out.insert(s, n.into());
        }
        out.into()
    };
    let check = |m: &serde_json::Value, when: &str| {
        for (key, table) in [("events", "events"), ("deliveries", "rule_events")] {
            let want = live(table);
            for s in [
                "pending",
                "processing",
                "retrying",
                "completed",
                "failed",
                "canceled",
            ] {
                assert_eq!(
                    m[key][s].as_u64().unwrap_or(0),
                    want[s].as_u64().unwrap_or(0),
                    "{when}: {key} {s}"
                );
            }
        }
    };
    let path = format!("/api/v1/workspaces/{WS}/dashboard?days=14");
    let dashboard = || app.m(Method::GET, &path, None);
    check(&dashboard().await.json, "as seeded");
    for n in 0..3 {
        let r = app
            .m(
                Method::POST,
                "/api/v1/events",
                Some(json!({"workspace": WS, "event": "deal.won", "payload": {"n": n}})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        if n == 0 {
            let id = r.json["event"]["id"].as_str().unwrap();
            let c = app
                .m(Method::POST, &format!("/api/v1/events/{id}/cancel"), None)
                .await;
            assert_eq!(c.status, StatusCode::OK, "{}", c.text);
        }
    }
    check(&dashboard().await.json, "after ingest and a cancel");
    meshes_sandbox::engine::run_due(&app.state).await.unwrap();
    check(&dashboard().await.json, "after the deliveries ran");
}
