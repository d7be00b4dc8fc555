//! OAuth connection setup through the Meshes-hosted flow, in real Chromium across three origins
//! (host, Meshes, provider): approve, deny + retry, the user closing the popup, a blocked popup
//! continuing in a new tab, a provider that severs the opener with COOP, an iframe sandbox
//! without popups, and reconnecting an inactive connection. Each test checks the connections
//! view and the host's message log.

use e2e::{DEMO_WORKSPACE_ID, Stack, TestResult, eventually, eventually_within};
use reqwest::Method;
use serde_json::Value;
use std::time::Duration;
use thirtyfour::{By, WindowHandle};

const HOST_QUERY: &str = "?role=admin&launch_page=connections";

async fn connections(s: &Stack) -> Vec<Value> {
    let path = format!("/api/v1/workspaces/{DEMO_WORKSPACE_ID}/connections?limit=200");
    let (_, list) = s.api(Method::GET, &path, None).await;
    list["records"].as_array().cloned().unwrap_or_default()
}

/// In the provider's window: type the account name, then approve (or deny).
async fn at_provider(s: &Stack, account: Option<&str>) -> TestResult {
    let field = eventually("the provider's authorization page", || async {
        s.driver.find(By::Css("#provider-account")).await.ok()
    })
    .await;
    match account {
        Some(name) => {
            field.clear().await?;
            field.send_keys(name).await?;
            s.driver
                .find(By::Css("#provider-approve"))
                .await?
                .click()
                .await?;
        }
        None => {
            s.driver
                .find(By::Css("#provider-deny"))
                .await?
                .click()
                .await?
        }
    }
    Ok(())
}

/// Wait for the popup/tab to close itself, then return to the host window.
async fn back_when_closed(s: &Stack, main: WindowHandle) -> TestResult {
    eventually("the sign-in window to close", || async {
        (s.window_count().await == 1).then_some(())
    })
    .await;
    s.driver.switch_to_window(main).await?;
    Ok(())
}

/// Callback messages the embed saw: (accepted, refused).
async fn hints(s: &Stack) -> (u64, u64) {
    s.enter_embed().await.expect("embed");
    let v = s
        .js("const d = document.querySelector('#connect-apps').dataset; return [Number(d.hintsAccepted), Number(d.hintsRefused)]")
        .await;
    (v[0].as_u64().unwrap_or(99), v[1].as_u64().unwrap_or(99))
}

/// Text of the flow's status line in the embed once its phase is `phase`.
async fn phase_text(s: &Stack, phase: &str) -> String {
    s.embed_text(&format!("#oauth-status[data-phase='{phase}']"))
        .await
}

async fn row_text(s: &Stack, name: &str) -> String {
    s.enter_embed().await.expect("embed");
    let script = format!(
        "const r = [...document.querySelectorAll('#connections-table tr')].find(tr => tr.querySelector('.conn-name')?.textContent === {}); \
         return r ? (r.classList.contains('highlight') ? 'highlight ' : '') + r.textContent : null;",
        Value::from(name)
    );
    eventually(&format!("the row {name}"), || async {
        s.js(&script).await.as_str().map(str::to_owned)
    })
    .await
}

/// Mark the embed document so a reload would be noticed.
async fn mark(s: &Stack) {
    s.enter_embed().await.expect("embed");
    s.js("window.__noReload = 42; return true").await;
}

async fn still_marked(s: &Stack) -> bool {
    s.enter_embed().await.expect("embed");
    s.js("return window.__noReload === 42").await == Value::Bool(true)
}

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
async fn blocked_popup_continues_in_a_new_tab() -> TestResult {
    let s = Stack::start().await;
    s.open_host(HOST_QUERY).await?;
    s.embed_text("#connect-apps").await;
    // A popup blocker: the first window.open (the popup) gets nothing back.
    s.js("const open = window.open.bind(window); let n = 0; \
          window.open = (...a) => (n++ === 0 ? null : open(...a)); return true")
        .await;
    s.click_when_ready(".connect-oauth[data-integration='intercom']")
        .await?;
    let blocked = phase_text(&s, "blocked").await;
    assert!(
        blocked.contains("blocked the Intercom sign-in window"),
        "{blocked}"
    );
    assert_eq!(s.window_count().await, 1);
    s.click_when_ready("#oauth-new-tab").await?;
    let main = s.switch_to_new_window().await?;
    at_provider(&s, Some("Hooli")).await?;
    back_when_closed(&s, main).await?;
    assert!(row_text(&s, "Intercom (Hooli)").await.contains("Active"));
    s.wait_for_log("meshes:connection", 1).await;
    s.quit().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn provider_with_coop_severs_the_opener_and_polling_still_completes() -> TestResult {
    let s = Stack::start_with(&[("MESHES_PROVIDER_COOP", "true")]).await;
    s.open_host(HOST_QUERY).await?;
    s.click_when_ready(".connect-oauth[data-integration='pipedrive']")
        .await?;
    let main = s.switch_to_new_window().await?;
    let popup = s.driver.window().await?;
    eventually("the provider page", || async {
        s.driver.find(By::Css("#provider-approve")).await.ok()
    })
    .await;
    // Severed by COOP, the open popup reads as closed from the embed: only the hint changes.
    s.driver.switch_to_window(main.clone()).await?;
    eventually("the closed-window hint while the popup is open", || async {
        let t = s.embed_text("#oauth-status[data-phase='waiting']").await;
        t.contains("If you closed its window").then_some(())
    })
    .await;
    assert_eq!(s.window_count().await, 2);
    s.driver.switch_to_window(popup).await?;
    at_provider(&s, Some("Vandelay")).await?;
    // The callback page loads, but its opener is gone: it can neither post nor close itself.
    eventually("the callback page", || async {
        let t = s
            .js("return document.querySelector('#oauth-result h1')?.textContent ?? null")
            .await;
        t.as_str()
            .filter(|t| t.contains("connected"))
            .map(str::to_owned)
    })
    .await;
    assert_eq!(
        s.js("return window.opener === null").await,
        Value::Bool(true)
    );
    s.driver.switch_to_window(main).await?;
    let row = eventually_within(
        "polling to find the result",
        Duration::from_secs(20),
        || async {
            let t = row_text(&s, "Pipedrive (Vandelay)").await;
            t.contains("Active").then_some(t)
        },
    )
    .await;
    assert!(row.starts_with("highlight"), "{row}");
    assert_eq!(hints(&s).await, (0, 0), "no message got through");
    assert_eq!(s.window_count().await, 2, "the severed window stays open");
    s.wait_for_log("meshes:connection", 1).await;
    s.quit().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn iframe_without_allow_popups_names_the_attribute() -> TestResult {
    let s = Stack::start().await;
    s.open_host(&format!("{HOST_QUERY}&sandbox=no-popups"))
        .await?;
    s.click_when_ready(".connect-oauth[data-integration='discord']")
        .await?;
    phase_text(&s, "blocked").await;
    s.click_when_ready("#oauth-new-tab").await?;
    let text = phase_text(&s, "no-windows").await;
    assert!(
        text.contains("allow-popups allow-popups-to-escape-sandbox"),
        "{text}"
    );
    assert_eq!(s.window_count().await, 1);
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
    let sent = s.wait_for_log("meshes:connection", 1).await;
    assert!(sent[0].contains(r#""outcome":"reauthorized""#), "{sent:?}");
    s.quit().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirect_round_trip_returns_to_the_host_and_shows_the_result() -> TestResult {
    let s = Stack::start().await;
    // A host whose iframe may not open windows, but which opted in to the redirect fallback.
    s.open_host(&format!("{HOST_QUERY}&sandbox=no-popups"))
        .await?;
    s.click_when_ready(".connect-oauth[data-integration='aweber']")
        .await?;
    phase_text(&s, "blocked").await;
    s.click_when_ready("#oauth-redirect").await?;
    let ready = phase_text(&s, "redirect").await;
    assert!(ready.contains("then come back here"), "{ready}");
    s.click_when_ready("#oauth-redirect-go").await?;
    // The whole tab is at the provider now.
    s.driver.enter_default_frame().await?;
    at_provider(&s, Some("Wayne")).await?;
    // Back on the host page, which mints a new session and opens the embed on connections.
    s.wait_for_log("meshes:ready", 1).await;
    let url = s.driver.current_url().await?;
    assert!(url.as_str().starts_with(&s.host), "{url}");
    assert!(
        !url.as_str().contains("meshes_oauth"),
        "the kit strips it: {url}"
    );
    let notice = s.embed_text(".notice-ok").await;
    assert!(notice.contains("AWeber (Wayne) connected"), "{notice}");
    assert!(
        row_text(&s, "AWeber (Wayne)")
            .await
            .starts_with("highlight")
    );
    let sent = s.wait_for_log("meshes:connection", 1).await;
    assert!(sent[0].contains(r#""integration":"aweber""#), "{sent:?}");
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_callback_messages_are_ignored() -> TestResult {
    let s = Stack::start().await;
    s.open_host(HOST_QUERY).await?;
    s.click_when_ready(".connect-oauth[data-integration='slack']")
        .await?;
    phase_text(&s, "waiting").await;
    let starts = eventually("the start page request", || async {
        let r = s.requests_to("GET", "/oauth/start/").await;
        (!r.is_empty()).then_some(r)
    })
    .await;
    let uri = starts[0]["uri"].as_str().unwrap();
    let attempt = uri["/oauth/start/".len()..]
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let forged = format!(
        "{{type: 'meshes:oauth-done', attempt: '{attempt}', nonce: 'guessed-guessed-guessed', status: 'completed'}}"
    );
    // A script on the host page (another origin) holding the iframe...
    s.driver.enter_default_frame().await?;
    s.js(&format!(
        "document.querySelector('iframe.meshes-embed').contentWindow.postMessage({forged}, '*'); return true"
    ))
    .await;
    // ...and a message from the embed's own origin that is not from its popup.
    s.enter_embed().await?;
    s.js(&format!(
        "window.postMessage({forged}, location.origin); return true"
    ))
    .await;
    eventually("both refused", || async {
        (hints(&s).await == (0, 2)).then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    phase_text(&s, "waiting").await;
    assert!(
        connections(&s)
            .await
            .iter()
            .all(|c| c["name"] != "Slack (Initech)")
    );

    let main = s.switch_to_new_window().await?;
    at_provider(&s, Some("Initech")).await?;
    back_when_closed(&s, main).await?;
    assert!(row_text(&s, "Slack (Initech)").await.contains("Active"));
    assert_eq!(hints(&s).await, (1, 2));
    s.quit().await;
    Ok(())
}
