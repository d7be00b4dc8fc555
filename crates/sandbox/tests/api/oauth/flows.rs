//! Approve, deny, tampering, replays, re-authorization and revoked grants.

use super::*;

#[tokio::test]
async fn approve_creates_a_connection_and_tokens_stay_server_side() {
    let app = app().await;
    let t = admin(&app).await;
    let flow = begin(
        &app,
        &t,
        json!({"integration": "hubspot", "nonce": "n0nce-n0nce-n0nce"}),
    )
    .await;
    let auth = &flow.authorize;
    assert!(
        auth.contains("code_challenge_method=S256") && auth.contains("state="),
        "{auth}"
    );
    assert!(auth.contains("redirect_uri=http%3A%2F%2F127.0.0.1%3A18787%2Foauth%2Fcallback"));
    assert_eq!(attempt(&app, &t, &flow.id).await["status"], "started");

    let callback = decide(&flow, Some("Globex")).await;
    let done = browse(&app, &callback, Some(&flow.cookie)).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    assert!(done.text.contains(r#"data-status="completed""#));
    assert!(done.text.contains(r#"data-nonce="n0nce-n0nce-n0nce""#));
    assert!(
        done.text
            .contains(r#"data-origin="http://127.0.0.1:18787""#)
    );
    let csp = done.header("content-security-policy").unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"));
    assert_eq!(
        done.header("cross-origin-opener-policy"),
        Some("unsafe-none")
    );
    assert_eq!(done.header("referrer-policy"), Some("no-referrer"));

    let a = attempt(&app, &t, &flow.id).await;
    assert_eq!(a["status"], "completed");
    assert_eq!(a["account"], "Globex");
    assert_eq!(a["reauthorize"], false);
    let cid = a["connection_id"].as_str().unwrap();
    let c = app
        .call(
            Method::GET,
            &format!("/api/v1/connections/{cid}"),
            Some(&t),
            None,
        )
        .await;
    assert_eq!(c.json["name"], "HubSpot (Globex)");
    assert_eq!(c.json["type"], "hubspot");
    assert_eq!(c.json["active"], true);
    let secrets: String = app
        .state
        .db
        .conn()
        .query_row(
            "SELECT secrets FROM connections WHERE id = ?1",
            [cid],
            |r| r.get(0),
        )
        .unwrap();
    let access = serde_json::from_str::<Value>(&secrets).unwrap()["oauth"]["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(access.len() > 20);
    assert!(!c.text.contains(&access) && !a.to_string().contains(&access));

    // The same callback again (a reload, or an attacker replaying it): refused, nothing changes.
    let again = browse(&app, &callback, Some(&flow.cookie)).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    // The code replayed into a fresh attempt: the provider refuses it (single use).
    let second = begin(&app, &t, json!({"integration": "hubspot"})).await;
    let state = second
        .authorize
        .split("state=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();
    let code = callback
        .split("code=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();
    let replay = format!("/oauth/callback?code={code}&state={state}");
    browse(&app, &replay, Some(&second.cookie)).await;
    let b = attempt(&app, &t, &second.id).await;
    assert_eq!(b["status"], "failed");
    assert_eq!(b["error"]["code"], "code_exchange_failed");
    let n: i64 = app
        .state
        .db
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM connections WHERE type = 'hubspot' AND deleted_at IS NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        n, 2,
        "the seeded HubSpot connection and the one created above"
    );
}

#[tokio::test]
async fn deny_tampered_state_and_another_browser_connect_nothing() {
    let app = app().await;
    let t = admin(&app).await;
    let denied = begin(&app, &t, json!({"integration": "slack"})).await;
    let cb = decide(&denied, None).await;
    assert!(cb.contains("error=access_denied"));
    let page = browse(&app, &cb, Some(&denied.cookie)).await;
    assert!(page.text.contains("Slack was not connected"));
    let a = attempt(&app, &t, &denied.id).await;
    assert_eq!(
        (a["status"].as_str(), a["error"]["code"].as_str()),
        (Some("denied"), Some("access_denied"))
    );

    // Tampered state: no attempt matches, so nothing changes — not even this browser's own
    // attempt (anyone can send a browser to the callback; it must not end attempts).
    let tampered = begin(&app, &t, json!({"integration": "slack"})).await;
    let cb = decide(&tampered, Some("Initech")).await;
    let bad = cb.replace("state=", "state=x");
    let page = browse(&app, &bad, Some(&tampered.cookie)).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.text.contains("state mismatch"));
    let a = attempt(&app, &t, &tampered.id).await;
    assert_eq!(a["status"], "started");
    assert!(a["connection_id"].is_null());
    // The genuine callback still completes it.
    browse(&app, &cb, Some(&tampered.cookie)).await;
    assert_eq!(attempt(&app, &t, &tampered.id).await["status"], "completed");

    // The right state from a browser that did not start the attempt (no binding cookie).
    let elsewhere = begin(&app, &t, json!({"integration": "slack"})).await;
    let cb = decide(&elsewhere, Some("Initech")).await;
    browse(&app, &cb, None).await;
    let a = attempt(&app, &t, &elsewhere.id).await;
    assert_eq!(
        (a["status"].as_str(), a["error"]["code"].as_str()),
        (Some("failed"), Some("state_mismatch"))
    );
}

#[tokio::test]
async fn reauthorize_reactivates_the_same_connection() {
    let app = app().await;
    let t = admin(&app).await;
    let list = app
        .call(
            Method::GET,
            &format!("/api/v1/workspaces/{WS}/connections"),
            Some(&t),
            None,
        )
        .await;
    let sf = list.json["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["inactive_reason"] == "oauth_reauthorization_required")
        .unwrap()
        .clone();
    let cid = sf["id"].as_str().unwrap();
    let wrong = app
        .call(
            Method::POST,
            "/api/v1/embed/oauth/attempts",
            Some(&t),
            Some(json!({"integration": "hubspot", "connection_id": cid})),
        )
        .await;
    assert_eq!(wrong.params(), ["connection_id"]);
    let a = approve(
        &app,
        &t,
        json!({"integration": "salesforce", "connection_id": cid}),
        "Umbrella",
    )
    .await;
    assert_eq!(
        (
            a["status"].as_str(),
            a["connection_id"].as_str(),
            a["reauthorize"].as_bool()
        ),
        (Some("completed"), Some(cid), Some(true))
    );
    let c = app
        .call(
            Method::GET,
            &format!("/api/v1/connections/{cid}"),
            Some(&t),
            None,
        )
        .await;
    assert_eq!(c.json["active"], true);
    assert!(c.json["inactive_reason"].is_null());
    assert_eq!(
        c.json["name"], sf["name"],
        "re-authorizing keeps the connection as it was"
    );
}

#[tokio::test]
async fn live_data_comes_from_the_provider_and_a_revoked_grant_asks_for_reconnect() {
    let app = app().await;
    let t = admin(&app).await;
    let cid = approve(&app, &t, json!({"integration": "slack"}), "Hooli").await["connection_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let actions = format!("/api/v1/connections/{cid}/actions");
    let live = app.call(Method::GET, &actions, Some(&t), None).await;
    assert_eq!(live.status, StatusCode::OK, "{}", live.text);
    assert!(
        live.json["channels"]
            .as_array()
            .is_some_and(|c| !c.is_empty())
    );

    // The user removes the app at the provider: the next call finds out and says what to do.
    assert_eq!(app.state.provider.revoke_account("Hooli"), 2);
    let gone = app.call(Method::GET, &actions, Some(&t), None).await;
    assert_eq!(gone.status, StatusCode::CONFLICT);
    assert!(
        gone.json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("reconnect")
    );
    let c = app
        .call(
            Method::GET,
            &format!("/api/v1/connections/{cid}"),
            Some(&t),
            None,
        )
        .await;
    assert_eq!(
        (
            c.json["active"].as_bool(),
            c.json["inactive_reason"].as_str()
        ),
        (Some(false), Some("oauth_authorization_revoked"))
    );
    approve(
        &app,
        &t,
        json!({"integration": "slack", "connection_id": cid}),
        "Hooli",
    )
    .await;
    let live = app.call(Method::GET, &actions, Some(&t), None).await;
    assert_eq!(live.status, StatusCode::OK, "reconnected: {}", live.text);
}
