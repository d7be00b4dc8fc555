//! Connections, rules and mappings: the pages that change configuration.

use super::*;
use crate::common::{self, ok, until};
use wasm_bindgen_test::*;

const CONN: &str = r#"{"id":"c1","workspace":"w","type":"webhook","name":"Orders","metadata":{"url":"https://x.example.com"},"active":true,"hidden":false,"created_by":"seed","created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z"}"#;
const OAUTH_CONN: &str = r#"{"id":"c2","workspace":"w","type":"hubspot","name":"CRM","metadata":{},"active":true,"hidden":false,"created_by":"seed","created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z"}"#;
const HUBSPOT: &str = r#"{"name":"HubSpot","type":"hubspot","authentication":{"type":"oauth","oauth":{"version":2}},"actions":{}}"#;
const WEBHOOK: &str = r#"{"name":"Webhook","type":"webhook","authentication":{"type":"none","fields":[{"label":"Endpoint URL","key":"url","type":"text","required":true,"validate":"url"},{"label":"Authentication","key":"auth_scheme","type":"select","required":true,"defaultValue":"none","options":[{"label":"None","value":"none"},{"label":"Bearer token","value":"bearer"}]},{"label":"Bearer token","key":"bearer_token","type":"password","required":true,"dependsOn":{"field":"auth_scheme","value":"bearer"}}]},"actions":{"send_webhook":{"key":"send_webhook","label":"Send webhook","noun":"webhook","fields":[]}}}"#;

#[wasm_bindgen_test]
async fn connection_form_checks_before_sending_and_delete_offers_force_on_409() {
    let (m, requests) = authed("/workspace/connections", Role::Owner, vec![], vec![
        ("/integrations", vec![ok(&page(&[HUBSPOT.into(), WEBHOOK.into()]))]),
        ("/connections/c1", vec![(409, r#"{"message":"Conflict","error":{"name":"ConnectionInUse","message":"1 active rule uses this connection. Delete those rules first, or force delete to remove the connection and its rules together."}}"#.into()), ok(r#"{"id":"c1","type":"webhook"}"#)]),
        ("/connections", vec![ok(&page(&[CONN.into(), OAUTH_CONN.into()]))]),
    ]).await;
    until("the catalog decides which rows are editable", || {
        m.exists("tr[data-connection-id='c1'] .edit-connection")
    })
    .await;
    assert!(
        !m.exists("tr[data-connection-id='c2'] .edit-connection"),
        "OAuth connections have no credentials form"
    );
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
    // Delete asks in the page (never window.confirm, which sandboxed hosts silence): "Keep"
    // sends nothing; confirming gets the 409 -> explanation + force delete with force_delete.
    common::js("window.confirm = () => { throw new Error('window.confirm used') }");
    m.click(".delete-connection");
    until("focus on the safe choice", || {
        common::js("document.activeElement?.classList.contains('confirm-no') === true").as_bool()
            == Some(true)
    })
    .await;
    m.click(".confirm-no");
    until("the button back", || m.exists(".delete-connection")).await;
    assert!(sent(&requests, Method::Delete, "/connections/c1").is_empty());
    m.click(".delete-connection");
    until("the question", || m.exists(".confirm-yes")).await;
    m.click(".confirm-yes");
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

/// The rules list names connections from the catalogs: it waits for them rather than showing
/// ids and being built again with names.
#[wasm_bindgen_test]
async fn the_rules_list_waits_for_the_connection_names() {
    let (t, _) = common::fake(rule_routes());
    let t = common::delayed(t, "/connections", 500, Default::default());
    let m = common::mount_ctx("/workspace/rules", common::ctx_as(Role::Admin, vec![]), t);
    assert!(m.api.accept_auth(jwt(SID)).await);
    let rows = || m.exists("tr[data-rule-id='r1']");
    gloo_timers::future::TimeoutFuture::new(250).await;
    assert!(!rows(), "no rows before the names");
    assert!(m.exists(".skeleton"));
    until("the rule row", rows).await;
    let row = m.text("tr[data-rule-id='r1']").unwrap_or_default();
    assert!(row.contains("Orders") && !row.contains("c1"), "{row}");
}
