//! Session API lifecycle: management auth, refresh, revoke, list.

use crate::common::{TestApp, WS};
use axum::http::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn management_endpoints_need_the_management_key() {
    let app = TestApp::new();
    let (_, token, _) = app.session(json!({"role": "owner"})).await;
    for bearer in [None, Some("wrong-key"), Some(token.as_str())] {
        let r = app
            .call(
                Method::POST,
                "/api/v1/sessions",
                bearer,
                Some(json!({"workspace_id": WS})),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{bearer:?}");
        assert!(
            r.header("www-authenticate")
                .unwrap()
                .contains("invalid_token")
        );
    }
    let r = app
        .call(
            Method::GET,
            &format!("/api/v1/sessions?workspace_id={WS}&access_token=x"),
            None,
            None,
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "tokens in URLs are refused"
    );
}

#[tokio::test]
async fn refresh_keeps_the_session_and_retires_the_old_token() {
    let app = TestApp::new();
    let (sid, old, _) = app.session(json!({"ttl_seconds": 600})).await;
    let dash = format!("/api/v1/workspaces/{WS}/dashboard");
    assert_eq!(
        app.call(Method::GET, &dash, Some(&old), None).await.status,
        StatusCode::OK
    );

    let r = app
        .m(
            Method::POST,
            &format!("/api/v1/sessions/{sid}/refresh"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["session_id"], sid.as_str());
    assert_eq!(r.json["expires_in"], 600);
    assert!(
        r.json.get("launch_url").is_none(),
        "refresh does not mint a new launch URL"
    );
    let fresh = r.json["access_token"].as_str().unwrap().to_owned();
    assert_ne!(fresh, old);
    assert_eq!(
        app.call(Method::GET, &dash, Some(&fresh), None)
            .await
            .status,
        StatusCode::OK
    );
    let stale = app.call(Method::GET, &dash, Some(&old), None).await;
    assert_eq!(
        stale.status,
        StatusCode::UNAUTHORIZED,
        "the previous token stops working"
    );

    // Expiry follows the (injected) clock.
    app.state.clock.advance(601);
    assert_eq!(
        app.call(Method::GET, &dash, Some(&fresh), None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let r = app
        .m(
            Method::POST,
            &format!("/api/v1/sessions/{sid}/refresh"),
            None,
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "an expired token can still be refreshed within the session lifetime"
    );
    app.state.clock.advance(12 * 3600);
    let r = app
        .m(
            Method::POST,
            &format!("/api/v1/sessions/{sid}/refresh"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "sessions end after 12 h");

    let r = app
        .m(Method::POST, "/api/v1/sessions/sess_unknown/refresh", None)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn revoke_ends_the_session_everywhere() {
    let app = TestApp::new();
    let (sid, token, launch) = app.session(json!({})).await;
    let r = app
        .m(Method::DELETE, &format!("/api/v1/sessions/{sid}"), None)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json, json!({"revoked": true}));
    let dash = format!("/api/v1/workspaces/{WS}/dashboard");
    assert_eq!(
        app.call(Method::GET, &dash, Some(&token), None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.m(
            Method::POST,
            &format!("/api/v1/sessions/{sid}/refresh"),
            None
        )
        .await
        .status,
        StatusCode::CONFLICT
    );
    let r = app.exchange(&launch, Some(&sid)).await;
    assert_eq!(r.json["error"]["data"][0]["msg"], "session_ended");
    assert_eq!(
        app.m(Method::DELETE, "/api/v1/sessions/sess_nope", None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn list_paginates_and_filters() {
    let app = TestApp::new();
    let mut ids = vec![];
    for i in 0..5 {
        let extra = if i == 0 {
            json!({"session_type": "resource", "resource": "contact", "resource_id": "cnt_7", "external_user_id": "u7"})
        } else {
            json!({})
        };
        ids.push(app.session(extra).await.0);
    }
    app.m(
        Method::DELETE,
        &format!("/api/v1/sessions/{}", ids[1]),
        None,
    )
    .await;

    let mut seen = vec![];
    let mut cursor: Option<String> = None;
    loop {
        let q = cursor
            .as_ref()
            .map(|c| format!("&cursor={c}"))
            .unwrap_or_default();
        let r = app
            .m(
                Method::GET,
                &format!("/api/v1/sessions?workspace_id={WS}&limit=2{q}"),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(r.json["limit"], 2);
        assert_eq!(
            r.json["count"].as_u64(),
            Some(r.json["records"].as_array().unwrap().len() as u64)
        );
        for rec in r.json["records"].as_array().unwrap() {
            seen.push(rec["session_id"].as_str().unwrap().to_owned());
        }
        match r.json["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    ids.reverse();
    assert_eq!(seen, ids, "newest first, every session exactly once");

    let r = app
        .m(
            Method::GET,
            &format!("/api/v1/sessions?workspace_id={WS}&status=revoked"),
            None,
        )
        .await;
    assert_eq!(r.json["count"], 1);
    assert_eq!(r.json["records"][0]["status"], "revoked");
    let r = app
        .m(
            Method::GET,
            &format!("/api/v1/sessions?workspace_id={WS}&resource=contact&resource_id=cnt_7"),
            None,
        )
        .await;
    assert_eq!(r.json["count"], 1);
    let rec = &r.json["records"][0];
    assert_eq!(
        (
            rec["external_user_id"].as_str(),
            rec["is_expired"].as_bool()
        ),
        (Some("u7"), Some(false))
    );

    for (q, param) in [
        ("", "workspace_id"),
        (&format!("workspace_id={WS}&limit=0") as &str, "limit"),
        (&format!("workspace_id={WS}&limit=201"), "limit"),
        (&format!("workspace_id={WS}&cursor=%%%"), "cursor"),
        (&format!("workspace_id={WS}&status=expired"), "status"),
    ] {
        let r = app
            .m(Method::GET, &format!("/api/v1/sessions?{q}"), None)
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{q}");
        assert!(r.params().iter().any(|p| p == param), "{q}: {}", r.text);
    }
}
