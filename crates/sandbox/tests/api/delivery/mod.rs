//! Real delivery: events in over the public API (`ingest`), webhooks out as their settings say
//! (`webhook`), retries, timeouts and a restart as they really happen (`retries`), and what
//! an attempt kept of the answer (`attempts`). Every destination is a real local server.

mod attempts;
mod inbox;
mod ingest;
mod oauth;
mod retries;
mod webhook;

use crate::common::{Res, TestApp, WS};
use crate::writes::{inbox, settle};
use axum::http::{Method, StatusCode};
use meshes_protocol::api::CreateConnection;
use meshes_sandbox::receiver::{Received, Settings};
use serde_json::{Value, json};

/// The event these tests send: no seeded rule listens to it.
pub const EVENT: &str = "delivery.check";

/// A webhook connection to `url` with `metadata` on top of the defaults, and an [`EVENT`] rule
/// on it: (connection id, rule id).
pub async fn hook(app: &TestApp, url: &str, metadata: Value) -> (String, String) {
    let mut m = json!({"url": url});
    m.as_object_mut()
        .unwrap()
        .extend(metadata.as_object().unwrap().clone());
    let body = CreateConnection {
        workspace: WS.into(),
        kind: "webhook".into(),
        name: format!("Hook {}", uuid::Uuid::new_v4().simple()),
        metadata: serde_json::from_value(m).unwrap(),
        hidden: None,
    };
    let c = app
        .m(
            Method::POST,
            "/api/v1/connections",
            Some(serde_json::to_value(body).unwrap()),
        )
        .await;
    assert_eq!(c.status, StatusCode::CREATED, "{}", c.text);
    let cid = c.json["connection"]["id"].as_str().unwrap().to_owned();
    let rid = rule_on(app, &cid, json!({"action": "send_webhook"})).await;
    (cid, rid)
}

/// An [`EVENT`] rule on connection `cid` doing `action`: its id.
pub async fn rule_on(app: &TestApp, cid: &str, action: Value) -> String {
    let mut rule = crate::writes::invoice_rule(cid);
    rule.event = EVENT.into();
    rule.metadata = serde_json::from_value(action).unwrap();
    let r = app
        .m(
            Method::POST,
            "/api/v1/rules",
            Some(serde_json::to_value(rule).unwrap()),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.json["rule"]["id"].as_str().unwrap().to_owned()
}

/// An inbox named `name` answering as `settings` says: its URL.
pub async fn inbox_at(app: &TestApp, name: &str, settings: Settings) -> String {
    let base = inbox(app).await;
    app.state.receiver.configure(name, |s| *s = settings);
    format!("{base}/{name}")
}

/// `POST /api/v1/events` with the management key: the new event's id.
pub async fn send_event(app: &TestApp, payload: Value) -> String {
    let r = app
        .m(
            Method::POST,
            "/api/v1/events",
            Some(
                json!({"workspace": WS, "event": EVENT, "resource": "invoice",
                        "resource_id": "inv_1", "payload": payload}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.json["event"]["id"].as_str().unwrap().to_owned()
}

pub fn header<'a>(q: &'a Received, name: &str) -> Option<&'a str> {
    q.headers
        .iter()
        .find(|(h, _)| h == name)
        .map(|(_, v)| v.as_str())
}

/// The one delivery of event `eid` and its attempts, newest first.
pub async fn attempts_of(app: &TestApp, eid: &str, rid: &str) -> Vec<Value> {
    let a = app
        .m(
            Method::GET,
            &format!("/api/v1/events/{eid}/rules/{rid}/attempts"),
            None,
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    a.json["records"].as_array().unwrap().clone()
}

pub async fn settled_event(app: &TestApp, eid: &str) -> Value {
    settle(app).await;
    app.m(Method::GET, &format!("/api/v1/events/{eid}"), None)
        .await
        .json
}
