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
            ("/events", vec![ok(&page(&[event("e1", "completed")]))]),
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
