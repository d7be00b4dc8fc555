//! Reads as pages see them: a 401 refreshes once and retries, a second 401 ends the session,
//! a 403 never refreshes, passing failures are retried and then shown with "Try again".

use crate::common::*;
use gloo_timers::future::TimeoutFuture;
use meshes_protocol::{EmbedMessage, ExpiredReason, RefreshReason, SessionType};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

use super::shell::{connections, connections_shown};

#[wasm_bindgen_test]
async fn a_401_refreshes_once_and_retries_with_the_new_token() {
    let (t, requests) = fake(vec![(
        "/connections",
        vec![status(401), ok(&connections())],
    )]);
    let m = mount("/workspace/connections", SessionType::Workspace, t);
    m.api.accept_auth(jwt(SID)).await;
    until("a refresh request", || {
        m.posted(&EmbedMessage::TokenRefresh {
            reason: RefreshReason::Unauthorized,
        })
    })
    .await;
    assert_eq!(
        m.api.session.token_value(),
        None,
        "the refused token is dropped"
    );
    assert!(
        m.root.query_selector(".error-state").unwrap().is_none(),
        "a refresh is not an error"
    );
    // The host answers with a new token: the queued request goes out again, once.
    let fresh = format!("{}x", jwt(SID));
    assert!(m.api.accept_auth(fresh.clone()).await);
    connections_shown(&m).await;
    let lists: Vec<_> = requests
        .lock()
        .unwrap()
        .iter()
        .filter(|r| r.path.contains("/connections"))
        .cloned()
        .collect();
    assert_eq!(lists.len(), 2);
    assert_eq!(lists[1].token, Some(fresh));
}

#[wasm_bindgen_test]
async fn a_second_401_ends_the_session_without_looping() {
    let (t, requests) = fake(vec![("/dashboard", vec![status(401)])]);
    let m = mount("/workspace/dashboard", SessionType::Workspace, t);
    m.api.accept_auth(jwt(SID)).await;
    until("a refresh request", || {
        m.posted(&EmbedMessage::TokenRefresh {
            reason: RefreshReason::Unauthorized,
        })
    })
    .await;
    m.api.accept_auth(format!("{}y", jwt(SID))).await;
    until("the session end", || {
        m.posted(&EmbedMessage::TokenExpired {
            reason: ExpiredReason::SessionEnded,
        })
    })
    .await;
    TimeoutFuture::new(100).await;
    assert_eq!(
        count(&requests, "/dashboard"),
        2,
        "one try, one retry, never more"
    );
    assert!(
        m.text("#session-banner")
            .unwrap()
            .contains("session has ended")
    );
}

#[wasm_bindgen_test]
async fn a_403_never_refreshes() {
    let (t, _) = fake(vec![("/connections", vec![status(403)])]);
    let m = mount("/workspace/connections", SessionType::Workspace, t);
    m.api.accept_auth(jwt(SID)).await;
    until("the error state", || m.text(".error-title").is_some()).await;
    assert_eq!(
        m.text(".error-title").unwrap(),
        "This isn't allowed for this embedded session"
    );
    assert!(
        !m.posted
            .lock()
            .unwrap()
            .iter()
            .any(|p| matches!(p, EmbedMessage::TokenRefresh { .. }))
    );
}

#[wasm_bindgen_test]
async fn transient_failures_are_retried_then_shown_with_a_retry_button() {
    let (t, requests) = fake(vec![(
        "/connections",
        vec![status(503), (200, connections())],
    )]);
    let m = mount("/workspace/connections", SessionType::Workspace, t);
    m.api.accept_auth(jwt(SID)).await;
    connections_shown(&m).await;
    assert_eq!(count(&requests, "/connections"), 2, "one 503, then success");

    let (t, requests) = fake(vec![(
        "/connections",
        vec![status(502), status(502), status(502), ok(&connections())],
    )]);
    let m = mount("/workspace/connections", SessionType::Workspace, t);
    m.api.accept_auth(jwt(SID)).await;
    until("the error state", || m.text(".error-state").is_some()).await;
    assert_eq!(
        count(&requests, "/connections"),
        3,
        "three tries, never four"
    );
    let retry: web_sys::HtmlElement = m
        .root
        .query_selector(".error-state button")
        .unwrap()
        .unwrap()
        .unchecked_into();
    retry.click();
    connections_shown(&m).await;
}
