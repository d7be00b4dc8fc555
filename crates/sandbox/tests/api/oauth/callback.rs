//! The callback under races and late arrivals: one exchange per code, the creating session's
//! end, an expired redirect attempt, a different provider account on reconnect, and who may
//! read an attempt after a redirect round trip.

use super::*;
use std::sync::Arc;

fn connections_of(app: &TestApp, kind: &str) -> i64 {
    app.state
        .db
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM connections WHERE type = ?1 AND deleted_at IS NULL",
            [kind],
            |r| r.get(0),
        )
        .unwrap()
}

/// A reload during a slow exchange sends the same callback twice at once: one exchange, one
/// connection, and the tokens it stored still work (a second exchange would have replayed the
/// code and made the provider revoke them).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_callbacks_exchange_the_code_once() {
    let app = Arc::new(app().await);
    let t = admin(&app).await;
    let before = connections_of(&app, "zoom");
    let flow = begin(&app, &t, json!({"integration": "zoom"})).await;
    let cb = decide(&flow, Some("Massive Dynamic")).await;
    // A slow exchange, as in a reload during one: every callback arrives while it runs (a
    // callback after the end is a replay, which gets "already finished").
    app.state
        .provider
        .token_slow_ms
        .store(1000, std::sync::atomic::Ordering::Relaxed);
    let barrier = Arc::new(tokio::sync::Barrier::new(4));
    let calls: Vec<_> = (0..4)
        .map(|_| {
            let (app, cb, cookie, barrier) = (
                app.clone(),
                cb.clone(),
                flow.cookie.clone(),
                barrier.clone(),
            );
            tokio::spawn(async move {
                barrier.wait().await;
                browse(&app, &cb, Some(&cookie)).await
            })
        })
        .collect();
    let mut pages = vec![];
    for c in calls {
        pages.push(c.await.unwrap());
    }
    // Every request answers with the attempt's real outcome.
    for p in &pages {
        assert!(p.text.contains("Zoom connected"), "{}", p.text);
    }
    let a = attempt(&app, &t, &flow.id).await;
    assert_eq!(a["status"], "completed");
    assert_eq!(connections_of(&app, "zoom"), before + 1);
    let (_, _, tokens) = app.state.provider.held();
    assert_eq!(tokens, 2, "one exchange: one access and one refresh token");
    let cid = a["connection_id"].as_str().unwrap();
    let live = app
        .call(
            Method::GET,
            &format!("/api/v1/connections/{cid}/actions"),
            Some(&t),
            None,
        )
        .await;
    assert_eq!(
        live.status,
        StatusCode::OK,
        "the stored grant is alive: {}",
        live.text
    );
}

#[tokio::test]
async fn a_callback_for_a_revoked_session_connects_nothing_and_says_why() {
    let app = app().await;
    let (sid, t, _) = app
        .session(json!({"role": "admin", "allowed_origins": ["https://app.example.com"]}))
        .await;
    let before = connections_of(&app, "hubspot");
    let flow = begin(&app, &t, json!({"integration": "hubspot"})).await;
    let cb = decide(&flow, Some("Globex")).await;
    app.m(Method::DELETE, &format!("/api/v1/sessions/{sid}"), None)
        .await;
    let page = browse(&app, &cb, Some(&flow.cookie)).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.text.contains("revoked"), "{}", page.text);
    assert_eq!(connections_of(&app, "hubspot"), before);
    let (status, code): (String, String) = app
        .state
        .db
        .conn()
        .query_row(
            "SELECT status, error_code FROM oauth_attempts WHERE id = ?1",
            [&flow.id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (status.as_str(), code.as_str()),
        ("failed", "session_ended")
    );
}

#[tokio::test]
async fn a_late_redirect_callback_goes_back_to_the_host_with_the_attempt() {
    let app = app().await;
    let t = admin(&app).await;
    let back = "https://app.example.com/settings?tab=apps";
    let (id, start, _) = create(
        &app,
        &t,
        json!({"integration": "slack", "mode": "redirect", "return_to": back}),
    )
    .await;
    // Redirect mode has no opener: the user confirms.
    let flow = continue_confirmed(&app, &id, &start).await;
    let cb = decide(&flow, Some("Initech")).await;
    app.state.clock.advance(11 * 60);
    // Something read the attempt meanwhile (it is expired now) ...
    assert_eq!(attempt(&app, &t, &id).await["status"], "expired");
    // ... and the browser still arrives back on the host page, which shows "expired".
    let page = browse(&app, &cb, Some(&flow.cookie)).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text);
    assert_eq!(
        page.header("location"),
        Some(format!("{back}&meshes_oauth={id}").as_str())
    );
    // Without this browser's binding cookie it is only a page.
    let other = browse(&app, &cb, None).await;
    assert_eq!(other.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn reconnecting_with_another_account_is_refused_with_both_names() {
    let app = app().await;
    let t = admin(&app).await;
    let cid =
        approve(&app, &t, json!({"integration": "pipedrive"}), "Stark").await["connection_id"]
            .as_str()
            .unwrap()
            .to_owned();
    let a = approve(
        &app,
        &t,
        json!({"integration": "pipedrive", "connection_id": cid}),
        "Wayne",
    )
    .await;
    assert_eq!(a["status"], "failed");
    assert_eq!(a["error"]["code"], "account_mismatch");
    let msg = a["error"]["message"].as_str().unwrap();
    assert!(msg.contains("Wayne") && msg.contains("Stark"), "{msg}");
    let c = app
        .call(
            Method::GET,
            &format!("/api/v1/connections/{cid}"),
            Some(&t),
            None,
        )
        .await;
    assert_eq!(c.json["name"], "Pipedrive (Stark)");
    // The same account reconnects fine.
    let a = approve(
        &app,
        &t,
        json!({"integration": "pipedrive", "connection_id": cid}),
        "Stark",
    )
    .await;
    assert_eq!(a["status"], "completed");
}

#[tokio::test]
async fn after_a_redirect_the_same_user_s_new_session_reads_the_outcome_and_nobody_else() {
    let app = app().await;
    let user = |u: &str| json!({"role": "admin", "external_user_id": u, "allowed_origins": ["https://app.example.com"]});
    let (_, t, _) = app.session(user("u-1")).await;
    let back = "https://app.example.com/";
    let (id, start, _) = create(
        &app,
        &t,
        json!({"integration": "slack", "mode": "redirect", "return_to": back}),
    )
    .await;
    let path = format!("/api/v1/embed/oauth/attempts/{id}");
    let (_, same_user, _) = app.session(user("u-1")).await;
    assert_eq!(
        app.call(Method::GET, &path, Some(&same_user), None)
            .await
            .status,
        StatusCode::NOT_FOUND,
        "not before it has finished"
    );
    let flow = continue_confirmed(&app, &id, &start).await;
    let cb = decide(&flow, Some("Initech")).await;
    browse(&app, &cb, Some(&flow.cookie)).await;
    // The host mints a new session for the same user after the round trip.
    let (_, after, _) = app.session(user("u-1")).await;
    let r = app.call(Method::GET, &path, Some(&after), None).await;
    assert_eq!(r.json["status"], "completed", "{}", r.text);
    let (_, stranger, _) = app.session(user("u-2")).await;
    assert_eq!(
        app.call(Method::GET, &path, Some(&stranger), None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.call(Method::POST, &format!("{path}/cancel"), Some(&after), None)
            .await
            .status,
        StatusCode::NOT_FOUND,
        "only the creating session cancels"
    );
}
