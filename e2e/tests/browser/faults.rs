//! Fault injection on API reads: retried with backoff when transient, shown clearly otherwise.

use e2e::{Stack, TestResult, eventually, eventually_within};
use serde_json::{Value, json};
use std::time::Duration;

const LIST: &str = "/api/v1/workspaces/";

/// A connection that only exists after the fault was set: only a list answered after the fault
/// can show it, so seeing it proves the recovery (the old rows stay on screen throughout).
const FRESH: &str = "Added During The Fault";

/// Open the connections page, wait for it, inject `fault`, add `FRESH`, and reload the list.
async fn reload_under(s: &Stack, fault: Value) -> TestResult {
    s.open_host("?launch_page=connections").await?;
    s.embed_text("#connections-table").await;
    s.fault(fault).await;
    let (status, _) = s
        .api(
            reqwest::Method::POST,
            "/api/v1/connections",
            Some(
                json!({"workspace": e2e::DEMO_WORKSPACE_ID, "type": "webhook", "name": FRESH,
                        "metadata": {"url": "https://ok.example.com/hook"}}),
            ),
        )
        .await;
    assert_eq!(status, 201);
    assert!(!names(s).await.iter().any(|n| n == FRESH));
    s.click_in_embed("#connections-reload").await?;
    Ok(())
}

async fn names(s: &Stack) -> Vec<String> {
    s.enter_embed().await.expect("the embed");
    let v = s
        .js("return [...document.querySelectorAll('#connections-table .conn-name')].map(e => e.textContent)")
        .await;
    serde_json::from_value(v).expect("names")
}

/// The list as only a response after the fault can show it.
async fn recovered(s: &Stack) {
    eventually("the list from after the fault", || async {
        names(s).await.iter().any(|n| n == FRESH).then_some(())
    })
    .await;
}

async fn list_requests(s: &Stack) -> Vec<Value> {
    s.connection_list_requests().await
}

async fn wait_for_list_requests(s: &Stack, n: usize, limit: Duration) -> Vec<Value> {
    eventually_within(&format!("{n} list requests"), limit, || async {
        let r = list_requests(s).await;
        (r.len() >= n).then_some(r)
    })
    .await
}

async fn rows_shown(s: &Stack) -> usize {
    names(s).await.len()
}

async fn error_title(s: &Stack) -> Option<String> {
    s.enter_embed().await.expect("the embed");
    s.js("return document.querySelector('.error-title')?.textContent ?? null")
        .await
        .as_str()
        .map(str::to_owned)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transient_5xx_is_retried_without_bothering_the_user() -> TestResult {
    let s = Stack::start().await;
    reload_under(
        &s,
        json!({"path": LIST, "kind": "status", "status": 503, "times": 2}),
    )
    .await?;
    wait_for_list_requests(&s, 4, Duration::from_secs(10)).await;
    recovered(&s).await;
    assert_eq!(error_title(&s).await, None);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        list_requests(&s).await.len(),
        4,
        "1 initial + 2 failures + 1 success"
    );
    s.quit().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn persistent_5xx_says_so_and_offers_a_retry() -> TestResult {
    let s = Stack::start().await;
    reload_under(
        &s,
        json!({"path": LIST, "kind": "status", "status": 502, "times": 3}),
    )
    .await?;
    let title = eventually("the error state", || error_title(&s)).await;
    assert_eq!(title, "Injected fault");
    let remedy = s
        .js("return document.querySelector('.error-remedy').textContent")
        .await;
    assert!(
        remedy
            .as_str()
            .unwrap()
            .contains("Something went wrong on Meshes' side")
    );
    assert_eq!(
        list_requests(&s).await.len(),
        4,
        "three tries for the reload, never four"
    );
    s.click_in_embed(".error-state button").await?;
    recovered(&s).await;
    s.quit().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_request_times_out_and_is_retried() -> TestResult {
    let s = Stack::start().await;
    reload_under(&s, json!({"path": LIST, "kind": "hang", "times": 1})).await?;
    let requests = wait_for_list_requests(&s, 3, Duration::from_secs(20)).await;
    let gap = requests[2]["at_ms"].as_u64().unwrap() - requests[1]["at_ms"].as_u64().unwrap();
    assert!(
        (9_500..=13_000).contains(&gap),
        "the 10 s timeout fired after {gap} ms"
    );
    recovered(&s).await;
    assert_eq!(error_title(&s).await, None);
    s.quit().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_connection_is_retried() -> TestResult {
    let s = Stack::start().await;
    reload_under(&s, json!({"path": LIST, "kind": "drop", "times": 1})).await?;
    wait_for_list_requests(&s, 3, Duration::from_secs(10)).await;
    recovered(&s).await;
    assert_eq!(error_title(&s).await, None);
    s.quit().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_are_waited_out_as_the_server_asks() -> TestResult {
    let s = Stack::start().await;
    reload_under(
        &s,
        json!({"path": LIST, "kind": "status", "status": 429, "retry_after": "2", "times": 1}),
    )
    .await?;
    let requests = wait_for_list_requests(&s, 3, Duration::from_secs(10)).await;
    let gap = requests[2]["at_ms"].as_u64().unwrap() - requests[1]["at_ms"].as_u64().unwrap();
    assert!(gap >= 1_900, "Retry-After: 2 was honoured ({gap} ms)");
    recovered(&s).await;
    s.quit().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_responses_keep_the_page_usable_until_data_arrives() -> TestResult {
    let s = Stack::start().await;
    reload_under(
        &s,
        json!({"path": LIST, "kind": "delay", "delay_ms": 3000, "times": 1}),
    )
    .await?;
    // While the slow reload runs (it reached the server), what was shown stays and nothing
    // claims an error.
    wait_for_list_requests(&s, 2, Duration::from_secs(10)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(rows_shown(&s).await, 7);
    assert!(
        !names(&s).await.iter().any(|n| n == FRESH),
        "still the old list"
    );
    assert_eq!(error_title(&s).await, None);
    wait_for_list_requests(&s, 2, Duration::from_secs(10)).await;
    recovered(&s).await;
    s.quit().await;
    Ok(())
}
