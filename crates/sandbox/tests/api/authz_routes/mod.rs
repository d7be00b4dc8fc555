//! The authorization matrix over every API route the router really serves
//! (`meshes_sandbox::api_routes()`, the lists the routers are built from): each session type × role
//! × scope calls each route against fresh objects of its own. A route added without an entry
//! here fails the test.

mod policy;

use policy::{Cell, Want, gate, want};

use crate::common::{TestApp, WS};
use axum::http::{Method, StatusCode};
use meshes_protocol::access::{Action, EmbedPage, can_open, can_perform};
use meshes_protocol::{Role, SessionType};
use serde_json::{Value, json};

const PAIR: (&str, &str) = ("contact", "cnt_1003");

/// What decides a route's answer for an embed session.
#[derive(Debug, Clone, Copy)]
enum Gate {
    /// Management key only: every session is unauthenticated there.
    Management,
    /// No credential involved (the launch exchange): this status for anyone.
    Public(u16),
    /// Any session of the workspace.
    Any,
    /// The page must be open to the session type, the action allowed for the role.
    Page(EmbedPage, Action),
    /// The workspace's connection list: the Connections or the Rules page (rule builder).
    ConnectionsOrRules,
    /// Event payloads: the event detail page, admin or owner, and `events.payload:read`.
    Payload,
    /// Another session's OAuth attempt: gated like the Connections page, then invisible.
    OthersAttempt(Action),
}

/// Objects made (with the management key) for one cell, so its writes touch nothing else.
struct Fixture {
    connection: String,
    rule: String,
    event: String,
    attempt: String,
    /// A finished delivery attempt of `event`, with a stored answer.
    delivery_attempt: String,
}

fn webhook(name: &str) -> Value {
    json!({"workspace": WS, "type": "webhook", "name": name,
           "metadata": {"url": "https://ok.example.com/hook"}})
}

fn rule_body(connection: &str) -> Value {
    json!({"workspace": WS, "connection": connection, "event": "contact.created",
           "resource": PAIR.0, "resource_id": PAIR.1, "metadata": {"action": "send_webhook"}})
}

async fn fixture(app: &TestApp, n: usize, attempt: String) -> Fixture {
    let c = app
        .m(
            Method::POST,
            "/api/v1/connections",
            Some(webhook(&format!("Matrix {n}"))),
        )
        .await;
    assert_eq!(c.status, StatusCode::CREATED, "{}", c.text);
    let connection = c.json["connection"]["id"].as_str().unwrap().to_owned();
    let r = app
        .m(Method::POST, "/api/v1/rules", Some(rule_body(&connection)))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let rule = r.json["rule"]["id"].as_str().unwrap().to_owned();
    let e = app
        .m(
            Method::POST,
            &format!("/api/v1/rules/{rule}/test"),
            Some(json!({"payload": {"email": "a@example.com"}})),
        )
        .await;
    assert_eq!(e.status, StatusCode::CREATED, "{}", e.text);
    let event = e.json["event"]["id"].as_str().unwrap().to_owned();
    let delivery_attempt = uuid::Uuid::new_v4().to_string();
    app.state
        .db
        .conn()
        .execute(
            "INSERT INTO attempts (id, rule_event_id, attempt, outcome_code, message, http_status, \
             started_at, completed_at, duration_ms, request, response) \
             SELECT ?1, id, 1, 'delivered', 'HTTP 200 OK', 200, created_at, created_at, 5, \
             'POST https://ok.example.com/hook', ?3 FROM rule_events WHERE event_id = ?2",
            rusqlite::params![
                delivery_attempt,
                event,
                json!({"attempt_id": "", "http_status": 200, "headers": [], "body": "ok",
                       "body_truncated": false, "body_bytes": 2})
                .to_string()
            ],
        )
        .unwrap();
    Fixture {
        connection,
        rule,
        event,
        attempt,
        delivery_attempt,
    }
}

/// An event every session may send, resource sessions included (it is their pair).
fn event_body() -> Value {
    json!({"workspace": WS, "event": "contact.created", "payload": {},
           "resource": PAIR.0, "resource_id": PAIR.1})
}

/// The concrete request for a route in one cell.
fn request(route: (&str, &str), f: &Fixture, n: usize) -> (Method, String, Option<Value>) {
    let (method, path) = route;
    let url = format!("/api/v1{path}")
        .replace("/workspaces/{id}", &format!("/workspaces/{WS}"))
        .replace(
            "/connections/{id}",
            &format!("/connections/{}", f.connection),
        )
        .replace("/rules/{id}", &format!("/rules/{}", f.rule))
        .replace("/events/{id}", &format!("/events/{}", f.event))
        .replace("{rule_id}", &f.rule)
        .replace("{attempt_id}", &f.delivery_attempt)
        .replace("/sessions/{id}", "/sessions/sess_nobody")
        .replace("/attempts/{id}", &format!("/attempts/{}", f.attempt));
    let body = match (method, path) {
        ("POST", "/connections") => Some(webhook(&format!("Made by cell {n}"))),
        ("PUT", "/connections/{id}") => Some(json!({"name": format!("Matrix {n}"),
            "metadata": {"url": "https://ok.example.com/hook"}})),
        ("PUT", "/connections/{id}/mappings/default") => {
            Some(json!({"schema": {"schema_version": 1, "fields": []}}))
        }
        ("POST", "/rules") => Some(rule_body(&f.connection)),
        ("PATCH", "/rules/{id}") => Some(json!({"active": false})),
        ("POST", "/rules/{id}/test") => Some(json!({"payload": {}})),
        ("POST", "/events") => Some(event_body()),
        ("POST", "/events/bulk") => Some(json!([event_body()])),
        ("POST", "/workspaces") => Some(json!({"name": format!("ws {n}")})),
        ("POST", "/sessions") => Some(json!({"workspace_id": WS})),
        ("POST", "/embed/launch") => {
            Some(json!({"launch_token": "x".repeat(43), "session_id": "sess_nobody"}))
        }
        ("POST", "/embed/oauth/attempts") => Some(json!({"integration": "slack"})),
        _ => None,
    };
    (method.parse().unwrap(), url, body)
}

#[tokio::test]
async fn every_api_route_enforces_the_policy_for_every_session_kind() {
    let app = TestApp::new();
    let routes = meshes_sandbox::api_routes();
    let missing: Vec<_> = routes
        .iter()
        .filter(|(m, p)| gate(m, p).is_none())
        .collect();
    assert!(
        missing.is_empty(),
        "routes without a matrix entry: {missing:?}"
    );
    // Deletes last, the rule before its connection, so every probe finds its object.
    let mut order: Vec<(&str, &str)> = routes.to_vec();
    order.sort_by_key(|(m, p)| (*m == "DELETE", *p == "/connections/{id}"));
    let other_admin = app
        .session(json!({"role": "admin", "allowed_origins": ["https://app.example.com"]}))
        .await
        .1;

    let (mut cells, mut failures) = (0, vec![]);
    let mut n = 0;
    for st in [
        SessionType::Workspace,
        SessionType::Resource,
        SessionType::Dashboard,
    ] {
        for role in [Role::Member, Role::Admin, Role::Owner] {
            for scope in [false, true] {
                let cell = Cell { st, role, scope };
                let mut body = json!({"role": role, "session_type": st,
                    "scopes": if scope { json!(["events.payload:read"]) } else { json!([]) }});
                if st == SessionType::Resource {
                    (body["resource"], body["resource_id"]) = (PAIR.0.into(), PAIR.1.into());
                }
                let (_, token, _) = app.session(body).await;
                let attempt = app
                    .call(
                        Method::POST,
                        "/api/v1/embed/oauth/attempts",
                        Some(&other_admin),
                        Some(json!({"integration": "zoom"})),
                    )
                    .await
                    .json["id"]
                    .as_str()
                    .unwrap()
                    .to_owned();
                n += 1;
                let f = fixture(&app, n, attempt).await;
                for route in &order {
                    let (method, url, payload) = request(*route, &f, n);
                    let r = app.call(method, &url, Some(&token), payload).await;
                    let s = r.status.as_u16();
                    let w = want(gate(route.0, route.1).unwrap(), cell);
                    cells += 1;
                    let ok = match w {
                        Want::Allowed => ![401, 403, 404].contains(&s),
                        Want::Status(x) => s == x,
                    };
                    if !ok {
                        failures.push(format!(
                            "{st:?}/{role:?}/scope={scope} {} {}: got {s}, want {w:?} ({:.120})",
                            route.0, route.1, r.text
                        ));
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {cells} cells wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(cells, 18 * routes.len());
}

/// Decision 14: `hidden` is management-only. A session that may write gets a 400 naming the
/// param (one that may not write still gets its 403 first); the management key may set it.
#[tokio::test]
async fn only_the_management_key_may_hide_connections_and_rules() {
    let app = TestApp::new();
    let f = fixture(&app, 0, String::new()).await;
    for (role, st) in [
        (Role::Admin, SessionType::Workspace),
        (Role::Owner, SessionType::Workspace),
        (Role::Admin, SessionType::Resource),
        (Role::Member, SessionType::Workspace),
    ] {
        let mut body = json!({"role": role, "session_type": st});
        if st == SessionType::Resource {
            (body["resource"], body["resource_id"]) = (PAIR.0.into(), PAIR.1.into());
        }
        let (_, t, _) = app.session(body).await;
        let cell = Cell {
            st,
            role,
            scope: false,
        };
        let mut hidden_conn = webhook(&format!("Hidden by {role:?} {st:?}"));
        hidden_conn["hidden"] = true.into();
        let mut hidden_rule = rule_body(&f.connection);
        hidden_rule["hidden"] = true.into();
        let put = json!({"name": "Matrix 0", "metadata": {"url": "https://ok.example.com/hook"}, "hidden": true});
        for (method, url, body, g) in [
            (
                Method::POST,
                "/api/v1/connections".to_owned(),
                hidden_conn,
                Gate::Page(EmbedPage::Connections, Action::Write),
            ),
            (
                Method::PUT,
                format!("/api/v1/connections/{}", f.connection),
                put,
                Gate::Page(EmbedPage::Connections, Action::Write),
            ),
            (
                Method::POST,
                "/api/v1/rules".to_owned(),
                hidden_rule,
                Gate::Page(EmbedPage::Rules, Action::Write),
            ),
        ] {
            let r = app.call(method, &url, Some(&t), Some(body)).await;
            match want(g, cell) {
                Want::Allowed => {
                    assert_eq!(
                        r.status,
                        StatusCode::BAD_REQUEST,
                        "{role:?} {st:?} {url}: {}",
                        r.text
                    );
                    assert_eq!(r.params(), ["hidden"], "{url}");
                }
                Want::Status(s) => assert_eq!(r.status.as_u16(), s, "{url}"),
            }
        }
    }
    let hidden: bool = app
        .state
        .db
        .conn()
        .query_row(
            "SELECT hidden FROM connections WHERE id = ?1",
            [&f.connection],
            |r| r.get(0),
        )
        .unwrap();
    assert!(!hidden, "no session managed to hide it");
    let mut by_key = webhook("Hidden by the management key");
    by_key["hidden"] = true.into();
    let r = app
        .m(Method::POST, "/api/v1/connections", Some(by_key))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.json["connection"]["hidden"], true);
}
