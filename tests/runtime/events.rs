//! The Events list: filters in the URL, live rows, empty and forbidden states, long lists.

use super::*;
use crate::common::{self, ok, status, until, until_ms};
use meshes_protocol::api::Event;
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
                vec![
                    ok(&json(&event("e1", Status::Pending))),
                    ok(&json(&event("e1", Status::Completed))),
                ],
            ),
            ("/event-types", vec![ok("[]")]),
            (
                "/events?",
                vec![ok(&page_of(&[event("e1", Status::Pending)]))],
            ),
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
            ("/events?", vec![ok(&page_of::<Event>(&[]))]),
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

/// A long list is built in steps (never one long task), all of it arrives, and the host hears
/// its size once, when the last step is in.
#[wasm_bindgen_test]
async fn a_long_list_arrives_in_steps_and_the_host_hears_its_size_once() {
    let events: Vec<Event> = (0..40)
        .map(|i| event(&format!("e{i}"), Status::Completed))
        .collect();
    let (m, _) = authed(
        "/workspace/events?session=sess_test",
        Role::Member,
        vec![],
        vec![
            ("/event-types", vec![ok("[]")]),
            ("/events?", vec![ok(&page_of(&events))]),
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
    let list: Vec<Event> = ids.iter().map(|id| event(id, Status::Pending)).collect();
    let (t, requests) = common::fake(vec![
        (
            "/events/e1",
            vec![ok(&json(&event("e1", Status::Completed)))],
        ),
        (
            "/events/e2",
            vec![ok(&json(&event("e2", Status::Completed)))],
        ),
        (
            "/events/e3",
            vec![ok(&json(&event("e3", Status::Completed)))],
        ),
        ("/event-types", vec![ok("[]")]),
        ("/events?", vec![ok(&page_of(&list))]),
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
