//! The mapping editor: version conflicts, the sample preview, and the leave guard.

use super::*;
use crate::common::{field_catalog, mapping, ok, refusal, until};
use crate::config::connections;
use gloo_timers::future::TimeoutFuture;
use meshes_protocol::api::Event;
use meshes_protocol::message::NavigateRefusal;
use meshes_protocol::{EmbedMessage, HostMessage};
use wasm_bindgen_test::*;

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
    // Each side of the arrow is a bidi isolate (so it reads right in Arabic too).
    assert!(
        m.text("#mapping-conflict")
            .unwrap()
            .contains("\u{2068}amount\u{2069} ← \u{2068}amount\u{2069}")
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

#[wasm_bindgen_test]
async fn unsaved_mapping_changes_hold_navigation_until_the_user_says() {
    let (m, _) = authed(
        "/workspace/connections/c1/mappings",
        Role::Admin,
        vec![],
        vec![
            ("/fields", vec![ok(&json(&field_catalog()))]),
            ("/mappings/default", vec![ok(&json(&mapping(2, "email")))]),
            ("/connections/c1", vec![ok(&json(&connections()[0]))]),
        ],
    )
    .await;
    until("the rows", || m.exists(".mapping-row")).await;
    // The sample offers its paths to the source fields, and the result follows the rows.
    until("the preview", || {
        m.text("#mapping-result")
            .is_some_and(|t| t.contains("\"email\""))
    })
    .await;
    assert!(m.exists("#payload-paths option[value='user.plan']"));
    let path = || crate::common::window().location().pathname().unwrap();
    // Untouched: navigation goes through.
    m.click("nav a[href*='/workspace/rules']");
    until("on Rules", || {
        path() == "/workspace/rules" && !m.exists(".mapping-row")
    })
    .await;
    crate::common::window().history().unwrap().back().unwrap();
    until("back on the mapping", || m.exists(".mapping-row")).await;
    m.input(".map-source", "user.plan");
    until("the preview follows", || {
        m.text("#mapping-result").is_some_and(|t| t.contains("pro"))
    })
    .await;
    m.click("nav a[href*='/workspace/rules']");
    until("the leave guard", || m.exists("#leave-guard")).await;
    assert!(path().ends_with("/mappings"), "the page stays: {}", path());
    m.click("#leave-guard .btn:not(.btn-danger)");
    until("stayed", || !m.exists("#leave-guard")).await;
    assert_eq!(
        m.el::<web_sys::HtmlInputElement>(".map-source").value(),
        "user.plan",
        "and the change is still there"
    );
    // The browser's Forward (Rules is still ahead in the history) is held too: the page and
    // its URL stay, and "Leave anyway" goes where Forward pointed.
    crate::common::window()
        .history()
        .unwrap()
        .forward()
        .unwrap();
    until("the guard for Forward", || m.exists("#leave-anyway")).await;
    TimeoutFuture::new(100).await;
    assert!(path().ends_with("/mappings"), "the URL stays: {}", path());
    assert!(m.exists(".mapping-row"));
    // The host asking for another page meanwhile is told the user is deciding; it does not
    // replace where the user was going.
    meshes_embed::host::receive(
        m.api,
        HostMessage::NavigateTo {
            path: "/workspace/events".into(),
        },
    );
    until("the host told", || {
        m.posted(&EmbedMessage::NavigateRefused {
            path: "/workspace/events".into(),
            reason: NavigateRefusal::Busy,
        })
    })
    .await;
    m.click("#leave-anyway");
    until("left", || {
        path() == "/workspace/rules" && !m.exists(".mapping-row")
    })
    .await;
}

#[wasm_bindgen_test]
async fn a_mapping_sample_comes_from_the_last_event_sent_there() {
    let mut last = event("e5", Status::Completed);
    last.payload = Some(serde_json::json!({"email": "b@x.test", "user": {"plan": "enterprise"}}));
    let (m, requests) = authed(
        "/workspace/connections/c1/mappings",
        Role::Admin,
        vec![Scope::EventsPayloadRead],
        vec![
            ("/fields", vec![ok(&json(&field_catalog()))]),
            ("/mappings/default", vec![ok(&json(&mapping(2, "email")))]),
            ("/connections/c1", vec![ok(&json(&connections()[0]))]),
            ("/events/e5", vec![ok(&json(&last))]),
            (
                "/events?",
                vec![
                    ok(&page_of(std::slice::from_ref(&last))),
                    ok(&page_of::<Event>(&[])),
                ],
            ),
        ],
    )
    .await;
    until("the preview", || m.exists("#mapping-use-last")).await;
    m.click("#mapping-use-last");
    until("the event's payload as the sample", || {
        m.el::<web_sys::HtmlTextAreaElement>("#mapping-sample")
            .value()
            .contains("enterprise")
    })
    .await;
    let list = sent(&requests, Method::Get, "/events?");
    let asked = requests
        .lock()
        .unwrap()
        .iter()
        .find(|r| r.path.contains("/events?"))
        .map(|r| r.path.clone())
        .unwrap();
    assert!(
        asked.contains("connection=c1") && asked.contains("limit=1"),
        "{asked}"
    );
    assert_eq!(list.len(), 1);
    until("the result from it", || {
        m.text("#mapping-result")
            .is_some_and(|t| t.contains("b@x.test"))
    })
    .await;
    // Nothing delivered (any more): said, and the sample stays.
    m.click("#mapping-use-last");
    until("the note", || {
        m.text("#mapping-preview .help")
            .is_some_and(|t| t.contains("No event has been delivered"))
    })
    .await;
    assert!(
        m.el::<web_sys::HtmlTextAreaElement>("#mapping-sample")
            .value()
            .contains("enterprise")
    );
}
