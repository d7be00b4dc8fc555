//! Token lifecycle through the real host kit: scheduled refresh, stale tokens, refresh
//! failure, revocation, and recovery without losing what the user typed.

use e2e::{Stack, TestResult, eventually, eventually_within};
use serde_json::Value;
use std::time::Duration;

const CONTRACT_TIMEOUT: Duration = Duration::from_secs(45);

async fn rows(s: &Stack) -> Vec<String> {
    s.enter_embed().await.ok();
    let v = s.js("return [...document.querySelectorAll('#connections-table .conn-name')].map(e => e.textContent)").await;
    serde_json::from_value(v).unwrap_or_default()
}

async fn banner(s: &Stack) -> Option<String> {
    s.enter_embed().await.ok()?;
    s.js("return document.querySelector('#session-banner')?.textContent ?? null")
        .await
        .as_str()
        .map(str::to_owned)
}

async fn filter_value(s: &Stack) -> String {
    s.enter_embed().await.ok();
    s.js("return document.querySelector('#connection-filter').value")
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Open the connections page and type into its filter (the "unsaved input" to keep).
async fn connections_with_filter(s: &Stack, query: &str) -> TestResult {
    s.open_host(query).await?;
    type_filter(s).await
}

async fn type_filter(s: &Stack) -> TestResult {
    s.embed_text("#connections-table").await;
    s.type_in_embed("#connection-filter", "Hub").await?;
    eventually("the filter to apply", || async {
        (rows(s).await == ["HubSpot Sales"]).then_some(())
    })
    .await;
    Ok(())
}

/// The text of the first host-log entry of type `ty`, once there is one.
async fn first_in_log(s: &Stack, ty: &str) -> Option<String> {
    let log = s.host_log().await;
    log.into_iter().find(|(t, _)| t == ty).map(|(_, text)| text)
}

/// Authorization headers of the connection-list requests, oldest first.
async fn list_tokens(s: &Stack) -> Vec<String> {
    let requests = s.connection_list_requests().await;
    requests
        .iter()
        .filter_map(|r| r["authorization"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scheduled_refresh_keeps_data_loading_past_the_first_tokens_expiry() -> TestResult {
    let s = Stack::start().await;
    s.open_host("?ttl_seconds=20").await?;
    s.embed_text("#kpi-events .kpi-value").await;
    // A 20 s token is refreshed at half-life (10 s after it arrived), before it runs out.
    let asked = eventually_within("a scheduled refresh", Duration::from_secs(30), || async {
        let log = s.host_log().await;
        log.into_iter()
            .find(|(t, _)| t == "meshes:token-refresh")
            .map(|(_, text)| text)
    })
    .await;
    assert!(asked.contains(r#""reason":"scheduled""#), "{asked}");
    s.wait_for_log("host:token-refreshed", 1).await;
    tokio::time::sleep(Duration::from_secs(12)).await; // past the first token's expiry
    s.click_in_embed(".ws-nav a[href^='/workspace/connections?']")
        .await?;
    eventually("connections after the first token expired", || async {
        (rows(&s).await.len() == 7).then_some(())
    })
    .await;
    assert!(
        !s.host_log()
            .await
            .iter()
            .any(|(t, _)| t == "meshes:token-expired")
    );
    let lists = list_tokens(&s).await;
    let whoami = s.requests_to("GET", "/api/v1/embed/session").await;
    assert_eq!(lists.len(), 1);
    assert_ne!(
        whoami[0]["authorization"].as_str(),
        Some(lists[0].as_str()),
        "the list used the refreshed token"
    );
    assert!(s.embed_counter("authInstalled").await >= 2);
    s.quit().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_refreshed_behind_the_embeds_back_recovers_on_its_first_401() -> TestResult {
    let s = Stack::start().await;
    connections_with_filter(&s, "?launch_page=connections").await?;
    let sid = s.host_session_id().await;
    let (status, _) = s
        .api(
            reqwest::Method::POST,
            &format!("/api/v1/sessions/{sid}/refresh"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    s.click_in_embed("#connections-reload").await?;
    let asked = s.wait_for_log("meshes:token-refresh", 1).await;
    assert!(asked[0].contains(r#""reason":"unauthorized""#), "{asked:?}");
    s.wait_for_log("host:token-refreshed", 1).await;
    eventually("the retried list", || async {
        (list_tokens(&s).await.len() == 3).then_some(())
    })
    .await;
    let tokens = list_tokens(&s).await;
    assert_eq!(tokens[0], tokens[1], "the stale token was tried once");
    assert_ne!(tokens[1], tokens[2], "then retried once with the new one");
    assert_eq!(rows(&s).await, ["HubSpot Sales"]);
    assert_eq!(filter_value(&s).await, "Hub");
    assert!(banner(&s).await.is_none());
    s.quit().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_refreshes_expire_the_session_and_a_late_auth_recovers_it() -> TestResult {
    let s = Stack::start().await;
    connections_with_filter(&s, "?launch_page=connections").await?;
    // The host backend cannot refresh for a while.
    s.renewal_fails().await;
    s.click_in_embed("#connections-reload").await?;
    // The kit retried with backoff, then told the host and the embed at once: the embed says
    // why right away instead of after its 30 s timeout.
    s.wait_for_log("host:refresh-failed", 1).await;
    let expired = eventually("meshes:token-expired right after the failure", || {
        first_in_log(&s, "meshes:token-expired")
    })
    .await;
    assert!(expired.contains("refresh_failed"), "{expired}");
    let tries = s.requests_to("POST", "/api/embed-sessions/").await.len();
    assert!(tries >= 3, "the kit tried {tries} times before giving up");
    // Grace state: the page and the typed filter stay; the banner says what happened.
    let text = banner(&s).await.unwrap();
    assert!(
        text.contains("could not renew") && text.contains("unsaved input is kept"),
        "{text}"
    );
    assert_eq!(rows(&s).await, ["HubSpot Sales"]);
    assert_eq!(filter_value(&s).await, "Hub");

    // The backend is back; the host pushes a token: the embed recovers without a reload.
    s.clear_faults().await;
    s.click_on_host("#refresh-now").await?;
    eventually("the banner to go", || async {
        banner(&s).await.is_none().then_some(())
    })
    .await;
    eventually("the queued reload to finish", || async {
        (list_tokens(&s).await.len() == 3).then_some(())
    })
    .await;
    assert_eq!(rows(&s).await, ["HubSpot Sales"]);
    assert_eq!(filter_value(&s).await, "Hub");
    s.quit().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_session_ends_within_30_seconds_keeping_input() -> TestResult {
    let s = Stack::start().await;
    connections_with_filter(&s, "?launch_page=connections").await?;
    let sid = s.host_session_id().await;
    let (status, _) = s
        .api(
            reqwest::Method::DELETE,
            &format!("/api/v1/sessions/{sid}"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    s.click_in_embed("#connections-reload").await?;
    let started = std::time::Instant::now();
    s.wait_for_log("host:refresh-failed", 1).await;
    let expired = eventually_within("meshes:token-expired", CONTRACT_TIMEOUT, || {
        first_in_log(&s, "meshes:token-expired")
    })
    .await;
    assert!(
        started.elapsed() <= Duration::from_secs(35),
        "took {:?}",
        started.elapsed()
    );
    assert!(expired.contains("refresh_failed"), "{expired}");
    assert!(banner(&s).await.is_some());
    assert_eq!(rows(&s).await, ["HubSpot Sales"]);
    assert_eq!(filter_value(&s).await, "Hub");
    s.quit().await;
    Ok(())
}

/// A host that drops one `meshes:token-refresh` (asleep, busy, a lost message) does not end the
/// session: the embed pauses after 30 s (`refresh_timeout`), asks again 5 s later, and the
/// answer brings it back in place — the queued reload goes out, the typed filter stays.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ignored_refresh_is_asked_again_and_answering_recovers() -> TestResult {
    let s = Stack::start().await;
    s.open_host("?launch_page=connections").await?;
    // The host page loses the first ask: a listener registered before the kit's (the embed is
    // launched again after it) swallows it.
    s.driver.enter_default_frame().await?;
    s.js("window.__asks = []; addEventListener('message', (e) => { \
          if (e.data?.type !== 'meshes:token-refresh') return; \
          window.__asks.push(performance.now()); \
          if (window.__asks.length === 1) e.stopImmediatePropagation(); }, true); return true")
        .await;
    s.click_on_host("#session-form button[type=submit]").await?;
    s.wait_for_log("meshes:ready", 2).await;
    type_filter(&s).await?;
    let asks = || async {
        s.driver.enter_default_frame().await.ok()?;
        let v = s.js("return window.__asks").await;
        v.as_array()
            .map(|a| a.iter().filter_map(Value::as_f64).collect::<Vec<_>>())
    };
    // The token goes stale behind the embed's back; the next read is a 401, so it asks.
    let sid = s.host_session_id().await;
    s.api(
        reqwest::Method::POST,
        &format!("/api/v1/sessions/{sid}/refresh"),
        None,
    )
    .await;
    let before = list_tokens(&s).await.len();
    s.click_in_embed("#connections-reload").await?;
    eventually("the first ask", || async {
        asks().await.filter(|a| a.len() == 1)
    })
    .await;
    // Unanswered: after 30 s the embed pauses and says why.
    let expired = eventually_within("the pause", CONTRACT_TIMEOUT, || {
        first_in_log(&s, "meshes:token-expired")
    })
    .await;
    assert!(expired.contains("refresh_timeout"), "{expired}");
    assert_eq!(filter_value(&s).await, "Hub");
    // And asks again by itself: the 30 s wait plus the first 5 s of backoff.
    let times = eventually_within("a second ask", Duration::from_secs(40), || async {
        asks().await.filter(|a| a.len() >= 2)
    })
    .await;
    let gap = (times[1] - times[0]) / 1000.0;
    assert!((30.0..=60.0).contains(&gap), "asked again after {gap:.1} s");
    // The kit answers this one: back without a reload, the queued reload goes out, input kept.
    s.wait_for_log("host:token-refreshed", 1).await;
    eventually("the banner to go", || async {
        banner(&s).await.is_none().then_some(())
    })
    .await;
    eventually("the queued reload with the new token", || async {
        (list_tokens(&s).await.len() == before + 2).then_some(())
    })
    .await;
    let tokens = list_tokens(&s).await;
    assert_ne!(
        tokens[before],
        tokens[before + 1],
        "the refused token, then the new one"
    );
    assert_eq!(rows(&s).await, ["HubSpot Sales"]);
    assert_eq!(filter_value(&s).await, "Hub");
    s.quit().await;
    Ok(())
}
