//! The popup paths: approve, deny + retry, closed by the user, reconnect, double click, slow.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn popup_approve_connects_without_reload() -> TestResult {
    let s = Stack::start().await;
    s.open_host(HOST_QUERY).await?;
    s.embed_text("#connect-apps").await;
    mark(&s).await;
    s.click_when_ready(".connect-oauth[data-integration='hubspot']")
        .await?;
    let main = s.switch_to_new_window().await?;
    at_provider(&s, Some("Globex")).await?;
    // The callback page posts to the embed and closes itself.
    back_when_closed(&s, main).await?;

    let notice = s.embed_text(".notice-ok").await;
    assert!(notice.contains("HubSpot (Globex) connected"), "{notice}");
    let row = row_text(&s, "HubSpot (Globex)").await;
    assert!(
        row.starts_with("highlight") && row.contains("Active"),
        "{row}"
    );
    assert!(
        still_marked(&s).await,
        "the connection appeared without a reload"
    );
    let sent = s.wait_for_log("meshes:connection", 1).await;
    assert!(
        sent[0].contains(r#""integration":"hubspot""#)
            && sent[0].contains(r#""outcome":"created""#),
        "{sent:?}"
    );
    let created = connections(&s).await;
    let c = created
        .iter()
        .find(|c| c["name"] == "HubSpot (Globex)")
        .unwrap();
    assert!(sent[0].contains(c["id"].as_str().unwrap()));
    assert!(!sent[0].contains("token"), "never a token: {sent:?}");
    assert_eq!(
        hints(&s).await,
        (1, 0),
        "the callback's message was taken as the fast path"
    );
    s.quit().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn popup_deny_explains_and_try_again_works() -> TestResult {
    let s = Stack::start().await;
    s.open_host(HOST_QUERY).await?;
    s.click_when_ready(".connect-oauth[data-integration='slack']")
        .await?;
    let main = s.switch_to_new_window().await?;
    at_provider(&s, None).await?;
    back_when_closed(&s, main.clone()).await?;
    let why = phase_text(&s, "denied").await;
    assert!(
        why.contains("Slack was not connected: access was denied"),
        "{why}"
    );
    assert!(
        connections(&s)
            .await
            .iter()
            .all(|c| c["type"] != "slack" || c["name"] == "Slack Alerts")
    );

    s.click_when_ready("#oauth-retry").await?;
    s.switch_to_new_window().await?;
    at_provider(&s, Some("Initech")).await?;
    back_when_closed(&s, main).await?;
    assert!(row_text(&s, "Slack (Initech)").await.contains("Active"));
    let log = s.wait_for_log("meshes:connection", 1).await;
    assert_eq!(
        log.len(),
        1,
        "the denied attempt told the host nothing: {log:?}"
    );
    s.quit().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn popup_closed_by_the_user_ends_cancelled_once_the_server_agrees() -> TestResult {
    let s = Stack::start().await;
    s.open_host(HOST_QUERY).await?;
    s.click_when_ready(".connect-oauth[data-integration='zoom']")
        .await?;
    let main = s.switch_to_new_window().await?;
    eventually("the provider page", || async {
        s.driver.find(By::Css("#provider-approve")).await.ok()
    })
    .await;
    s.driver.close_window().await?;
    s.driver.switch_to_window(main).await?;
    let waiting = s.embed_text("#oauth-status[data-phase='waiting']").await;
    eventually("the closed-window hint", || async {
        let t = s.embed_text("#oauth-status").await;
        t.contains("If you closed its window").then_some(())
    })
    .await;
    assert!(waiting.contains("Zoom"));
    s.click_when_ready("#oauth-cancel").await?;
    let ended = phase_text(&s, "cancelled").await;
    assert!(ended.contains("Connecting Zoom was cancelled"), "{ended}");
    assert!(connections(&s).await.iter().all(|c| c["type"] != "zoom"));
    assert!(
        s.host_log()
            .await
            .iter()
            .all(|(t, _)| t != "meshes:connection")
    );
    s.quit().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconnect_reactivates_an_inactive_connection() -> TestResult {
    let s = Stack::start().await;
    s.open_host(HOST_QUERY).await?;
    let before = row_text(&s, "Salesforce Marketing").await;
    assert!(before.contains("Needs attention"), "{before}");
    s.click_when_ready(".reconnect-connection").await?;
    let main = s.switch_to_new_window().await?;
    at_provider(&s, Some("Umbrella")).await?;
    back_when_closed(&s, main).await?;
    let notice = s.embed_text(".notice-ok").await;
    assert!(
        notice.contains("Salesforce (Umbrella) reconnected"),
        "{notice}"
    );
    let after = row_text(&s, "Salesforce Marketing").await;
    assert!(
        after.contains("Active") && after.starts_with("highlight"),
        "{after}"
    );
    assert!(
        after.contains("Account: Umbrella"),
        "the row names the account: {after}"
    );
    let sent = s.wait_for_log("meshes:connection", 1).await;
    assert!(sent[0].contains(r#""outcome":"reauthorized""#), "{sent:?}");
    s.quit().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn double_click_starts_one_attempt() -> TestResult {
    let s = Stack::start().await;
    s.open_host(HOST_QUERY).await?;
    s.embed_text("#connect-apps").await;
    s.js(
        "const b = document.querySelector(\".connect-oauth[data-integration='hubspot']\"); \
          b.click(); b.click(); return true",
    )
    .await;
    phase_text(&s, "waiting").await;
    assert_eq!(s.window_count().await, 2, "one popup");
    let created = s.requests_to("POST", "/api/v1/embed/oauth/attempts").await;
    assert_eq!(created.len(), 1, "{created:?}");
    s.quit().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_api_and_slow_provider_still_open_the_popup_in_the_click() -> TestResult {
    let s = Stack::start_with(&[("MESHES_PROVIDER_SLOW_MS", "2000")]).await;
    s.open_host(HOST_QUERY).await?;
    s.embed_text("#connect-apps").await;
    // Creating the attempt takes 3 s: the window must already be open (no await before open).
    s.fault(serde_json::json!({"path": "/api/v1/embed/oauth/attempts", "kind": "delay", "delay_ms": 3000, "times": 1}))
        .await;
    s.click_when_ready(".connect-oauth[data-integration='hubspot']")
        .await?;
    assert_eq!(
        s.window_count().await,
        2,
        "the popup opened in the click, before the attempt existed"
    );
    let opening = phase_text(&s, "opening").await;
    assert!(opening.contains("Opening HubSpot"), "{opening}");
    let main = s.switch_to_new_window().await?;
    at_provider(&s, Some("Soylent")).await?;
    back_when_closed(&s, main).await?;
    assert!(row_text(&s, "HubSpot (Soylent)").await.contains("Active"));
    s.quit().await;
    Ok(())
}
