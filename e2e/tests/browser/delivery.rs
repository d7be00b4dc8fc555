//! Real delivery, end to end: an event sent in over the public API with the workspace's
//! publishable key shows up by itself in the open Events page, and its detail shows what the
//! sandbox's webhook inbox really answered: a 503 first, then the retry it asked for.

use e2e::{DEMO_WORKSPACE_ID, Stack, TestResult, eventually_within};
use reqwest::Method;
use serde_json::{Value, json};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ingested_event_appears_live_and_its_detail_shows_the_real_answer() -> TestResult {
    let s = Stack::start().await;
    let inbox = format!("{}/inbox/live", s.provider);
    let (status, c) = s
        .api(
            Method::POST,
            "/api/v1/connections",
            Some(
                json!({"workspace": DEMO_WORKSPACE_ID, "type": "webhook", "name": "Live Inbox",
                        "metadata": {"url": inbox, "signing_algorithm": "hmac_sha256",
                                     "signing_secret": "whsec_live"}}),
            ),
        )
        .await;
    assert_eq!(status, 201, "{c}");
    let cid = c["connection"]["id"].as_str().unwrap();
    let (status, r) = s
        .api(
            Method::POST,
            "/api/v1/rules",
            Some(
                json!({"workspace": DEMO_WORKSPACE_ID, "connection": cid, "event": "order.shipped",
                        "metadata": {"action": "send_webhook"}}),
            ),
        )
        .await;
    assert_eq!(status, 201, "{r}");
    // The inbox fails the first request and asks for a retry a second later.
    let set = s
        .http
        .put(format!("{inbox}/settings"))
        .json(&json!({"mode": "fail", "times": 1, "retry_after": 1, "secret": "whsec_live"}))
        .send()
        .await?;
    assert_eq!(set.status().as_u16(), 204);

    s.open_host("?role=owner&launch_page=events&payload_scope=true")
        .await?;
    s.embed_text("#events-table").await;
    let sent = s
        .http
        .post(format!("{}/api/v1/events", s.meshes))
        .header("x-meshes-publishable-key", "pk_test_acmedemo")
        .json(&json!({"event": "order.shipped", "payload": {"order": "o_1001"}}))
        .send()
        .await?;
    assert_eq!(sent.status().as_u16(), 201);
    let eid = sent.json::<Value>().await?["event"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let row = format!("#events-table tr[data-event-id='{eid}']");
    // The page checks for new events every 10 s; nothing is reloaded.
    eventually_within(
        "the event in the open list",
        Duration::from_secs(25),
        || async {
            let found = s
                .js(&format!("return !!document.querySelector(\"{row}\")"))
                .await;
            found.as_bool().filter(|f| *f)
        },
    )
    .await;
    s.click_when_ready(&format!("{row} a")).await?;
    eventually_within("delivered after the retry", Duration::from_secs(20), || async {
        let v = s
            .js("return document.querySelector('#deliveries tr[data-status]')?.dataset.status ?? null")
            .await;
        v.as_str().filter(|st| *st == "completed").map(str::to_owned)
    })
    .await;
    s.click_when_ready("#deliveries .btn-link").await?;
    let attempts = s.embed_text(".attempts").await;
    assert!(attempts.contains("HTTP 503"), "{attempts}");
    assert!(attempts.contains(&format!("POST {inbox}")), "{attempts}");
    // Newest first: the 503 is the second item; its answer is what the inbox said.
    s.click_when_ready(".attempts li:nth-child(2) .btn-link")
        .await?;
    let body = s
        .embed_text(".attempts li:nth-child(2) .response-body")
        .await;
    assert!(body.contains("failing on purpose"), "{body}");
    let headers = s
        .embed_text(".attempts li:nth-child(2) .response-headers")
        .await;
    assert!(headers.contains("retry-after: 1"), "{headers}");
    // And the inbox verified both requests' signatures.
    let got: Value = s
        .http
        .get(format!("{inbox}/requests"))
        .send()
        .await?
        .json()
        .await?;
    let checks: Vec<&str> = got
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["signature"].as_str().unwrap())
        .collect();
    assert_eq!(checks, ["verified", "verified"], "{got}");
    Ok(())
}
