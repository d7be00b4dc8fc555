//! Browser tests of the workspace pages against a fake API: each page's success, empty, error
//! and forbidden states, role-gated actions, and the write paths (409/425/422 handling).
#![cfg(target_arch = "wasm32")]

mod common;

use common::{Mounted, SID, ctx_as, fake, jwt, mount_ctx, ok, status, until, until_ms};
use meshes_embed::api::Method;
use meshes_protocol::{EmbedMessage, EmbedPage, Role, Scope};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const T: &str = r#""created_by":"api","created_at":"2026-11-20T10:00:00Z""#;

fn event(id: &str, status: &str) -> String {
    format!(
        r#"{{"id":"{id}","type":"event","workspace":"w","event":"deal.won","resource":"deal","resource_id":"deal_1","status":"{status}","total_rules":1,"completed_count":{},"failed_count":0,{T}}}"#,
        u8::from(status == "completed")
    )
}

fn page(records: &[String]) -> String {
    format!(
        r#"{{"count":{},"limit":50,"next_cursor":null,"records":[{}]}}"#,
        records.len(),
        records.join(",")
    )
}

async fn authed(
    path: &str,
    role: Role,
    scopes: Vec<Scope>,
    routes: Vec<(&'static str, Vec<(u16, String)>)>,
) -> (Mounted, common::Requests) {
    let (t, requests) = fake(routes);
    let m = mount_ctx(path, ctx_as(role, scopes), t);
    assert!(m.api.accept_auth(jwt(SID)).await);
    (m, requests)
}

fn sent(requests: &common::Requests, method: Method, part: &str) -> Vec<Option<String>> {
    requests
        .lock()
        .unwrap()
        .iter()
        .filter(|r| r.method == method && r.path.contains(part))
        .map(|r| r.body.clone())
        .collect()
}

#[wasm_bindgen_test]
async fn events_filters_live_in_the_url_and_rows_update_live() {
    let (m, requests) = authed(
        "/workspace/events?session=sess_test&status=pending",
        Role::Member,
        vec![],
        vec![
            (
                "/events/e1",
                vec![ok(&event("e1", "pending")), ok(&event("e1", "completed"))],
            ),
            ("/event-types", vec![ok("[]")]),
            ("/events?", vec![ok(&page(&[event("e1", "pending")]))]),
        ],
    )
    .await;
    until("the event row", || m.exists("tr[data-event-id='e1']")).await;
    let list = requests
        .lock()
        .unwrap()
        .iter()
        .find(|r| r.path.contains("/events?"))
        .unwrap()
        .path
        .clone();
    assert!(
        list.contains("status=pending") && list.contains("limit=50"),
        "{list}"
    );
    assert_eq!(
        m.el::<web_sys::HtmlSelectElement>("#filter-status").value(),
        "pending",
        "the form shows the URL's filters"
    );
    // Pending rows re-read themselves until they finish.
    until_ms("the live update", 8000, || {
        m.exists("tr[data-event-id='e1'][data-status='completed']")
    })
    .await;
    // Applying filters rewrites the URL (keeping the session reference) and reports it.
    m.input("#filter-event", "deal.won");
    m.submit("#event-filters");
    until("the new query", || {
        common::window()
            .location()
            .search()
            .unwrap()
            .contains("event=deal.won")
    })
    .await;
    let search = common::window().location().search().unwrap();
    assert!(search.starts_with("?session=sess_test&"), "{search}");
    until("meshes:navigate with filters", || {
        m.posted(&EmbedMessage::Navigate {
            path: "/workspace/events?status=pending&event=deal.won&limit=50".into(),
            page: EmbedPage::Events,
        })
    })
    .await;
}

#[wasm_bindgen_test]
async fn events_empty_and_forbidden_states() {
    let (m, _) = authed(
        "/workspace/events?status=failed",
        Role::Member,
        vec![],
        vec![
            ("/event-types", vec![ok("[]")]),
            ("/events?", vec![ok(&page(&[]))]),
        ],
    )
    .await;
    until("the empty state", || m.exists("#events-empty")).await;
    assert!(
        m.text("#events-empty")
            .unwrap()
            .contains("No events match these filters")
    );
    drop(m);
    let (m, _) = authed(
        "/workspace/events",
        Role::Member,
        vec![],
        vec![
            ("/event-types", vec![ok("[]")]),
            ("/events?", vec![status(403)]),
        ],
    )
    .await;
    until("the error", || m.text(".error-title").is_some()).await;
    assert_eq!(
        m.text(".error-title").unwrap(),
        "This isn't allowed for this embedded session"
    );
}

fn detail(status: &str, payload: bool) -> String {
    let p = if payload {
        r#","payload":{"email":"ada@example.com"}"#
    } else {
        ""
    };
    format!(
        r#"{{"id":"e1","type":"event","workspace":"w","event":"deal.won","status":"{status}","total_rules":1,"completed_count":0,"failed_count":1,{T},
      "rule_events":[{{"id":"re1","type":"rule","workspace":"w","event":"deal.won","event_id":"e1","connection":"c1","rule":"r1","integration_type":"webhook","status":"{status}","attempt_count":4,"last_error":"HTTP 503","created_by":"api","created_at":"2026-11-20T10:00:00Z"}}]{p}}}"#
    )
}

#[wasm_bindgen_test]
async fn event_detail_hides_payload_without_scope_and_members_get_no_actions() {
    let (m, requests) = authed(
        "/workspace/events/e1",
        Role::Member,
        vec![Scope::EventsPayloadRead],
        vec![
            ("/connections", vec![ok(&page(&[]))]),
            ("/events/e1", vec![ok(&detail("failed", false))]),
        ],
    )
    .await;
    until("the deliveries", || m.exists("tr[data-rule-id='r1']")).await;
    assert!(
        m.exists("#event-payload-hidden"),
        "members never see payloads, scope or not"
    );
    assert!(
        !requests
            .lock()
            .unwrap()
            .iter()
            .any(|r| r.path.contains("/payload")),
        "and never ask for them"
    );
    assert!(!m.exists(".retry") && !m.exists("#cancel-event"));
    assert!(
        m.text(".note")
            .unwrap()
            .contains("changes need the admin or owner role")
    );
}

#[wasm_bindgen_test]
async fn event_detail_retry_handles_425_and_shows_payload_with_scope() {
    let (m, requests) = authed("/workspace/events/e1", Role::Admin, vec![Scope::EventsPayloadRead], vec![
        ("/connections", vec![ok(&page(&[]))]),
        ("/rules/r1/retry", vec![(425, r#"{"message":"Too Early","error":{"name":"TooEarly","message":"An attempt is already under way; wait for it to finish"}}"#.into())]),
        ("/events/e1", vec![ok(&detail("failed", true))]),
    ]).await;
    until("the payload", || {
        m.text("#event-payload")
            .is_some_and(|t| t.contains("ada@example.com"))
    })
    .await;
    assert!(
        requests
            .lock()
            .unwrap()
            .iter()
            .any(|r| r.path == "/api/v1/events/e1/payload")
    );
    m.click(".retry");
    until("the 425 message", || m.text(".error-title").is_some()).await;
    assert_eq!(
        m.text(".error-title").unwrap(),
        "An attempt is already under way; wait for it to finish"
    );
    assert!(
        m.text(".error-remedy")
            .unwrap()
            .contains("Wait a few seconds")
    );
    assert_eq!(
        sent(&requests, Method::Post, "/retry").len(),
        1,
        "a 425 is not retried automatically"
    );
}

const CONN: &str = r#"{"id":"c1","workspace":"w","type":"webhook","name":"Orders","metadata":{"url":"https://x.example.com"},"active":true,"hidden":false,"created_by":"seed","created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z"}"#;
const WEBHOOK: &str = r#"{"name":"Webhook","type":"webhook","authentication":{"type":"none","fields":[{"label":"Endpoint URL","key":"url","type":"text","required":true,"validate":"url"},{"label":"Authentication","key":"auth_scheme","type":"select","required":true,"defaultValue":"none","options":[{"label":"None","value":"none"},{"label":"Bearer token","value":"bearer"}]},{"label":"Bearer token","key":"bearer_token","type":"password","required":true,"dependsOn":{"field":"auth_scheme","value":"bearer"}}]},"actions":{"send_webhook":{"key":"send_webhook","label":"Send webhook","noun":"webhook","fields":[]}}}"#;

#[wasm_bindgen_test]
async fn connection_form_checks_before_sending_and_delete_offers_force_on_409() {
    let (m, requests) = authed("/workspace/connections", Role::Owner, vec![], vec![
        ("/integrations", vec![ok(&page(&[WEBHOOK.into()]))]),
        ("/connections/c1", vec![(409, r#"{"message":"Conflict","error":{"name":"ConnectionInUse","message":"1 active rule uses this connection. Delete those rules first, or force delete to remove the connection and its rules together."}}"#.into()), ok(r#"{"id":"c1","type":"webhook"}"#)]),
        ("/connections", vec![ok(&page(&[CONN.into()]))]),
    ]).await;
    until("the row", || m.exists("tr[data-connection-id='c1']")).await;
    m.click("#new-connection");
    until("the form", || m.exists("#conn-field-url")).await;
    assert!(
        !m.exists("#conn-field-bearer_token"),
        "dependent fields appear only when they apply"
    );
    m.input("#conn-name", "Billing");
    m.input("#conn-field-url", "http://plain.example.com");
    m.input("#conn-field-auth_scheme", "bearer");
    until("the bearer field", || m.exists("#conn-field-bearer_token")).await;
    m.submit("#connection-form");
    until("field errors", || {
        m.all_text(".field-error")
            .iter()
            .any(|t| t.contains("https://"))
    })
    .await;
    assert!(
        m.all_text(".field-error")
            .iter()
            .any(|t| t.contains("Bearer token is required"))
    );
    assert!(
        sent(&requests, Method::Post, "/api/v1/connections").is_empty(),
        "invalid input never leaves the page"
    );
    assert_eq!(
        m.el::<web_sys::HtmlInputElement>("#conn-name").value(),
        "Billing",
        "typed input stays"
    );
    // Delete: 409 -> explanation + force delete, which sends force_delete. (A real confirm
    // dialog would block the headless browser; the user's "OK" is stood in for.)
    common::js("window.confirm = () => true");
    m.click(".delete-connection");
    until("the conflict", || m.exists(".force-delete")).await;
    assert!(
        m.text(".conflict-row")
            .unwrap()
            .contains("1 active rule uses this connection")
    );
    m.click(".force-delete");
    until("the forced delete", || {
        sent(&requests, Method::Delete, "/connections/c1").len() == 2
    })
    .await;
    let bodies = sent(&requests, Method::Delete, "/connections/c1");
    assert_eq!(bodies[0], None);
    assert_eq!(bodies[1].as_deref(), Some(r#"{"force_delete":true}"#));
}

const RULE: &str = r#"{"id":"r1","connection":"c1","workspace":"w","type":"webhook","event":"deal.won","metadata":{"action":"send_webhook"},"active":true,"hidden":false,"created_by":"seed","created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z"}"#;

fn rule_routes() -> Vec<(&'static str, Vec<(u16, String)>)> {
    vec![
        (
            "/rules/r1/test",
            vec![(201, format!(r#"{{"event":{}}}"#, event("e9", "pending")))],
        ),
        ("/integrations", vec![ok(&page(&[WEBHOOK.into()]))]),
        ("/event-types", vec![ok("[]")]),
        ("/resources", vec![ok("[]")]),
        ("/connections", vec![ok(&page(&[CONN.into()]))]),
        ("/rules?", vec![ok(&page(&[RULE.into()]))]),
    ]
}

#[wasm_bindgen_test]
async fn rules_test_event_validates_json_before_sending() {
    let (m, requests) = authed("/workspace/rules", Role::Admin, vec![], rule_routes()).await;
    until("the rule row", || m.exists("tr[data-rule-id='r1']")).await;
    assert!(
        m.text("tr[data-rule-id='r1']")
            .unwrap()
            .contains("Send webhook"),
        "actions read as their catalog label"
    );
    assert!(!m.exists(".delete-rule"), "admins do not delete");
    m.click(".test-rule");
    until("the editor", || m.exists(".test-payload")).await;
    m.input(".test-payload", "{\"email\": ");
    until("the JSON error", || {
        m.text(".test-event .field-error")
            .is_some_and(|t| t.contains("Not valid JSON"))
    })
    .await;
    assert!(m.el::<web_sys::HtmlButtonElement>(".send-test").disabled());
    m.input(".test-payload", "[1]");
    until("the object error", || {
        m.text(".test-event .field-error")
            .is_some_and(|t| t.contains("must be a JSON object"))
    })
    .await;
    m.input(".test-payload", r#"{"email":"a@example.com"}"#);
    until("send enabled", || {
        !m.el::<web_sys::HtmlButtonElement>(".send-test").disabled()
    })
    .await;
    m.click(".send-test");
    until("the link to the event", || {
        m.exists(".test-event a[href='/workspace/events/e9']")
    })
    .await;
    assert_eq!(
        sent(&requests, Method::Post, "/rules/r1/test"),
        vec![Some(r#"{"payload":{"email":"a@example.com"}}"#.into())]
    );
}

#[wasm_bindgen_test]
async fn rules_members_see_the_list_but_no_controls() {
    let (m, _) = authed("/workspace/rules", Role::Member, vec![], rule_routes()).await;
    until("the rule row", || m.exists("tr[data-rule-id='r1']")).await;
    assert!(!m.exists("#new-rule") && !m.exists(".test-rule") && !m.exists(".delete-rule"));
    assert!(m.el::<web_sys::HtmlInputElement>(".rule-active").disabled());
    assert!(
        m.text(".note")
            .unwrap()
            .contains("You're signed in as member")
    );
}

const CATALOG: &str = r#"{"id":"fc1","workspace_id":"w","connection_id":"c1","integration_type":"webhook","catalog_version":3,"refreshed_at":"2026-11-20T10:00:00Z","created_by":null,"created_at":"2026-11-20T10:00:00Z","updated_at":"2026-11-20T10:00:00Z","fields":[{"key":"email","label":"Email","type":"string","constraints":{"required":true}},{"key":"amount","label":"Amount","type":"number"}]}"#;

fn mapping(version: u32, dest: &str) -> String {
    format!(
        r#"{{"status":"stored","mapping":{{"id":"m1","mapping_id":"default","version":{version},"workspace_id":"w","connection_id":"c1","integration_type":"webhook","name":"Default mapping","schema":{{"schema_version":1,"fields":[{{"dest":"{dest}","source":{{"type":"path","value":"{dest}"}},"on_error":"skip_field"}}]}},"created_at":"2026-11-20T10:00:00Z","updated_at":"2026-11-20T10:00:00Z"}}}}"#
    )
}

#[wasm_bindgen_test]
async fn mapping_conflict_keeps_my_rows_and_saves_on_the_newer_version() {
    let conflict = (409, r#"{"message":"Conflict","error":{"name":"VersionConflict","message":"The mapping changed"}}"#.to_owned());
    let (m, requests) = authed(
        "/workspace/connections/c1/mappings",
        Role::Admin,
        vec![],
        vec![
            ("/fields", vec![ok(CATALOG)]),
            (
                "/mappings/default",
                vec![
                    ok(&mapping(2, "email")),
                    conflict,
                    ok(&mapping(3, "amount")),
                    ok(&mapping(4, "email")),
                ],
            ),
            ("/connections/c1", vec![ok(CONN)]),
        ],
    )
    .await;
    until("the rows", || m.exists(".mapping-row")).await;
    // A bad path is caught before sending.
    m.input(".map-source", "user..name");
    m.submit("#mapping-form");
    until("the path error", || {
        m.all_text(".field-error")
            .iter()
            .any(|t| t.contains("payload path"))
    })
    .await;
    assert!(sent(&requests, Method::Put, "/mappings/default").is_empty());
    m.input(".map-source", "user.email");
    m.submit("#mapping-form");
    until("the conflict panel", || m.exists("#mapping-conflict")).await;
    assert!(m.text("#mapping-conflict").unwrap().contains("version 3"));
    assert!(
        m.text("#mapping-conflict")
            .unwrap()
            .contains("amount ← amount")
    );
    m.click("#reapply");
    assert_eq!(
        m.el::<web_sys::HtmlInputElement>(".map-source").value(),
        "user.email",
        "my change is kept"
    );
    m.submit("#mapping-form");
    until("the saved notice", || {
        m.text(".notice-ok")
            .is_some_and(|t| t.contains("version 4"))
    })
    .await;
    let puts = sent(&requests, Method::Put, "/mappings/default");
    assert_eq!(puts.len(), 2);
    assert!(
        puts[0]
            .as_deref()
            .unwrap()
            .contains(r#""expected_version":2"#)
    );
    assert!(
        puts[1]
            .as_deref()
            .unwrap()
            .contains(r#""expected_version":3"#),
        "{:?}",
        puts[1]
    );
    assert!(puts[1].as_deref().unwrap().contains("user.email"));
}
