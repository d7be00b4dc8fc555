//! Retries as they really happen: a 503's `Retry-After` is waited for, a 400 is final, a
//! silent destination times out, and a restart mid-attempt resumes with one marked duplicate.

use super::*;
use meshes_sandbox::receiver::Mode;

#[tokio::test]
async fn a_503_is_retried_after_the_retry_after_it_asked_for() {
    let app = TestApp::new();
    let fail_once = Settings {
        mode: Mode::Fail,
        times: 1,
        retry_after: 1,
        ..Default::default()
    };
    let url = inbox_at(&app, "busy", fail_once).await;
    let (_, rid) = hook(&app, &url, json!({})).await;
    let eid = send_event(&app, json!({})).await;
    assert_eq!(settled_event(&app, &eid).await["status"], "completed");
    let got = app.state.receiver.requests("busy");
    assert_eq!(
        got.iter().map(|q| q.answered).collect::<Vec<_>>(),
        [503, 200]
    );
    let gap = got[1].received_ms - got[0].received_ms;
    // The base backoff here is 50 ms: only Retry-After makes the gap a second.
    assert!(gap >= 1000, "the retry came {gap} ms after the 503");
    assert_eq!(
        header(&got[0], "idempotency-key"),
        header(&got[1], "idempotency-key")
    );
    assert_eq!(got[1].same_key_as, Some(got[0].n));
    assert_eq!(header(&got[1], "x-meshes-attempt"), Some("2"));
    let attempts = attempts_of(&app, &eid, &rid).await;
    let codes: Vec<&str> = attempts
        .iter()
        .map(|a| a["outcome_code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["delivered", "rejected_server_error"]);
}

#[tokio::test]
async fn a_400_is_not_retried() {
    let app = TestApp::new();
    let url = inbox_at(
        &app,
        "picky",
        Settings {
            mode: Mode::Reject,
            ..Default::default()
        },
    )
    .await;
    let (_, rid) = hook(&app, &url, json!({})).await;
    let eid = send_event(&app, json!({})).await;
    let ev = settled_event(&app, &eid).await;
    assert_eq!(ev["status"], "failed");
    assert_eq!(ev["rule_events"][0]["last_error"], "HTTP 400 Bad Request");
    assert_eq!(app.state.receiver.requests("picky").len(), 1);
    let attempts = attempts_of(&app, &eid, &rid).await;
    assert_eq!(attempts.len(), 1);
    assert_eq!(attempts[0]["outcome_code"], "rejected_client_error");
}

#[tokio::test]
async fn a_silent_destination_times_out_and_is_tried_again() {
    let app = TestApp::with_config(|c| c.delivery_timeout_ms = 300);
    let url = inbox_at(
        &app,
        "slow",
        Settings {
            mode: Mode::Hang,
            times: 1,
            ..Default::default()
        },
    )
    .await;
    let (_, rid) = hook(&app, &url, json!({})).await;
    let eid = send_event(&app, json!({})).await;
    assert_eq!(settled_event(&app, &eid).await["status"], "completed");
    let attempts = attempts_of(&app, &eid, &rid).await;
    assert_eq!(attempts[1]["outcome_code"], "timeout");
    assert!(
        attempts[1]["message"]
            .as_str()
            .unwrap()
            .contains("within 300 ms")
    );
    assert!(attempts[1].get("http_status").is_none());
    let took = attempts[1]["duration_ms"].as_u64().unwrap();
    assert!((300..2000).contains(&took), "the attempt took {took} ms");
    assert_eq!(attempts[0]["outcome_code"], "delivered");
}

#[tokio::test]
async fn a_restart_mid_attempt_resumes_it_once_with_the_same_key() {
    let app = TestApp::new();
    let url = inbox_at(
        &app,
        "crash",
        Settings {
            mode: Mode::Hang,
            times: 1,
            ..Default::default()
        },
    )
    .await;
    let (_, rid) = hook(&app, &url, json!({})).await;
    let eid = send_event(&app, json!({})).await;
    let engine = meshes_sandbox::engine::spawn(app.state.clone());
    for _ in 0..200 {
        if !app.state.receiver.requests("crash").is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    // The process dies while the destination is still working on the request.
    engine.abort();
    let _ = engine.await;
    let ev = app
        .m(Method::GET, &format!("/api/v1/events/{eid}"), None)
        .await;
    assert_eq!(ev.json["rule_events"][0]["status"], "processing");
    assert!(
        attempts_of(&app, &eid, &rid).await.is_empty(),
        "in flight: not listed"
    );

    // A new sandbox on the same database, once the old attempt's lease has run out.
    let cfg = app.state.cfg.as_ref().clone();
    let db = meshes_sandbox::store::db::Db::open(&app.db_path()).unwrap();
    let restarted = meshes_sandbox::AppState::new(cfg, db).unwrap();
    restarted.clock.advance(60);
    let mut done = false;
    for _ in 0..100 {
        meshes_sandbox::engine::run_due(&restarted).await.unwrap();
        let status: String = restarted
            .db
            .conn()
            .query_row("SELECT status FROM events WHERE id = ?1", [&eid], |r| {
                r.get("status")
            })
            .unwrap();
        if status == "completed" {
            done = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(done, "the resumed delivery completed");
    let got = app.state.receiver.requests("crash");
    assert_eq!(got.len(), 2, "exactly one duplicate");
    assert_eq!(got[1].same_key_as, Some(got[0].n));
    let attempts = attempts_of(&app, &eid, &rid).await;
    assert_eq!(attempts[0]["outcome_code"], "delivered");
    assert_eq!(attempts[0]["attempt"], 2);
    assert_eq!(attempts[1]["outcome_code"], "internal_error");
    assert!(
        attempts[1]["message"]
            .as_str()
            .unwrap()
            .starts_with("Interrupted")
    );
}

/// A backlog to one destination does not hold up another's deliveries: each claim takes a
/// few of every connection's due work, not the oldest 256 of all.
#[tokio::test]
async fn a_backlog_to_one_connection_does_not_starve_another() {
    let app = TestApp::new();
    let busy = inbox_at(&app, "backlog", Settings::default()).await;
    hook(&app, &busy, json!({})).await;
    let calm = inbox_at(&app, "calm", Settings::default()).await;
    let (calm_connection, calm_default) = hook(&app, &calm, json!({})).await;
    // Only the busy connection's rule matches these 300; the calm one gets one event after.
    let off = app
        .m(
            Method::PATCH,
            &format!("/api/v1/rules/{calm_default}"),
            Some(json!({"active": false})),
        )
        .await;
    assert_eq!(off.status, StatusCode::OK, "{}", off.text);
    let mut calm_rule = crate::writes::invoice_rule(&calm_connection);
    calm_rule.event = "delivery.calm".into();
    app.m(
        Method::POST,
        "/api/v1/rules",
        Some(serde_json::to_value(calm_rule).unwrap()),
    )
    .await;
    for _ in 0..3 {
        let batch: Vec<Value> = (0..100)
            .map(|i| json!({"workspace": WS, "event": EVENT, "payload": {"i": i}}))
            .collect();
        let r = app
            .m(Method::POST, "/api/v1/events/bulk", Some(json!(batch)))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }
    let calm_event = app
        .m(
            Method::POST,
            "/api/v1/events",
            Some(json!({"workspace": WS, "event": "delivery.calm", "payload": {}})),
        )
        .await;
    let id = calm_event.json["event"]["id"].as_str().unwrap().to_owned();
    // One pass of the engine.
    meshes_sandbox::engine::run_due(&app.state).await.unwrap();
    let ev = app
        .m(Method::GET, &format!("/api/v1/events/{id}"), None)
        .await;
    assert_eq!(ev.json["status"], "completed", "{}", ev.text);
    assert_eq!(app.state.receiver.requests("calm").len(), 1);
    assert_eq!(
        app.state.receiver.requests("backlog").len(),
        4,
        "4 at a time per connection"
    );
}
