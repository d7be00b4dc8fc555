//! Connections, rules and mappings: the pages that change configuration.

use super::*;
use crate::common::{
    self, connection, field_catalog, mapping, oauth_app, ok, refusal, rule, until, webhook,
};
use meshes_protocol::api::{Connection, ConnectionDeleted, EventCreated};
use wasm_bindgen_test::*;

/// The webhook `c1` ("Orders") and the OAuth connection `c2` ("CRM").
fn connections() -> [Connection; 2] {
    let mut orders = connection("c1", "webhook", "Orders");
    orders
        .metadata
        .insert("url".into(), "https://x.example.com".into());
    [orders, connection("c2", "hubspot", "CRM")]
}

#[wasm_bindgen_test]
async fn connection_form_checks_before_sending_and_delete_offers_force_on_409() {
    let (m, requests) = authed("/workspace/connections", Role::Owner, vec![], vec![
        ("/integrations", vec![ok(&page_of(&[oauth_app("hubspot", "HubSpot"), webhook(true)]))]),
        ("/connections/c1", vec![
            (409, refusal("Conflict", "ConnectionInUse", "1 active rule uses this connection. Delete those rules first, or force delete to remove the connection and its rules together.")),
            ok(&json(&ConnectionDeleted { id: "c1".into(), kind: "webhook".into() })),
        ]),
        ("/connections", vec![ok(&page_of(&connections()))]),
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

fn rule_routes() -> Vec<(&'static str, Vec<(u16, String)>)> {
    vec![
        (
            "/rules/r1/test",
            vec![(
                201,
                json(&EventCreated {
                    event: event("e9", Status::Pending),
                }),
            )],
        ),
        ("/integrations", vec![ok(&page_of(&[webhook(true)]))]),
        ("/event-types", vec![ok("[]")]),
        ("/resources", vec![ok("[]")]),
        ("/connections", vec![ok(&page_of(&connections()[..1]))]),
        ("/rules?", vec![ok(&page_of(&[rule("r1")]))]),
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

#[wasm_bindgen_test]
async fn mapping_conflict_keeps_my_rows_and_saves_on_the_newer_version() {
    let conflict = (
        409,
        refusal("Conflict", "VersionConflict", "The mapping changed"),
    );
    let (m, requests) = authed(
        "/workspace/connections/c1/mappings",
        Role::Admin,
        vec![],
        vec![
            ("/fields", vec![ok(&json(&field_catalog()))]),
            (
                "/mappings/default",
                vec![
                    ok(&json(&mapping(2, "email"))),
                    conflict,
                    ok(&json(&mapping(3, "amount"))),
                    ok(&json(&mapping(4, "email"))),
                ],
            ),
            ("/connections/c1", vec![ok(&json(&connections()[0]))]),
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
