//! The authorization matrix: every session type × role × scope against every session-
//! authenticated endpoint, by direct API calls (the server enforces it, whatever the UI shows).

use crate::common::{TestApp, WS};
use axum::http::{Method, StatusCode};
use serde_json::json;

#[derive(Debug, Clone, Copy, PartialEq)]
enum St {
    Workspace,
    Resource,
    Dashboard,
}

#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
enum Role {
    Member,
    Admin,
    Owner,
}

#[derive(Debug, Clone, Copy)]
enum Endpoint {
    Workspace,
    Dashboard,
    Connections,
    Events,
    EventInScope,
    EventOutOfScope,
    PayloadInScope,
    WhoAmI,
    ForeignWorkspace,
    MintSession,
    ListSessions,
    ListWorkspaces,
    StartOauth,
}

const ENDPOINTS: [Endpoint; 13] = [
    Endpoint::Workspace,
    Endpoint::Dashboard,
    Endpoint::Connections,
    Endpoint::Events,
    Endpoint::EventInScope,
    Endpoint::EventOutOfScope,
    Endpoint::PayloadInScope,
    Endpoint::WhoAmI,
    Endpoint::ForeignWorkspace,
    Endpoint::MintSession,
    Endpoint::ListSessions,
    Endpoint::ListWorkspaces,
    Endpoint::StartOauth,
];

/// The expected status, written as the policy reads (meshes-spec §3 plus docs/decisions.md).
fn expected(e: Endpoint, st: St, role: Role, scope: bool) -> u16 {
    use Endpoint::*;
    let payload_ok = role >= Role::Admin && scope;
    match (e, st) {
        (Workspace | Dashboard | WhoAmI, _) => 200,
        // Resource sessions list connections too: their rule builder picks from them.
        (Connections, St::Workspace | St::Resource) => 200,
        (Connections, _) => 403,
        (Events | EventInScope | EventOutOfScope | PayloadInScope, St::Dashboard) => 403,
        (Events | EventInScope, _) => 200,
        (EventOutOfScope, St::Workspace) => 200,
        (EventOutOfScope, St::Resource) => 404,
        (PayloadInScope, _) if payload_ok => 200,
        (PayloadInScope, _) => 403,
        (ForeignWorkspace, _) => 404,
        (MintSession | ListSessions | ListWorkspaces, _) => 401,
        // The Connections page's write: workspace sessions, admin or owner.
        (StartOauth, St::Workspace) if role >= Role::Admin => 201,
        (StartOauth, _) => 403,
    }
}

#[tokio::test]
async fn every_session_kind_against_every_endpoint() {
    let app = TestApp::new();
    let (inside, outside) = {
        let conn = app.state.db.conn();
        let pick = |sql: &str| {
            conn.query_row(sql, [], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })
            .unwrap()
        };
        let inside = pick(
            "SELECT id, resource, resource_id FROM events WHERE resource = 'contact' ORDER BY seq LIMIT 1",
        );
        let outside = pick(
            "SELECT id, resource, resource_id FROM events WHERE resource = 'invoice' ORDER BY seq LIMIT 1",
        );
        (inside, outside)
    };
    let path = |e: Endpoint| -> (Method, String, Option<serde_json::Value>) {
        use Endpoint::*;
        match e {
            Workspace => (Method::GET, format!("/api/v1/workspaces/{WS}"), None),
            Dashboard => (
                Method::GET,
                format!("/api/v1/workspaces/{WS}/dashboard"),
                None,
            ),
            Connections => (
                Method::GET,
                format!("/api/v1/workspaces/{WS}/connections"),
                None,
            ),
            Events => (Method::GET, format!("/api/v1/workspaces/{WS}/events"), None),
            EventInScope => (Method::GET, format!("/api/v1/events/{}", inside.0), None),
            EventOutOfScope => (Method::GET, format!("/api/v1/events/{}", outside.0), None),
            PayloadInScope => (
                Method::GET,
                format!("/api/v1/events/{}/payload", inside.0),
                None,
            ),
            WhoAmI => (Method::GET, "/api/v1/embed/session".into(), None),
            ForeignWorkspace => (
                Method::GET,
                "/api/v1/workspaces/00000000-0000-4000-8000-000000000000/dashboard".into(),
                None,
            ),
            MintSession => (
                Method::POST,
                "/api/v1/sessions".into(),
                Some(json!({"workspace_id": WS})),
            ),
            ListSessions => (
                Method::GET,
                format!("/api/v1/sessions?workspace_id={WS}"),
                None,
            ),
            ListWorkspaces => (Method::GET, "/api/v1/workspaces".into(), None),
            StartOauth => (
                Method::POST,
                "/api/v1/embed/oauth/attempts".into(),
                Some(json!({"integration": "slack"})),
            ),
        }
    };

    let mut cells = 0;
    let mut failures = vec![];
    for st in [St::Workspace, St::Resource, St::Dashboard] {
        for role in [Role::Member, Role::Admin, Role::Owner] {
            for scope in [false, true] {
                let mut body = json!({
                    "role": format!("{role:?}").to_lowercase(),
                    "session_type": format!("{st:?}").to_lowercase(),
                    "scopes": if scope { json!(["events.payload:read"]) } else { json!([]) },
                });
                if st == St::Resource {
                    body["resource"] = inside.1.clone().into();
                    body["resource_id"] = inside.2.clone().into();
                }
                let (_, token, _) = app.session(body).await;
                for e in ENDPOINTS {
                    let (method, url, payload) = path(e);
                    let r = app.call(method, &url, Some(&token), payload).await;
                    let want = expected(e, st, role, scope);
                    cells += 1;
                    if r.status.as_u16() != want {
                        failures.push(format!(
                            "{st:?}/{role:?}/scope={scope} {e:?}: got {}, want {want}",
                            r.status
                        ));
                    }
                    if r.status == StatusCode::OK && !matches!(e, Endpoint::PayloadInScope) {
                        assert!(
                            !r.text.contains("\"payload\""),
                            "{e:?} leaked a payload without the payload endpoint"
                        );
                    }
                    if r.status == StatusCode::FORBIDDEN {
                        assert!(
                            r.header("www-authenticate")
                                .unwrap()
                                .contains("insufficient_scope")
                        );
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
    assert_eq!(cells, 3 * 3 * 2 * ENDPOINTS.len());
}

#[tokio::test]
async fn resource_sessions_only_list_their_pair() {
    let app = TestApp::new();
    let (_, token, _) = app
        .session(
            json!({"session_type": "resource", "resource": "contact", "resource_id": "cnt_1003"}),
        )
        .await;
    // Asking for another pair still yields only this session's pair.
    let r = app
        .call(
            Method::GET,
            &format!(
                "/api/v1/workspaces/{WS}/events?resource=invoice&resource_id=inv_1001&limit=200"
            ),
            Some(&token),
            None,
        )
        .await;
    let records = r.json["records"].as_array().unwrap();
    assert!(!records.is_empty());
    assert!(
        records
            .iter()
            .all(|e| e["resource"] == "contact" && e["resource_id"] == "cnt_1003")
    );
}

#[tokio::test]
async fn events_list_filters_and_paginates_newest_first() {
    let app = TestApp::new();
    let (_, token, _) = app.session(json!({})).await;
    let mut seen = vec![];
    let mut cursor: Option<String> = None;
    loop {
        let q = cursor
            .as_ref()
            .map(|c| format!("&cursor={c}"))
            .unwrap_or_default();
        let r = app
            .call(
                Method::GET,
                &format!("/api/v1/workspaces/{WS}/events?limit=100&status=failed{q}"),
                Some(&token),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        for e in r.json["records"].as_array().unwrap() {
            assert_eq!(e["status"], "failed");
            seen.push(e["created_at"].as_str().unwrap().to_owned());
        }
        match r.json["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    let failed: i64 = app
        .state
        .db
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM events WHERE status = 'failed'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(seen.len() as i64, failed);
    assert!(seen.windows(2).all(|w| w[0] >= w[1]), "newest first");
    for (q, param) in [
        ("status=done", "status"),
        ("resource=bad%20id", "resource"),
        ("limit=500", "limit"),
    ] {
        let r = app
            .call(
                Method::GET,
                &format!("/api/v1/workspaces/{WS}/events?{q}"),
                Some(&token),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{q}");
        assert_eq!(r.params(), [param]);
    }
}
