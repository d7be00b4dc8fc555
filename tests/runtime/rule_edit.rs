//! Editing a rule in place: the form opens under its row with the rule's values, keeps its
//! connection, sends the whole edit (a cleared filter as `null`), and the row shows the result.

use super::*;
use crate::common::{connection, ok, rule, until, webhook};
use meshes_protocol::api::{CatalogEntry, Connection, EditRule, Integration, Rule};

fn entry(key: &str) -> CatalogEntry {
    CatalogEntry {
        id: format!("et_{key}"),
        key: key.into(),
        label: key.into(),
        description: None,
        active: None,
        created_by: None,
        created_at: "2026-05-01T10:00:00Z".into(),
        updated_at: "2026-05-01T10:00:00Z".into(),
    }
}

#[wasm_bindgen_test]
async fn a_rule_is_edited_under_its_row() {
    let before = Rule {
        resource: Some("deal".into()),
        ..rule("r1")
    };
    let after = Rule {
        event: "invoice.paid".into(),
        resource: None,
        updated_at: "2026-05-02T10:00:00Z".into(),
        ..rule("r1")
    };
    let (m, requests) = authed(
        "/workspace/rules",
        Role::Admin,
        vec![],
        vec![
            ("/rules/r1", vec![ok(&json(&after))]),
            ("/rules", vec![ok(&page_of(&[before]))]),
            ("/connections/c1/actions", vec![ok("{}")]),
            (
                "/connections",
                vec![ok(&page_of::<Connection>(&[connection(
                    "c1",
                    "webhook",
                    "Billing Hook",
                )]))],
            ),
            (
                "/integrations",
                vec![ok(&page_of::<Integration>(&[webhook(true)]))],
            ),
            (
                "/event-types",
                vec![ok(&json(&[entry("deal.won"), entry("invoice.paid")]))],
            ),
            ("/resources", vec![ok(&json(&[entry("deal")]))]),
        ],
    )
    .await;
    until("the rule", || m.exists("tr[data-rule-id='r1'] .edit-rule")).await;
    m.click("tr[data-rule-id='r1'] .edit-rule");
    until("its form under the row", || {
        m.exists("tr[data-rule-id='r1'] + tr.edit-row #rule-form")
    })
    .await;
    let event: web_sys::HtmlSelectElement = m.el("#rule-event");
    until("the rule's values", || event.value() == "deal.won").await;
    let conn: web_sys::HtmlSelectElement = m.el("#rule-connection");
    assert!(conn.disabled(), "an edit keeps its connection");
    assert_eq!(
        m.el::<web_sys::HtmlSelectElement>("#rule-resource").value(),
        "deal"
    );
    m.input("#rule-event", "invoice.paid");
    m.input("#rule-resource", "");
    m.submit("#rule-form");
    until("the row shows the edit", || {
        m.text("tr[data-rule-id='r1']")
            .is_some_and(|t| t.contains("invoice.paid"))
    })
    .await;
    let sent = sent(&requests, Method::Patch, "/rules/r1");
    let body: EditRule = serde_json::from_str(sent[0].as_deref().unwrap()).unwrap();
    assert_eq!(body.event, "invoice.paid");
    assert_eq!(body.resource, None);
    assert_eq!(body.metadata.get("action").unwrap(), "send_webhook");
    assert!(
        sent[0].as_deref().unwrap().contains("\"resource\":null"),
        "a cleared filter is sent as null, so it is cleared"
    );
    assert!(!m.exists("#rule-form"));
    assert!(m.text(".notice-ok").unwrap().contains("Rule saved"));
}
