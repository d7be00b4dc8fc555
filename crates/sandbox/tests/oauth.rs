//! The hosted OAuth flow against a real fake provider on its own port: attempts, start page,
//! provider approve/deny, callback with state + PKCE + browser binding, replays and tampering,
//! re-authorization, and who may start one.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use common::{Res, TestApp, WS};
use serde_json::{Value, json};

async fn app() -> TestApp {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = TestApp::with_config(|c| c.provider_addr = addr.to_string());
    let router = meshes_sandbox::provider_router(&app.state);
    tokio::spawn(async move { axum::serve(listener, router).await });
    app
}

async fn admin(app: &TestApp) -> String {
    app.session(json!({"role": "admin", "allowed_origins": ["https://app.example.com"]}))
        .await
        .1
}

/// A browser-ish GET on the Meshes origin with an optional cookie.
async fn browse(app: &TestApp, url: &str, cookie: Option<&str>) -> Res {
    let path = url.strip_prefix(&app.state.cfg.api_origin()).unwrap_or(url);
    let mut req = Request::builder().method(Method::GET).uri(path);
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    app.send(req.body(Body::empty()).unwrap()).await
}

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

struct Flow {
    id: String,
    /// `name=value` of the browser-binding cookie.
    cookie: String,
    /// The provider's authorization URL.
    authorize: String,
}

async fn begin(app: &TestApp, token: &str, body: Value) -> Flow {
    let r = app
        .call(
            Method::POST,
            "/api/v1/embed/oauth/attempts",
            Some(token),
            Some(body),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.json["status"], "pending");
    let start = r.json["start_url"].as_str().unwrap().to_owned();
    let s = browse(app, &start, None).await;
    assert_eq!(s.status, StatusCode::SEE_OTHER, "{}", s.text);
    let cookie = s.header("set-cookie").unwrap().to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
    assert_eq!(
        browse(app, &start, None).await.status,
        StatusCode::BAD_REQUEST,
        "start links are single use"
    );
    Flow {
        id: r.json["id"].as_str().unwrap().to_owned(),
        cookie: cookie.split(';').next().unwrap().to_owned(),
        authorize: s.header("location").unwrap().to_owned(),
    }
}

/// Open the provider page, then approve (with an account name) or deny. Returns the callback URL.
async fn decide(flow: &Flow, approve: Option<&str>) -> String {
    let http = no_redirects();
    let page = http.get(&flow.authorize).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    let req = html
        .split(r#"name="request" value=""#)
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap();
    let base = flow.authorize.split("/authorize").next().unwrap();
    let mut form = vec![("request", req.to_owned())];
    match approve {
        Some(account) => form.extend([("decision", "approve".into()), ("account", account.into())]),
        None => form.push(("decision", "deny".into())),
    }
    let res = http
        .post(format!("{base}/decide"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    res.headers()["location"].to_str().unwrap().to_owned()
}

async fn attempt(app: &TestApp, token: &str, id: &str) -> Value {
    let path = format!("/api/v1/embed/oauth/attempts/{id}");
    app.call(Method::GET, &path, Some(token), None).await.json
}

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

    // Tampered state: no attempt matches; this browser's started attempt fails as a mismatch.
    let tampered = begin(&app, &t, json!({"integration": "slack"})).await;
    let cb = decide(&tampered, Some("Initech")).await;
    let bad = cb.replace("state=", "state=x");
    let page = browse(&app, &bad, Some(&tampered.cookie)).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.text.contains("state mismatch"));
    let a = attempt(&app, &t, &tampered.id).await;
    assert_eq!(a["error"]["code"], "state_mismatch");
    assert!(a["connection_id"].is_null());

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
    let flow = begin(
        &app,
        &t,
        json!({"integration": "salesforce", "connection_id": cid}),
    )
    .await;
    let cb = decide(&flow, Some("Umbrella")).await;
    browse(&app, &cb, Some(&flow.cookie)).await;
    let a = attempt(&app, &t, &flow.id).await;
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
async fn who_may_start_and_what_is_refused() {
    let app = app().await;
    let t = admin(&app).await;
    let post = |token: String, body: Value| {
        let app = &app;
        async move {
            app.call(
                Method::POST,
                "/api/v1/embed/oauth/attempts",
                Some(&token),
                Some(body),
            )
            .await
        }
    };
    let member = app.session(json!({"role": "member"})).await.1;
    assert_eq!(
        post(member.clone(), json!({"integration": "slack"}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let dash = app
        .session(json!({"role": "owner", "session_type": "dashboard"}))
        .await
        .1;
    assert_eq!(
        post(dash, json!({"integration": "slack"})).await.status,
        StatusCode::FORBIDDEN
    );
    for (body, param) in [
        (json!({"integration": "webhook"}), "integration"),
        (json!({"integration": "nope"}), "integration"),
        (json!({}), "integration"),
        (
            json!({"integration": "slack", "mode": "redirect"}),
            "return_to",
        ),
        (
            json!({"integration": "slack", "mode": "redirect", "return_to": "https://evil.example.com/"}),
            "return_to",
        ),
        (
            json!({"integration": "slack", "mode": "redirect", "return_to": "https://app.example.com.evil.com/"}),
            "return_to",
        ),
        (
            json!({"integration": "slack", "return_to": "https://app.example.com/"}),
            "return_to",
        ),
        (json!({"integration": "slack", "nonce": "short"}), "nonce"),
        (json!({"integration": "slack", "mode": "iframe"}), "mode"),
        (json!({"integration": "slack", "extra": 1}), "extra"),
    ] {
        let r = post(t.clone(), body.clone()).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(r.params(), [param], "{body}");
        assert!(r.json["error"]["message"].is_string());
    }
    let ok = post(t.clone(), json!({"integration": "slack", "mode": "redirect", "return_to": "https://app.example.com/settings?tab=apps"})).await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.text);
    let id = ok.json["id"].as_str().unwrap();
    // Members of the workspace can read it (the page polls); other workspaces cannot see it.
    assert_eq!(attempt(&app, &member, id).await["status"], "pending");
    let other = app
        .m(
            Method::POST,
            "/api/v1/workspaces",
            Some(json!({"name": "Other"})),
        )
        .await;
    let other_ws = other.json["workspace"]["id"]
        .as_str()
        .or(other.json["id"].as_str())
        .unwrap()
        .to_owned();
    let outsider = app
        .session(json!({"workspace_id": other_ws, "role": "owner"}))
        .await
        .1;
    let path = format!("/api/v1/embed/oauth/attempts/{id}");
    assert_eq!(
        app.call(Method::GET, &path, Some(&outsider), None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // Cancel ends an unfinished attempt; its start link no longer works.
    let c = app
        .call(Method::POST, &format!("{path}/cancel"), Some(&t), None)
        .await;
    assert_eq!(c.json["status"], "cancelled");
    let start = ok.json["start_url"].as_str().unwrap();
    assert_eq!(
        browse(&app, start, None).await.status,
        StatusCode::BAD_REQUEST
    );
    // Expiry: ten minutes after creation an unfinished attempt reads as expired.
    let late = post(t.clone(), json!({"integration": "zoom"})).await;
    app.state.clock.advance(11 * 60);
    let a = attempt(&app, &t, late.json["id"].as_str().unwrap()).await;
    assert_eq!(
        (a["status"].as_str(), a["error"]["code"].as_str()),
        (Some("expired"), Some("expired"))
    );
}

#[tokio::test]
async fn live_data_comes_from_the_provider_and_a_revoked_grant_asks_for_reconnect() {
    let app = app().await;
    let t = admin(&app).await;
    let flow = begin(&app, &t, json!({"integration": "slack"})).await;
    let cb = decide(&flow, Some("Hooli")).await;
    browse(&app, &cb, Some(&flow.cookie)).await;
    let cid = attempt(&app, &t, &flow.id).await["connection_id"]
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
    let again = begin(
        &app,
        &t,
        json!({"integration": "slack", "connection_id": cid}),
    )
    .await;
    let cb = decide(&again, Some("Hooli")).await;
    browse(&app, &cb, Some(&again.cookie)).await;
    let live = app.call(Method::GET, &actions, Some(&t), None).await;
    assert_eq!(live.status, StatusCode::OK, "reconnected: {}", live.text);
}
