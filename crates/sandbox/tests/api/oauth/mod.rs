//! The hosted OAuth flow against a real fake provider on its own port: attempts, start page,
//! provider approve/deny, callback with state + PKCE + browser binding, replays and tampering,
//! re-authorization, and who may start one.

mod access;
mod callback;
mod flows;
mod start;

use crate::common::{Res, TestApp, WS};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::{Value, json};

pub async fn app() -> TestApp {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = TestApp::with_config(|c| c.provider_addr = addr.to_string());
    let router = meshes_sandbox::provider_router(&app.state);
    tokio::spawn(async move { axum::serve(listener, router).await });
    app
}

pub async fn admin(app: &TestApp) -> String {
    app.session(json!({"role": "admin", "allowed_origins": ["https://app.example.com"]}))
        .await
        .1
}

/// A browser-ish GET on the Meshes origin with an optional cookie.
pub async fn browse(app: &TestApp, url: &str, cookie: Option<&str>) -> Res {
    let path = url.strip_prefix(&app.state.cfg.api_origin()).unwrap_or(url);
    let mut req = Request::builder().method(Method::GET).uri(path);
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    app.send(req.body(Body::empty()).unwrap()).await
}

pub fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

pub struct Flow {
    pub id: String,
    /// `name=value` of the browser-binding cookie.
    pub cookie: String,
    /// The provider's authorization URL.
    pub authorize: String,
}

/// The created attempt: (id, start URL, start proof).
pub async fn create(app: &TestApp, token: &str, body: Value) -> (String, String, String) {
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
    let s = |k: &str| r.json[k].as_str().unwrap().to_owned();
    let start = s("start_url");
    assert!(
        !start.contains(&s("start_proof")),
        "the proof is never in a URL"
    );
    (s("id"), start, s("start_proof"))
}

/// What the start page's script posts, from `origin` (the start page's own, unless a test
/// plays another site).
pub async fn go(app: &TestApp, start: &str, body: Value, origin: Option<&str>) -> Res {
    let path = start
        .strip_prefix(&app.state.cfg.api_origin())
        .unwrap_or(start);
    let (path, query) = path.split_once('?').unwrap();
    let key = query.strip_prefix("key=").unwrap();
    let mut body = body;
    body["key"] = key.into();
    let mut req = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header("content-type", "application/json");
    let own = app.state.cfg.api_origin();
    if let Some(o) = origin.or(Some(own.as_str())).filter(|o| !o.is_empty()) {
        req = req.header("origin", o);
    }
    app.send(req.body(Body::from(body.to_string())).unwrap())
        .await
}

/// Create an attempt and go through the start page as the embed's popup does: the page, then
/// the handshake's proof. Returns the flow as the provider sees it.
pub async fn begin(app: &TestApp, token: &str, body: Value) -> Flow {
    let (id, start, proof) = create(app, token, body).await;
    let page = browse(app, &start, None).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.text.contains(&format!(r#"data-attempt="{id}""#)));
    let s = go(app, &start, json!({"proof": proof}), None).await;
    assert_eq!(s.status, StatusCode::OK, "{}", s.text);
    let cookie = s.header("set-cookie").unwrap().to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
    assert_eq!(
        go(app, &start, json!({"proof": proof}), None).await.status,
        StatusCode::CONFLICT,
        "start links are single use"
    );
    Flow {
        id,
        cookie: cookie.split(';').next().unwrap().to_owned(),
        authorize: s.json["url"].as_str().unwrap().to_owned(),
    }
}

/// The start page's "Continue" (no opener vouched for the attempt): the flow as the provider
/// sees it.
pub async fn continue_confirmed(app: &TestApp, id: &str, start: &str) -> Flow {
    let r = go(app, start, json!({"confirmed": true}), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let cookie = r.header("set-cookie").unwrap().split(';').next().unwrap();
    Flow {
        id: id.to_owned(),
        cookie: cookie.to_owned(),
        authorize: r.json["url"].as_str().unwrap().to_owned(),
    }
}

/// Open the provider page, then approve (with an account name) or deny. Returns the callback URL.
pub async fn decide(flow: &Flow, approve: Option<&str>) -> String {
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

pub async fn attempt(app: &TestApp, token: &str, id: &str) -> Value {
    let path = format!("/api/v1/embed/oauth/attempts/{id}");
    app.call(Method::GET, &path, Some(token), None).await.json
}

/// The whole happy path in one browser: start, approve as `account`, callback. The attempt after.
pub async fn approve(app: &TestApp, token: &str, body: Value, account: &str) -> Value {
    let flow = begin(app, token, body).await;
    let cb = decide(&flow, Some(account)).await;
    browse(app, &cb, Some(&flow.cookie)).await;
    attempt(app, token, &flow.id).await
}
