//! Tokens the host delivers: bound to the launched session, checked by the API, installed by
//! generation whatever order the checks finish in, and asked for again after a failed refresh.

use crate::common::*;
use leptos::prelude::GetUntracked;
use meshes_embed::session::AuthStatus;
use meshes_protocol::{EmbedMessage, ExpiredReason, HostMessage, RefreshReason, SessionType};
use wasm_bindgen_test::*;

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
        vec![(401, error_body("Unauthorized"))],
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
    meshes_embed::host::receive(
        a,
        HostMessage::Auth {
            token: good.clone(),
            expires_in: None,
        },
    );
    meshes_embed::host::receive(
        a,
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
    meshes_embed::host::receive(a, HostMessage::RefreshFailed);
    assert_eq!(
        a.session.status.get_untracked(),
        AuthStatus::Authed,
        "nothing was asked"
    );
    a.session.request_refresh(RefreshReason::Unauthorized);
    meshes_embed::host::receive(a, HostMessage::RefreshFailed);
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

/// A token's claims are read without verifying it, only to bind it to our session: a JWT's
/// payload (base64url, unpadded) with `sid`, `ws` and a whole-number `gen`; anything else is
/// not ours.
#[wasm_bindgen_test]
fn claims_are_read_from_the_payload() {
    use base64::Engine;
    use meshes_embed::session::peek_claims;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let token = |claims: &str| format!("eyJhbGciOiJIUzI1NiJ9.{}.sig", b64.encode(claims));
    // `?>` and `~~~` encode to `-` and `_` in base64url.
    let c = peek_claims(&token(r#"{"sid":"sess_1","ws":"w","gen":7,"x":"?>~~~"}"#)).unwrap();
    assert_eq!(
        (c.sid.as_str(), c.ws.as_str(), c.generation),
        ("sess_1", "w", 7)
    );
    assert_eq!(peek_claims(&jwt(SID)).map(|c| c.generation), Some(1));
    for not_ours in [
        "not-a-jwt".to_owned(),
        "a.!!!.c".to_owned(),
        token(r#"{"sid":"sess_1"}"#),
        token(r#"{"sid":"sess_1","ws":"w","gen":1.5}"#),
        token(r#"{"sid":"sess_1","ws":"w","gen":-1}"#),
        token(r#"{"sid":1,"ws":"w","gen":1}"#),
        token("null"),
        token("[1,2]"),
    ] {
        assert_eq!(peek_claims(&not_ours), None, "{not_ours}");
    }
}

/// A renewal the host is slow to answer is said on screen after a moment, and a refresh the
/// host reports as failed is said at once, in plain words, instead of buttons greying silently.
#[wasm_bindgen_test]
async fn a_slow_renewal_is_explained_and_a_failed_one_at_once() {
    let (t, _) = fake(vec![(
        "/connections",
        vec![ok(&crate::shell::connections())],
    )]);
    let m = mount("/workspace/connections", SessionType::Workspace, t);
    m.api.accept_auth(jwt(SID)).await;
    crate::shell::connections_shown(&m).await;
    let note = || m.el::<web_sys::HtmlElement>("#session-renewing");
    assert!(note().hidden());
    m.api
        .session
        .request_refresh(meshes_protocol::RefreshReason::Unauthorized);
    gloo_timers::future::TimeoutFuture::new(500).await;
    assert!(note().hidden(), "a quick renewal says nothing");
    until("the renewal is explained", || !note().hidden()).await;
    assert!(
        note()
            .text_content()
            .unwrap()
            .contains("nothing you typed is lost")
    );
    meshes_embed::host::receive(m.api, meshes_protocol::HostMessage::RefreshFailed);
    until("the failure, at once", || {
        m.text("#session-banner").is_some()
    })
    .await;
    assert!(note().hidden());
    m.api.accept_auth(jwt_gen(SID, 2)).await;
    until("the banner to go", || m.text("#session-banner").is_none()).await;
    assert!(note().hidden());
}
