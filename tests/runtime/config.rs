//! Connections and rules: the pages that change configuration (mappings: `mappings.rs`).

use super::*;
use crate::common::{self, connection, delivery, oauth_app, ok, refusal, rule, until, webhook};
use gloo_timers::future::TimeoutFuture;
use meshes_protocol::api::{Connection, ConnectionDeleted, EventCreated};
use wasm_bindgen_test::*;

/// The webhook `c1` ("Orders") and the OAuth connection `c2` ("CRM").
pub fn connections() -> [Connection; 2] {
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

/// The test event as the page follows it: a failed attempt being retried, then failed for good.
fn test_event_reads() -> Vec<(u16, String)> {
    let read = |status, failed| {
        let mut e = event("e9", status);
        e.failed_count = Some(failed);
        let mut d = delivery("e9", "r1", "c1", status);
        d.last_error = Some("HTTP 503".into());
        e.rule_events = Some(vec![d]);
        ok(&json(&e))
    };
    vec![read(Status::Retrying, 0), read(Status::Failed, 1)]
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
        ("/events/e9", test_event_reads()),
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
    // The delivery's outcome follows inline, as it happens: never "delivered" for a 503.
    until("the retry", || {
        m.text(".test-outcome")
            .is_some_and(|t| t.contains("Attempt 1 failed (HTTP 503); retrying."))
    })
    .await;
    until("the end", || {
        m.text(".test-outcome")
            .is_some_and(|t| t.contains("Failed") && t.contains("Not delivered: HTTP 503"))
    })
    .await;
    let reads = common::count(&requests, "/events/e9");
    TimeoutFuture::new(3_500).await;
    assert_eq!(
        common::count(&requests, "/events/e9"),
        reads,
        "no reads once it ended"
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
