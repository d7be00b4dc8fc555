//! Writes under failure (decision 37): never repeated after a 5xx, a timeout or a dropped
//! connection; retried once after a 401 with the host's new token.

use crate::common::*;
use meshes_protocol::{EmbedMessage, ExpiredReason, RefreshReason, SessionType};
use wasm_bindgen_test::*;

/// Writes under failure (decision 37): a 5xx, a timeout or a dropped connection may have landed,
/// so the write is never repeated; a 401 was refused before anything happened, so it is retried
/// once with the token the host sends — and a second 401 ends the session instead of looping.
#[wasm_bindgen_test]
async fn writes_are_retried_only_after_a_401_and_only_once() {
    use meshes_embed::api::{ApiRequest, Transport};
    use meshes_embed::error::AppError;
    use std::sync::{Arc, Mutex};

    let write = |a: &meshes_embed::api::Api| a.update_rule("r1", &PAUSE);
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
    let (r, requests, _) = write_after_a_401(vec![status(401), ok(&json(&rule("r1")))]).await;
    assert_eq!(r.unwrap().id, "r1");
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

/// The write these tests send: pausing a rule.
const PAUSE: meshes_protocol::api::UpdateRule = meshes_protocol::api::UpdateRule { active: false };

/// A rule write whose first answer is a 401 (then `answers`), with a host that answers the
/// refresh request with a token of the next generation.
async fn write_after_a_401(
    answers: Vec<(u16, String)>,
) -> (
    Result<meshes_protocol::api::Rule, meshes_embed::error::AppError>,
    Requests,
    std::sync::Arc<std::sync::Mutex<Vec<EmbedMessage>>>,
) {
    let (t, requests) = fake(vec![("/rules", answers)]);
    let (a, posted) = api(SessionType::Workspace, t);
    assert!(a.accept_auth(jwt(SID)).await);
    let pending = a.update_rule("r1", &PAUSE);
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
