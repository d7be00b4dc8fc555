//! Session API mint: every field, range, default and per-session-type rule.

use crate::common::{TestApp, WS};
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

fn origins(n: usize) -> Value {
    (0..n)
        .map(|i| format!("https://app{i}.example.com"))
        .collect()
}

#[tokio::test]
async fn defaults_and_response_shape() {
    let app = TestApp::new();
    let r = app.mint(json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let j = &r.json;
    assert!(j["session_id"].as_str().unwrap().starts_with("sess_"));
    assert_eq!(j["role"], "member");
    assert_eq!(j["session_type"], "workspace");
    assert_eq!(j["expires_in"], 1800);
    assert_eq!(j["workspace_id"], WS);
    assert!(j.get("resource").is_none() && j.get("resource_id").is_none());
    let created = time::OffsetDateTime::parse(
        j["launch_expires_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let expires = time::OffsetDateTime::parse(
        j["expires_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert_eq!(
        (expires - created).whole_seconds(),
        1800 - 30,
        "launch TTL defaults to 30 s, token TTL to 1800 s"
    );
    // Launch URL: Meshes origin + launch page + non-secret reference, secret in the fragment.
    let url = j["launch_url"].as_str().unwrap();
    let token = j["launch_token"].as_str().unwrap();
    let sid = j["session_id"].as_str().unwrap();
    assert_eq!(
        url,
        format!("http://127.0.0.1:18787/workspace/dashboard?session={sid}#launch={token}")
    );
    assert!(token.len() >= 43, "launch token carries at least 256 bits");
    // The stored launch token is only a hash.
    let stored: String = app
        .state
        .db
        .conn()
        .query_row(
            "SELECT launch_hash FROM sessions WHERE id = ?1",
            [sid],
            |r| r.get(0),
        )
        .unwrap();
    assert_ne!(stored, token);
}

#[tokio::test]
async fn every_documented_bound() {
    let app = TestApp::new();
    let long = |n: usize| "u".repeat(n);
    // (extra fields, accepted?, param named when refused)
    let cases: Vec<(Value, bool, &str)> = vec![
        (json!({"ttl_seconds": 299}), false, "ttl_seconds"),
        (json!({"ttl_seconds": 300}), true, ""),
        (json!({"ttl_seconds": 3600}), true, ""),
        (json!({"ttl_seconds": 3601}), false, "ttl_seconds"),
        (json!({"ttl_seconds": "1800"}), false, "ttl_seconds"),
        (json!({"ttl_seconds": 1800.5}), false, "ttl_seconds"),
        (
            json!({"launch_ttl_seconds": 14}),
            false,
            "launch_ttl_seconds",
        ),
        (json!({"launch_ttl_seconds": 15}), true, ""),
        (json!({"launch_ttl_seconds": 60}), true, ""),
        (
            json!({"launch_ttl_seconds": 61}),
            false,
            "launch_ttl_seconds",
        ),
        (json!({"external_user_id": long(255)}), true, ""),
        (
            json!({"external_user_id": long(256)}),
            false,
            "external_user_id",
        ),
        (json!({"external_user_id": ""}), false, "external_user_id"),
        (json!({"allowed_origins": origins(10)}), true, ""),
        (
            json!({"allowed_origins": origins(11)}),
            false,
            "allowed_origins",
        ),
        (
            json!({"allowed_origins": ["https://a.com; script-src *"]}),
            false,
            "allowed_origins[0]",
        ),
        (
            json!({"allowed_origins": ["http://example.com"]}),
            false,
            "allowed_origins[0]",
        ),
        (
            json!({"allowed_origins": ["*"]}),
            false,
            "allowed_origins[0]",
        ),
        (
            json!({"allowed_origins": "https://a.com"}),
            false,
            "allowed_origins",
        ),
        (json!({"scopes": vec!["events.payload:read"; 20]}), true, ""),
        (
            json!({"scopes": vec!["events.payload:read"; 21]}),
            false,
            "scopes",
        ),
        (json!({"scopes": ["*"]}), false, "scopes"),
        (json!({"role": "owner"}), true, ""),
        (json!({"role": "superuser"}), false, "role"),
        (json!({"session_type": "tenant"}), false, "session_type"),
        (json!({"launch_page": "settings"}), false, "launch_page"),
        (
            json!({"launch_path": "/workspace/dashboard"}),
            false,
            "launch_path",
        ),
        (json!({"surprise": true}), false, "surprise"),
        (json!({"workspace_id": "not-a-uuid"}), false, "workspace_id"),
        (json!({"workspace_id": null}), false, "workspace_id"),
        // Per-session-type rules.
        (
            json!({"session_type": "resource", "resource": "contact", "resource_id": "cnt_1"}),
            true,
            "",
        ),
        (
            json!({"session_type": "resource", "resource_id": "cnt_1"}),
            false,
            "resource",
        ),
        (
            json!({"session_type": "resource", "resource": "contact"}),
            false,
            "resource_id",
        ),
        (
            json!({"session_type": "resource", "resource": "contact", "resource_id": "bad id!"}),
            false,
            "resource_id",
        ),
        (
            json!({"session_type": "resource", "resource": "contact", "resource_id": long(65)}),
            false,
            "resource_id",
        ),
        (
            json!({"session_type": "resource", "resource": "contact", "resource_id": "c", "launch_page": "connections"}),
            false,
            "launch_page",
        ),
        (
            json!({"session_type": "resource", "resource": "contact", "resource_id": "c", "launch_page": "events"}),
            true,
            "",
        ),
        (
            json!({"session_type": "dashboard", "launch_page": "rules"}),
            false,
            "launch_page",
        ),
        (
            json!({"session_type": "dashboard", "launch_page": "dashboard"}),
            true,
            "",
        ),
        (
            json!({"session_type": "workspace", "resource": "contact"}),
            false,
            "resource",
        ),
        (
            json!({"session_type": "dashboard", "resource_id": "x"}),
            false,
            "resource_id",
        ),
    ];
    for (extra, ok, param) in cases {
        let r = app.mint(extra.clone()).await;
        if ok {
            assert_eq!(
                r.status,
                StatusCode::OK,
                "{extra} should be accepted: {}",
                r.text
            );
        } else {
            assert_eq!(
                r.status,
                StatusCode::BAD_REQUEST,
                "{extra} should be refused"
            );
            assert_eq!(r.json["message"], "Bad Request");
            assert_eq!(r.json["error"]["name"], "BadRequest");
            assert!(
                r.params().iter().any(|p| p == param),
                "{extra}: {param} not named in {}",
                r.text
            );
        }
    }
}

#[tokio::test]
async fn malformed_bodies_and_unknown_workspaces() {
    let app = TestApp::new();
    let key = app.key.clone();
    let req = axum::http::Request::post("/api/v1/sessions")
        .header("authorization", format!("Bearer {key}"))
        .body(axum::body::Body::from("{not json"))
        .unwrap();
    let r = app.send(req).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.params(), ["body"]);
    let r = app
        .m(Method::POST, "/api/v1/sessions", Some(json!([1, 2])))
        .await;
    assert_eq!(r.params(), ["body"]);
    let r = app
        .m(Method::POST, "/api/v1/sessions", Some(json!({})))
        .await;
    assert_eq!(r.params(), ["workspace_id"]);
    let r = app
        .mint(json!({"workspace_id": "00000000-0000-4000-8000-000000000000"}))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json["error"]["name"], "NotFound");
}
