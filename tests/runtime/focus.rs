//! Where focus goes and what the host is asked to show: a form opens under the row that asked
//! for it and takes focus, Escape and Keep give focus back, a failed submit lands on the first
//! field in error, a 409 offers the safe choice first. History names connections, never ids.

use super::*;
use crate::common::{self, connection, delivery, js, ok, refusal, rule, until, webhook};
use meshes_protocol::EmbedMessage;
use meshes_protocol::api::{Connection, ConnectionState, Event, Integration, Rule};

const ROW2: &str = "tr[data-connection-id='c2']";

/// The Connections page of an admin with two webhook connections; deleting `c2` answers 409.
async fn connections_page() -> Mounted {
    let list: [Connection; 2] = [
        connection("c1", "webhook", "First Hook"),
        connection("c2", "webhook", "Second Hook"),
    ];
    let conflict = refusal(
        "Conflict",
        "connection",
        "This connection is used by 1 active rule.",
    );
    let (m, _) = authed(
        "/workspace/connections",
        Role::Owner,
        vec![],
        vec![
            (
                "/integrations",
                vec![ok(&page_of::<Integration>(&[webhook(true)]))],
            ),
            ("/connections/c2", vec![(409, conflict)]),
            (
                "/rules",
                vec![ok(&page_of(&[Rule {
                    connection: "c2".into(),
                    ..rule("r1")
                }]))],
            ),
            ("/connections", vec![ok(&page_of(&list))]),
        ],
    )
    .await;
    until("the rows", || m.exists(&format!("{ROW2} .edit-connection"))).await;
    m
}

/// Does the focused element match `css`?
fn focused(css: &str) -> bool {
    js(&format!(
        "document.activeElement?.matches({}) ?? false",
        serde_json::to_string(css).unwrap()
    ))
    .as_bool()
    .unwrap()
}

fn press_escape() {
    js(
        "document.activeElement.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape', bubbles: true}))",
    );
}

fn scrolls(m: &Mounted) -> usize {
    m.posted
        .lock()
        .unwrap()
        .iter()
        .filter(|p| matches!(p, EmbedMessage::ScrollIntoView { .. }))
        .count()
}

#[wasm_bindgen_test]
async fn edit_opens_under_its_row_and_escape_gives_focus_back() {
    let m = connections_page().await;
    m.click(&format!("{ROW2} .edit-connection"));
    until("the form under its row", || {
        m.exists(&format!("{ROW2} + tr.edit-row #connection-form"))
    })
    .await;
    until("focus on its first field", || focused("#conn-name")).await;
    until("the host asked to show it", || scrolls(&m) > 0).await;
    assert_eq!(
        m.el::<web_sys::Element>(&format!("{ROW2} .edit-connection"))
            .get_attribute("aria-label")
            .as_deref(),
        Some("Edit Second Hook"),
        "a repeated button says which row it acts on"
    );
    press_escape();
    until("the form closed", || !m.exists("#connection-form")).await;
    until("focus back on the Edit that opened it", || {
        focused(&format!("{ROW2} .edit-connection"))
    })
    .await;
}

#[wasm_bindgen_test]
async fn a_failed_submit_lands_on_the_first_field_in_error() {
    let m = connections_page().await;
    m.click("#new-connection");
    until("the new form", || m.exists("#connection-form")).await;
    assert!(
        !m.exists("tr.edit-row"),
        "a new connection's form opens under the toolbar, not in a row"
    );
    until("focus in the form", || {
        focused("#connection-form select, #connection-form input")
    })
    .await;
    let before = scrolls(&m);
    m.submit("#connection-form");
    until("focus on the name, the first field in error", || {
        focused("#conn-name")
    })
    .await;
    let name: web_sys::Element = m.el("#conn-name");
    assert_eq!(name.get_attribute("aria-invalid").as_deref(), Some("true"));
    let described = name.get_attribute("aria-describedby").unwrap();
    assert!(
        !m.text(&format!("#{described}")).unwrap().is_empty(),
        "the field names its message"
    );
    until("the host asked to show the error", || scrolls(&m) > before).await;
    // Cancel gives focus back to the button that opened the form.
    m.click("#connection-form .form-actions .btn:not(.btn-primary)");
    until("focus back on New connection", || {
        focused("#new-connection")
    })
    .await;
}

#[wasm_bindgen_test]
async fn confirmations_and_the_409_keep_focus_where_the_user_is() {
    let m = connections_page().await;
    let delete = format!("{ROW2} .delete-connection");
    m.click(&delete);
    until("the confirmation, Keep first", || focused(".confirm-no")).await;
    press_escape();
    until("focus back on Delete after Escape", || focused(&delete)).await;
    m.click(&delete);
    until("asked again", || m.exists(".confirm-yes")).await;
    m.click(".confirm-yes");
    until("the 409's safe choice takes focus", || {
        focused("[data-conflict-for='c2'] .keep-connection")
    })
    .await;
    until("the panel names the rules that use it", || {
        m.text(".conflict-rules")
            .is_some_and(|t| t.contains("Rule for deal.won"))
    })
    .await;
    m.click("[data-conflict-for='c2'] .keep-connection");
    until("focus back on Delete after Keep it", || focused(&delete)).await;
}

#[wasm_bindgen_test]
async fn history_names_deleted_and_hidden_connections_never_by_id() {
    let mut gone = delivery("e1", "r1", "c-gone-8836", Status::Failed);
    gone.connection_name = Some("Reject hook".into());
    gone.connection_state = Some(ConnectionState::Deleted);
    let mut hidden = delivery("e1", "r2", "c-hidden-1340", Status::Completed);
    hidden.connection_state = Some(ConnectionState::Hidden);
    let detail = json(&Event {
        rule_events: Some(vec![gone, hidden]),
        ..event("e1", Status::Failed)
    });
    let (m, _) = authed(
        "/workspace/events/e1",
        Role::Admin,
        vec![],
        vec![
            ("/connections", vec![ok(&page_of::<Connection>(&[]))]),
            ("/events/e1", vec![ok(&detail)]),
        ],
    )
    .await;
    until("the deliveries", || m.exists("tr[data-rule-id='r2']")).await;
    let text = m.text("#deliveries").unwrap();
    assert!(text.contains("Reject hook (deleted)"), "{text}");
    assert!(text.contains("Webhook connection (hidden)"), "{text}");
    assert!(
        !text.contains("c-gone") && !text.contains("c-hidden"),
        "{text}"
    );
}

#[wasm_bindgen_test]
async fn a_range_that_ends_before_it_starts_is_caught_at_to() {
    let (m, requests) = authed(
        "/workspace/events",
        Role::Member,
        vec![],
        vec![
            ("/event-types", vec![ok("[]")]),
            ("/events?", vec![ok(&page_of::<Event>(&[]))]),
        ],
    )
    .await;
    until("the filters", || m.exists("#filter-until")).await;
    m.input("#filter-since", "2026-05-02T10:00");
    m.input("#filter-until", "2026-05-01T10:00");
    let reads = || {
        requests
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.path.contains("/events?"))
            .count()
    };
    let before = reads();
    m.submit("#event-filters");
    until("the range error at To", || focused("#filter-until")).await;
    let to: web_sys::Element = m.el("#filter-until");
    assert_eq!(to.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert!(m.text("#filter-until-error").unwrap().contains("before"));
    assert_eq!(reads(), before, "nothing was asked for");
    assert!(
        !common::window()
            .location()
            .search()
            .unwrap()
            .contains("until")
    );
}
