//! Browser tests of the postMessage bridge and session binding.
#![allow(
    clippy::unwrap_used,
    reason = "tests and their helpers: a surprise should fail the test at once"
)]
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use leptos::prelude::GetUntracked;
use meshes_embed::session::AuthStatus;
use meshes_protocol::message::Reject;
use meshes_protocol::{EmbedMessage, ExpiredReason, HostMessage, RefreshReason, SessionType};
use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn bridge_accepts_only_well_formed_auth_from_the_parent_origin() {
    let origin = window().location().origin().unwrap();
    let seen = capture(origin.clone());
    let good = jwt(SID);
    let cases: Vec<JsValue> = vec![
        js(&format!("{{type: 'meshes:auth', token: '{good}'}}")),
        js("'meshes:auth'"),
        js("42"),
        js("null"),
        js(&format!("[{{type: 'meshes:auth', token: '{good}'}}]")),
        js("{type: 'meshes:authx', token: 'a.b.c'}"),
        js("{type: 'MESHES:AUTH', token: 'a.b.c'}"),
        js("{type: 'meshes:auth'}"),
        js("{type: 'meshes:auth', token: 42}"),
        js("{type: 'meshes:auth', token: 'Bearer a.b.c'}"),
        js("{type: 'meshes:auth', token: 'a.b.c\\r\\nX-Injected: 1'}"),
        js("{type: 'meshes:auth', token: 'a'.repeat(9000) + '.b.c'}"),
        js("{type: 'x'.repeat(1 << 20)}"),
        js("new Date()"),
        js("new Map([['type', 'meshes:auth']])"),
        js("(() => { let a = []; for (let i = 0; i < 10000; i++) a = [a]; return a; })()"),
        js("JSON.parse('{\"__proto__\": {\"type\": \"meshes:auth\"}}')"),
        js(&format!(
            "{{type: 'meshes:auth', token: '{good}', expires_in: -1}}"
        )),
    ];
    // Some values cannot even be structured-cloned; those never arrive, which is fine.
    let n = cases
        .iter()
        .filter(|data| window().post_message(data, &origin).is_ok())
        .count();
    assert!(
        n >= cases.len() - 1,
        "only pathological values may fail to post"
    );
    until("every message to be inspected", || seen.borrow().len() >= n).await;
    let verdicts = seen.borrow();
    assert_eq!(
        verdicts[0],
        Ok(HostMessage::Auth {
            token: good.clone(),
            expires_in: None
        })
    );
    for (i, v) in verdicts.iter().enumerate().skip(1) {
        assert!(v.is_err(), "case {i} was accepted: {v:?}");
    }
    assert!(!js("window.__pwned === true").as_bool().unwrap());
}

#[wasm_bindgen_test]
async fn bridge_rejects_wrong_origin_wrong_source_and_synthetic_events() {
    let origin = window().location().origin().unwrap();
    // Expecting another origin: our own valid message is dropped.
    let other = capture("http://other.test".into());
    window()
        .post_message(
            &js(&format!("{{type: 'meshes:auth', token: '{}'}}", jwt(SID))),
            &origin,
        )
        .unwrap();
    until("the message", || !other.borrow().is_empty()).await;
    assert_eq!(other.borrow()[0], Err(Reject::Origin));

    // A child frame (same origin, but not our parent) posting the same message.
    let seen = capture(origin.clone());
    let doc = window().document().unwrap();
    let frame: web_sys::HtmlIFrameElement = doc.create_element("iframe").unwrap().unchecked_into();
    frame.set_srcdoc(&format!(
        "<script>parent.postMessage({{type: 'meshes:auth', token: '{}'}}, '{origin}')</script>",
        jwt(SID)
    ));
    doc.body().unwrap().append_child(&frame).unwrap();
    // A sandboxed child ("null" origin) posting too.
    let sandboxed: web_sys::HtmlIFrameElement =
        doc.create_element("iframe").unwrap().unchecked_into();
    sandboxed.set_attribute("sandbox", "allow-scripts").unwrap();
    sandboxed.set_srcdoc(&format!(
        "<script>parent.postMessage({{type: 'meshes:auth', token: '{}'}}, '{origin}')</script>",
        jwt(SID)
    ));
    doc.body().unwrap().append_child(&sandboxed).unwrap();
    until("both frames' messages", || seen.borrow().len() >= 2).await;
    assert!(
        seen.borrow().iter().all(|v| *v == Err(Reject::Source)),
        "{:?}",
        seen.borrow()
    );

    // A synthetic MessageEvent that claims the right origin and source.
    let init = web_sys::MessageEventInit::new();
    init.set_data(&js(&format!(
        "{{type: 'meshes:auth', token: '{}'}}",
        jwt(SID)
    )));
    init.set_origin(&origin);
    let ev = web_sys::MessageEvent::new_with_event_init_dict("message", &init).unwrap();
    let before = seen.borrow().len();
    window().dispatch_event(&ev).unwrap();
    assert_eq!(seen.borrow().len(), before + 1);
    assert_eq!(
        seen.borrow()[before],
        Err(Reject::Source),
        "untrusted events are dropped"
    );
    frame.remove();
    sandboxed.remove();
}

#[wasm_bindgen_test]
async fn tokens_must_belong_to_the_launched_session_and_pass_the_api() {
    // Another session's token: reported, never sent anywhere.
    let (t, requests) = fake(vec![]);
    let (a, posted) = api(SessionType::Workspace, t);
    assert!(!a.accept_auth(jwt("sess_someone_else")).await);
    assert!(
        requests.lock().unwrap().is_empty(),
        "a foreign token is never presented to the API"
    );
    assert_eq!(
        *posted.lock().unwrap(),
        vec![EmbedMessage::TokenExpired {
            reason: ExpiredReason::SessionMismatch
        }]
    );
    assert_eq!(a.session.token_value(), None);

    // Claims our session but the API refuses it (forged, stale or revoked): not used.
    let (t, _) = fake(vec![(
        "/embed/session",
        vec![(401, r#"{"message":"Unauthorized"}"#.into())],
    )]);
    let (a, _) = api(SessionType::Workspace, t);
    assert!(!a.accept_auth(jwt(SID)).await);
    assert_eq!(a.session.token_value(), None);

    // The API says it belongs to a different session: reported as a mismatch.
    let other = session_info(600).replace(SID, "sess_other");
    let (t, _) = fake(vec![("/embed/session", vec![(200, other)])]);
    let (a, posted) = api(SessionType::Workspace, t);
    assert!(!a.accept_auth(jwt(SID)).await);
    assert!(
        posted
            .lock()
            .unwrap()
            .contains(&EmbedMessage::TokenExpired {
                reason: ExpiredReason::SessionMismatch
            })
    );

    // Ours, and accepted.
    let (t, _) = fake(vec![]);
    let (a, _) = api(SessionType::Workspace, t);
    assert!(a.accept_auth(jwt(SID)).await);
    assert_eq!(a.session.token_value(), Some(jwt(SID)));
}

/// A verified token is installed unless a newer generation already is: a refresh's token that
/// is checked first stays, however late the older one's check comes back.
#[wasm_bindgen_test]
async fn newer_generations_win_whatever_order_their_checks_finish_in() {
    let (old, new) = (jwt_gen(SID, 1), jwt_gen(SID, 2));
    let slow = old.clone();
    let t = checks(move |tok| if tok == slow { (300, 200) } else { (10, 200) });
    let (a, _) = api(SessionType::Workspace, t);
    let (got_old, got_new) =
        futures::future::join(a.accept_auth(old.clone()), a.accept_auth(new.clone())).await;
    assert!(got_new);
    assert!(
        !got_old,
        "the older token checked out later, but is not installed"
    );
    assert_eq!(a.session.token_value(), Some(new));
    assert_eq!(a.session.generation(), 2);
}

/// Arrival order decides nothing: a JWT-shaped message right after a good token (a script on
/// the host page) does not keep the good one out, whichever check finishes first.
#[wasm_bindgen_test]
async fn a_junk_token_after_a_good_one_does_not_keep_it_out() {
    let good = jwt(SID);
    let junk = format!("{}x", jwt(SID));
    let g = good.clone();
    let t = checks(move |tok| if tok == g { (200, 200) } else { (5, 401) });
    let (a, _) = api(SessionType::Workspace, t);
    meshes_embed::app::receive(
        &a,
        HostMessage::Auth {
            token: good.clone(),
            expires_in: None,
        },
    );
    meshes_embed::app::receive(
        &a,
        HostMessage::Auth {
            token: junk,
            expires_in: None,
        },
    );
    until("the good token", || a.session.token_value().is_some()).await;
    assert_eq!(a.session.token_value(), Some(good));
}

/// One 503 (or a dropped connection) while checking a token must not throw a good token away.
#[wasm_bindgen_test]
async fn the_session_check_rides_out_transient_failures() {
    let (t, requests) = fake(vec![(
        "/embed/session",
        vec![
            status(503),
            status(503),
            status(503),
            status(502),
            ok(&session_info(900)),
        ],
    )]);
    let (a, _) = api(SessionType::Workspace, t);
    assert!(a.accept_auth(jwt(SID)).await);
    assert_eq!(a.session.token_value(), Some(jwt(SID)));
    assert_eq!(count(&requests, "/embed/session"), 5);
}

/// The host kit says its refresh failed: the pause is explained at once, and the embed asks
/// again after its backoff. Without an outstanding ask the message changes nothing.
#[wasm_bindgen_test]
async fn a_failed_host_refresh_pauses_at_once_and_is_asked_again() {
    let (t, _) = fake(vec![]);
    let (a, posted) = api(SessionType::Workspace, t);
    assert!(a.accept_auth(jwt(SID)).await);
    meshes_embed::app::receive(&a, HostMessage::RefreshFailed);
    assert_eq!(
        a.session.status.get_untracked(),
        AuthStatus::Authed,
        "nothing was asked"
    );
    a.session.request_refresh(RefreshReason::Unauthorized);
    meshes_embed::app::receive(&a, HostMessage::RefreshFailed);
    assert_eq!(
        a.session.status.get_untracked(),
        AuthStatus::Expired(ExpiredReason::RefreshFailed)
    );
    assert!(
        posted
            .lock()
            .unwrap()
            .contains(&EmbedMessage::TokenExpired {
                reason: ExpiredReason::RefreshFailed
            })
    );
    let asks = || {
        posted
            .lock()
            .unwrap()
            .iter()
            .filter(|m| matches!(m, EmbedMessage::TokenRefresh { .. }))
            .count()
    };
    assert_eq!(asks(), 1);
    until_ms("the second ask", 7_000, || asks() == 2).await;
    assert!(
        posted
            .lock()
            .unwrap()
            .contains(&EmbedMessage::TokenRefresh {
                reason: RefreshReason::Expired
            })
    );
    // Answering recovers.
    assert!(a.accept_auth(jwt_gen(SID, 2)).await);
    assert_eq!(a.session.status.get_untracked(), AuthStatus::Authed);
}

/// Writes under failure (decision 37): a 5xx, a timeout or a dropped connection may have landed,
/// so the write is never repeated; a 401 was refused before anything happened, so it is retried
/// once with the token the host sends — and a second 401 ends the session instead of looping.
#[wasm_bindgen_test]
async fn writes_are_retried_only_after_a_401_and_only_once() {
    use meshes_embed::api::{ApiRequest, Method, Transport};
    use meshes_embed::error::AppError;
    use std::sync::{Arc, Mutex};

    let write = |a: &meshes_embed::api::Api| {
        let a = a.clone();
        async move {
            a.write::<serde_json::Value>(
                Method::Post,
                "/api/v1/rules",
                Some(serde_json::json!({"x": 1})),
            )
            .await
        }
    };
    for code in [500, 502, 503, 504, 429] {
        let (t, requests) = fake(vec![("/rules", vec![status(code), ok("{}")])]);
        let (a, _) = api(SessionType::Workspace, t);
        assert!(a.accept_auth(jwt(SID)).await);
        let r = write(&a).await;
        assert!(matches!(r, Err(AppError::Http { status, .. }) if status == code));
        assert_eq!(count(&requests, "/rules"), 1, "{code} is not retried");
    }
    for failure in [AppError::Network("reset".into()), AppError::Timeout] {
        let seen: Arc<Mutex<Vec<ApiRequest>>> = Arc::default();
        let log = seen.clone();
        let f = failure.clone();
        let t = Transport::new(move |req: ApiRequest| {
            let f = f.clone();
            let is_check = req.path.contains("/embed/session");
            log.lock().unwrap().push(req);
            Box::pin(async move {
                if is_check {
                    Ok(meshes_embed::api::ApiResponse {
                        status: 200,
                        body: session_info(1800),
                        retry_after: None,
                    })
                } else {
                    Err(f)
                }
            })
        });
        let (a, _) = api(SessionType::Workspace, t);
        assert!(a.accept_auth(jwt(SID)).await);
        assert_eq!(write(&a).await.unwrap_err(), failure);
        assert_eq!(count(&seen, "/rules"), 1, "{failure:?} is not retried");
    }

    // 401 → ask the host → the same write once more, with the new token.
    let (r, requests, _) = write_after_a_401(vec![status(401), ok(r#"{"ok":true}"#)]).await;
    assert_eq!(r.unwrap()["ok"], true);
    let sent: Vec<_> = requests
        .lock()
        .unwrap()
        .iter()
        .filter(|r| r.path.contains("/rules"))
        .map(|r| (r.token.clone(), r.body.clone()))
        .collect();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].1, sent[1].1, "the same write");
    assert_eq!(sent[1].0, Some(jwt_gen(SID, 2)), "with the new token");

    // 401 again with the new token: the session ends; no third try.
    let (r, requests, posted) = write_after_a_401(vec![status(401)]).await;
    assert!(matches!(r, Err(AppError::Http { status: 401, .. })));
    assert_eq!(count(&requests, "/rules"), 2);
    assert!(
        posted
            .lock()
            .unwrap()
            .contains(&EmbedMessage::TokenExpired {
                reason: ExpiredReason::SessionEnded
            })
    );
}

/// A rule write whose first answer is a 401 (then `answers`), with a host that answers the
/// refresh request with a token of the next generation.
async fn write_after_a_401(
    answers: Vec<(u16, String)>,
) -> (
    Result<serde_json::Value, meshes_embed::error::AppError>,
    Requests,
    std::sync::Arc<std::sync::Mutex<Vec<EmbedMessage>>>,
) {
    let (t, requests) = fake(vec![("/rules", answers)]);
    let (a, posted) = api(SessionType::Workspace, t);
    assert!(a.accept_auth(jwt(SID)).await);
    let pending = a.write::<serde_json::Value>(
        meshes_embed::api::Method::Post,
        "/api/v1/rules",
        Some(serde_json::json!({"x": 1})),
    );
    let host = async {
        until("the refresh request", || {
            posted
                .lock()
                .unwrap()
                .contains(&EmbedMessage::TokenRefresh {
                    reason: RefreshReason::Unauthorized,
                })
        })
        .await;
        assert!(a.accept_auth(jwt_gen(SID, 2)).await);
    };
    let (r, ()) = futures::future::join(pending, host).await;
    (r, requests, posted)
}
