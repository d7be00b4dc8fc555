//! Event detail: the payload only with its scope, retry and its 425, members without actions,
//! and copying an id.

use super::*;
use crate::common::{self, delivery, ok, refusal, until};
use meshes_protocol::api::{Attempt, Event, HeaderPair, OutcomeCode, ResponseDetails};
use wasm_bindgen_test::*;

/// Event `e1` with one delivery (rule `r1` to `c1`, four attempts, last one a 503), both in
/// `status`; with the payload or without.
fn detail(status: Status, payload: bool) -> String {
    let mut d = delivery("e1", "r1", "c1", status);
    d.attempt_count = 4;
    d.last_error = Some("HTTP 503".into());
    json(&Event {
        resource: None,
        resource_id: None,
        completed_count: Some(0),
        failed_count: Some(1),
        rule_events: Some(vec![d]),
        payload: payload.then(|| serde_json::json!({"email": "ada@example.com"})),
        ..event("e1", status)
    })
}

#[wasm_bindgen_test]
async fn event_detail_hides_payload_without_scope_and_members_get_no_actions() {
    let (m, requests) = authed(
        "/workspace/events/e1",
        Role::Member,
        vec![Scope::EventsPayloadRead],
        vec![
            ("/connections", vec![ok(&page_of::<Event>(&[]))]),
            ("/events/e1", vec![ok(&detail(Status::Failed, false))]),
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
    let (m, requests) = authed(
        "/workspace/events/e1",
        Role::Admin,
        vec![Scope::EventsPayloadRead],
        vec![
            ("/connections", vec![ok(&page_of::<Event>(&[]))]),
            (
                "/rules/r1/retry",
                vec![(
                    425,
                    refusal(
                        "Too Early",
                        "TooEarly",
                        "An attempt is already under way; wait for it to finish",
                    ),
                )],
            ),
            ("/events/e1", vec![ok(&detail(Status::Failed, true))]),
        ],
    )
    .await;
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
            ("/connections", vec![ok(&page_of::<Event>(&[]))]),
            ("/events/e1", vec![ok(&detail(Status::Failed, false))]),
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

/// Attempt `a1` of `e1`/`r1`: a 503 with its request line and a captured answer.
fn attempt_page() -> String {
    page_of(&[Attempt {
        id: "a1".into(),
        event_id: "e1".into(),
        rule: "r1".into(),
        attempt: 1,
        outcome_code: OutcomeCode::RejectedServerError,
        message: "HTTP 503 Service Unavailable from hooks.example.com".into(),
        http_status: Some(503),
        started_at: "2026-03-15T12:00:00Z".into(),
        completed_at: "2026-03-15T12:00:01Z".into(),
        duration_ms: 42,
        request: Some("POST https://hooks.example.com/in?token=redacted".into()),
        has_response: true,
    }])
}

/// Each attempt shows the request it sent; the destination's answer is one click away for
/// payload readers, and not offered to anyone else.
#[wasm_bindgen_test]
async fn attempts_show_their_request_and_answer_to_payload_readers_only() {
    let answer = json(&ResponseDetails {
        attempt_id: "a1".into(),
        http_status: Some(503),
        headers: vec![HeaderPair {
            name: "retry-after".into(),
            value: "30".into(),
        }],
        body: "{\"error\":\"down for maintenance\"}".into(),
        body_truncated: true,
        body_bytes: 65_536,
    });
    for (role, scopes, offered) in [
        (Role::Admin, vec![Scope::EventsPayloadRead], true),
        (Role::Admin, vec![], false),
        (Role::Member, vec![Scope::EventsPayloadRead], false),
    ] {
        let (m, requests) = authed(
            "/workspace/events/e1",
            role,
            scopes,
            vec![
                ("/response-details", vec![ok(&answer)]),
                ("/attempts", vec![ok(&attempt_page())]),
                ("/connections", vec![ok(&page_of::<Event>(&[]))]),
                ("/events/e1", vec![ok(&detail(Status::Failed, false))]),
            ],
        )
        .await;
        until("the deliveries", || {
            m.exists("tr[data-rule-id='r1'] .btn-link")
        })
        .await;
        m.click("tr[data-rule-id='r1'] .btn-link");
        until("the attempt", || m.exists(".attempts li .request")).await;
        assert_eq!(
            m.text(".attempts li .request").unwrap(),
            "POST https://hooks.example.com/in?token=redacted"
        );
        let button = ".attempts li .btn-link";
        assert_eq!(m.exists(button), offered, "{role:?}");
        if !offered {
            continue;
        }
        assert_eq!(m.text(button).unwrap(), "Show the answer to attempt 1");
        m.click(button);
        until("the answer", || m.exists(".answer .response-body")).await;
        assert_eq!(
            m.text(".answer .response-body").unwrap(),
            "{\"error\":\"down for maintenance\"}"
        );
        assert!(
            m.text(".answer .response-headers")
                .unwrap()
                .contains("retry-after: 30")
        );
        assert!(
            m.text(".answer .muted")
                .unwrap()
                .contains("65,536 bytes read")
        );
        assert_eq!(
            sent(&requests, Method::Get, "/attempts/a1/response-details").len(),
            1
        );
    }
}
