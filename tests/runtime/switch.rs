//! Moving between pages (decision 72): the click that takes the old page down does not also
//! build the new one, so neither lands in one long task on a slow phone.

use super::*;
use crate::common::{ok, status, until};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

fn heading(m: &Mounted) -> Option<String> {
    m.text(".ws-main .page-header h1")
}

#[wasm_bindgen_test]
async fn a_page_switch_builds_the_new_page_in_a_task_of_its_own() {
    let (m, _) = authed(
        "/workspace/dashboard",
        Role::Owner,
        vec![],
        vec![
            ("/dashboard", vec![status(500)]),
            (
                "/events",
                vec![ok(&page_of(&[event("e1", Status::Completed)]))],
            ),
        ],
    )
    .await;
    until("the dashboard", || {
        heading(&m).as_deref() == Some("Dashboard")
    })
    .await;
    let link: web_sys::HtmlElement = m
        .root
        .query_selector(".ws-nav a[href^='/workspace/events']")
        .unwrap()
        .unwrap()
        .unchecked_into();
    link.click();
    // Everything the click set off within its own task: microtasks only, no timer turn.
    for _ in 0..20 {
        JsFuture::from(js_sys::Promise::resolve(&JsValue::NULL))
            .await
            .unwrap();
    }
    assert_eq!(heading(&m), None, "the old page went, the new one waits");
    assert!(m.exists(".ws-main .skeleton"), "the skeleton stands in");
    until("the events page", || {
        heading(&m).as_deref() == Some("Events")
    })
    .await;
    until("its rows", || m.exists("tr[data-event-id='e1']")).await;
}

/// A page's requests are aborted when it goes away: leaving Events while its list is still
/// loading aborts that request (nothing would show its answer, and a retry loop would go on
/// for nobody), while the page shown next loads as usual.
#[wasm_bindgen_test]
async fn leaving_a_page_aborts_its_requests() {
    use meshes_embed::api::{ApiRequest, Transport};
    use std::sync::{Arc, Mutex};

    let (inner, _) = fake(vec![("/dashboard", vec![status(500)])]);
    let held: Arc<Mutex<Vec<ApiRequest>>> = Arc::default();
    let log = held.clone();
    // The events list never answers; everything else does.
    let t = Transport::new(move |req: ApiRequest| {
        if req.path.contains("/events?") {
            log.lock().unwrap().push(req);
            Box::pin(futures::future::pending())
        } else {
            inner.call(req)
        }
    });
    let m = mount_ctx("/workspace/events", ctx_as(Role::Owner, vec![]), t);
    assert!(m.api.accept_auth(jwt(SID)).await);
    until("the events request", || !held.lock().unwrap().is_empty()).await;
    let signal = held.lock().unwrap()[0].abort.clone();
    let signal = signal.expect("page requests carry the page's abort signal");
    assert!(!signal.aborted());
    m.click(".ws-nav a[href^='/workspace/dashboard']");
    until("the dashboard", || {
        heading(&m).as_deref() == Some("Dashboard")
    })
    .await;
    assert!(signal.aborted(), "the events request was aborted");
    assert_eq!(held.lock().unwrap().len(), 1, "and not sent again");
}

/// A read that would start after its page is gone never goes out: leaving Events while its list
/// waits out a retry's backoff ends the read there, without a second request.
#[wasm_bindgen_test]
async fn a_retry_after_leaving_the_page_is_not_sent() {
    let (t, requests) = fake(vec![
        ("/dashboard", vec![status(500)]),
        ("/events?", vec![(503, common::error_body("Busy"))]),
    ]);
    let m = mount_ctx("/workspace/events", ctx_as(Role::Owner, vec![]), t);
    assert!(m.api.accept_auth(jwt(SID)).await);
    until("the first events request", || {
        common::count(&requests, "/events?") >= 1
    })
    .await;
    m.click(".ws-nav a[href^='/workspace/dashboard']");
    until("the dashboard", || {
        heading(&m).as_deref() == Some("Dashboard")
    })
    .await;
    // What was sent while the page was there (a slow machine may already have retried once).
    let sent = common::count(&requests, "/events?");
    // Backoff before a second try is at most 2 s (three tries in all).
    gloo_timers::future::TimeoutFuture::new(2_500).await;
    assert_eq!(
        common::count(&requests, "/events?"),
        sent,
        "no retry for a page that is gone"
    );
}
