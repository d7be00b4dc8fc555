//! Where a launch URL can be used: only framed by its host, once, and never again after a reload.

use super::*;
use e2e::{TestResult, attacker};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_launch_url_framed_by_another_site_never_starts() -> TestResult {
    let s = Stack::start().await;
    let evil = attacker::start().await;
    let session = mint(&s, json!({"launch_ttl_seconds": 60})).await;
    let launch_url = session["launch_url"].as_str().unwrap();
    s.driver
        .goto(format!("{evil}/frame.html#{}", enc(launch_url)))
        .await?;
    framed_page_settled(&s).await;
    assert_eq!(
        s.js("return window.__got").await,
        json!([]),
        "the embed must not even say ready"
    );
    assert!(
        s.requests_to("POST", "/api/v1/embed/launch")
            .await
            .is_empty(),
        "blocked before any script ran"
    );
    // The blocked attempt did not burn the launch token: the real host can still use it.
    let body =
        json!({"launch_token": session["launch_token"], "session_id": session["session_id"]});
    let (status, _) = s
        .api(reqwest::Method::POST, "/api/v1/embed/launch", Some(body))
        .await;
    assert_eq!(status, 200);
    s.quit().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spent_launch_url_is_refused_everywhere() -> TestResult {
    let s = Stack::start().await;
    let evil = attacker::start().await;
    s.open_host("").await?;
    s.embed_text("#kpi-events").await;
    s.driver.enter_default_frame().await?;
    let spent = s
        .js("return document.querySelector('iframe.meshes-embed').src")
        .await;
    let spent = spent.as_str().unwrap().to_owned();
    assert!(spent.contains("#launch="));
    let exchanges = s.requests_to("POST", "/api/v1/embed/launch").await.len();

    // Framed by another site: blocked by frame-ancestors.
    s.driver
        .goto(format!("{evil}/frame.html#{}", enc(&spent)))
        .await?;
    framed_page_settled(&s).await;
    assert_eq!(s.js("return window.__got").await, json!([]));
    // Opened top-level: refuses to run unframed, without even trying the token.
    s.driver.goto(&spent).await?;
    let text = eventually("the unframed refusal", || async {
        s.js("return document.querySelector('.error-title')?.textContent ?? null")
            .await
            .as_str()
            .map(str::to_owned)
    })
    .await;
    assert_eq!(
        text,
        "This workspace can only be opened inside the app that embeds it"
    );
    assert!(
        !s.js("return location.href")
            .await
            .as_str()
            .unwrap()
            .contains("launch=")
    );
    assert_eq!(
        s.requests_to("POST", "/api/v1/embed/launch").await.len(),
        exchanges
    );
    s.quit().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hard_reload_of_the_embed_needs_a_new_session() -> TestResult {
    let s = Stack::start().await;
    s.open_host("").await?;
    s.embed_text("#kpi-events .kpi-value").await;
    s.enter_embed().await?;
    // The secret was stripped, so a reload of the current URL carries no launch token; the
    // non-secret session reference still gets the document framed for this host.
    s.js("location.reload()").await;
    assert_reload_says_start_again(&s).await;
    s.quit().await;
    Ok(())
}

/// The reloaded frame shows "start again" (so it was framed, not refused) and tells the host.
async fn assert_reload_says_start_again(s: &Stack) {
    let title = eventually("the invalid-launch state after reload", || async {
        s.enter_embed().await.ok()?;
        let t = s
            .try_js("return document.querySelector('.error-title')?.textContent ?? null")
            .await
            .ok()?;
        t.as_str().map(str::to_owned)
    })
    .await;
    assert_eq!(title, "Invalid or expired embed launch token");
    let expired = s.wait_for_log("meshes:token-expired", 1).await;
    assert!(expired[0].contains("launch_token_missing"), "{expired:?}");
}

/// In-app navigation keeps the session reference in the frame's URL, so a reload (or a history
/// restore) after it is framed for this host too, instead of a dead, refused frame.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reloading_after_in_app_navigation_also_tells_the_host() -> TestResult {
    let s = Stack::start().await;
    s.open_host("").await?;
    s.embed_text("#kpi-events .kpi-value").await;
    s.click_in_embed(".ws-nav a[href^='/workspace/events?']")
        .await?;
    s.wait_for_log("meshes:navigate", 1).await;
    s.embed_text("#events-table").await;
    s.enter_embed().await?;
    let url = s.js("return location.pathname + location.search").await;
    let sid = s.host_session_id().await;
    assert_eq!(url, format!("/workspace/events?session={sid}"), "{url}");
    s.enter_embed().await?;
    s.js("location.reload()").await;
    assert_reload_says_start_again(&s).await;
    s.quit().await;
    Ok(())
}
