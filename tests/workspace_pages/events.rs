//! Events list and event detail.

use super::*;
use crate::common::{self, ok, status, until, until_ms};
use meshes_protocol::{EmbedMessage, EmbedPage};
use wasm_bindgen_test::*;

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

/// "Copied" only when the clipboard took the id; when a frame may not write to it, the id is
/// selected and the hint says how to copy it by hand.
#[wasm_bindgen_test]
async fn copying_an_id_reports_what_really_happened() {
    let stub = |outcome: &str| {
        common::js(&format!(
            "Object.defineProperty(navigator, 'clipboard', {{ configurable: true, value: \
             {{ writeText: (t) => {{ window.__clip = t; return Promise.{outcome}(); }} }} }})"
        ));
    };
    let (m, _) = authed(
        "/workspace/events/e1",
        Role::Member,
        vec![],
        vec![
            ("/connections", vec![ok(&page(&[]))]),
            ("/events/e1", vec![ok(&detail("failed", false))]),
        ],
    )
    .await;
    until("the event id", || m.exists(".copy-id button")).await;
    stub("reject");
    m.click(".copy-id button");
    until("the hint", || {
        m.text(".copy-hint").is_some_and(|t| !t.is_empty())
    })
    .await;
    assert!(m.text(".copy-hint").unwrap().contains("press Ctrl+C"));
    assert_eq!(
        m.text(".copy-id button").unwrap(),
        "Copy",
        "never a false \"Copied\""
    );
    let selected = common::js("String(getSelection())");
    assert_eq!(selected.as_string().as_deref(), Some("e1"));
    stub("resolve");
    m.click(".copy-id button");
    until("Copied", || {
        m.text(".copy-id button").as_deref() == Some("Copied")
    })
    .await;
    assert_eq!(
        common::js("window.__clip").as_string().as_deref(),
        Some("e1")
    );
    assert_eq!(m.text(".copy-hint").unwrap_or_default(), "");
}

/// A long list is built in steps (never one long task), all of it arrives, and the host hears
/// its size once, when the last step is in.
#[wasm_bindgen_test]
async fn a_long_list_arrives_in_steps_and_the_host_hears_its_size_once() {
    let events: Vec<String> = (0..40)
        .map(|i| event(&format!("e{i}"), "completed"))
        .collect();
    let (m, _) = authed(
        "/workspace/events?session=sess_test",
        Role::Member,
        vec![],
        vec![
            ("/event-types", vec![ok("[]")]),
            ("/events?", vec![ok(&page(&events))]),
        ],
    )
    .await;
    let rows = || m.all_text("#events-table tbody tr").len();
    until("the first rows", || rows() > 0).await;
    until("every row", || rows() == 40).await;
    assert!(m.exists("tr[data-event-id='e39']"), "the last row too");
    until("a resize", || m.resizes() > 0).await;
    gloo_timers::future::TimeoutFuture::new(300).await;
    assert_eq!(
        m.resizes(),
        1,
        "one resize for the whole list, not one per step"
    );
}

/// Unfinished rows are re-read one request at a time (each answer its own small task, no burst
/// on the API), and every one of them is brought up to date.
#[wasm_bindgen_test]
async fn live_rows_are_reread_one_at_a_time() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let ids = ["e1", "e2", "e3"];
    let list: Vec<String> = ids.iter().map(|id| event(id, "pending")).collect();
    let (t, requests) = common::fake(vec![
        ("/events/e1", vec![ok(&event("e1", "completed"))]),
        ("/events/e2", vec![ok(&event("e2", "completed"))]),
        ("/events/e3", vec![ok(&event("e3", "completed"))]),
        ("/event-types", vec![ok("[]")]),
        ("/events?", vec![ok(&page(&list))]),
    ]);
    let in_flight = Arc::new(AtomicUsize::new(0));
    let t = common::delayed(t, "/events/e", 150, in_flight.clone());
    let m = common::mount_ctx("/workspace/events", common::ctx_as(Role::Member, vec![]), t);
    assert!(m.api.accept_auth(jwt(SID)).await);
    until("the rows", || {
        m.all_text("#events-table tbody tr").len() == 3
    })
    .await;
    let most = Arc::new(AtomicUsize::new(0));
    let watch = {
        let (most, in_flight) = (most.clone(), in_flight.clone());
        leptos::prelude::set_interval_with_handle(
            move || {
                most.fetch_max(in_flight.load(Ordering::SeqCst), Ordering::SeqCst);
            },
            std::time::Duration::from_millis(20),
        )
        .unwrap()
    };
    common::until_ms("every row re-read and updated", 8000, || {
        ids.iter().all(|id| {
            m.exists(&format!(
                "tr[data-event-id='{id}'][data-status='completed']"
            ))
        })
    })
    .await;
    watch.clear();
    assert_eq!(common::count(&requests, "/events/e"), 3, "one read per row");
    assert_eq!(most.load(Ordering::SeqCst), 1, "never two re-reads at once");
}
