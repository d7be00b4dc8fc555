//! When the browser or the host is in the way: a blocked popup, a COOP provider, no popups at
//! all, the redirect round trip, and forged callback messages.

use super::*;

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
    // The whole tab is on the Meshes start page now, which has no opener to vouch for the
    // attempt: it says who asks for what, and goes on only when the user confirms.
    s.driver.enter_default_frame().await?;
    confirm_at_start(&s, &["AWeber", "Acme CRM Production", s.host.as_str()]).await?;
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

/// `meshes:oauth-done` is believed only from the start URL's origin, from the window the embed
/// opened, with the attempt's id and nonce. Each check is forged on its own, with the other
/// two right (the real nonce comes from the sandbox's request log), and each is refused; with
/// all three right it is accepted — and still connects nothing by itself (the real callback's
/// message is accepted in `popup_approve_connects_without_reload`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_callback_messages_are_ignored() -> TestResult {
    let s = Stack::start().await;
    s.open_host(HOST_QUERY).await?;
    s.click_when_ready(".connect-oauth[data-integration='slack']")
        .await?;
    phase_text(&s, "waiting").await;
    let created = eventually("the attempt's creation", || async {
        let r = s.requests_to("POST", "/api/v1/embed/oauth/attempts").await;
        r.into_iter().next()
    })
    .await;
    let body: Value = serde_json::from_str(created["body"].as_str().expect("logged body"))?;
    let nonce = body["nonce"]
        .as_str()
        .expect("the embed's nonce")
        .to_owned();
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
    let message = |nonce: &str| {
        format!(
            "{{type: 'meshes:oauth-done', attempt: '{attempt}', nonce: '{nonce}', status: 'completed'}}"
        )
    };
    let real = message(&nonce);
    // 1. Wrong origin: a script on the host page, holding the iframe.
    s.driver.enter_default_frame().await?;
    s.js(&format!(
        "document.querySelector('iframe.meshes-embed').contentWindow.postMessage({real}, '*'); return true"
    ))
    .await;
    // 2. Wrong window: the embed's own origin, but not the window it opened.
    s.enter_embed().await?;
    s.js(&format!(
        "window.postMessage({real}, location.origin); return true"
    ))
    .await;
    eventually("both refused", || async {
        (hints(&s).await == (0, 2)).then_some(())
    })
    .await;
    // 3. The right window at the wrong origin: the popup, at the provider.
    let main = s.switch_to_new_window().await?;
    eventually("the provider page", || async {
        s.driver.find(By::Css("#provider-account")).await.ok()
    })
    .await;
    s.js(&format!(
        "window.opener.postMessage({real}, '*'); return true"
    ))
    .await;
    // 4. The right window at the right origin, with a guessed nonce.
    s.driver
        .goto(format!("{}/workspace/nowhere", s.meshes))
        .await?;
    let guessed = message("guessed-guessed-guessed");
    s.js(&format!(
        "window.opener.postMessage({guessed}, '*'); return true"
    ))
    .await;
    s.driver.switch_to_window(main.clone()).await?;
    eventually("all four refused", || async {
        (hints(&s).await == (0, 4)).then_some(())
    })
    .await;
    phase_text(&s, "waiting").await;
    // All three right: accepted (it only makes the embed ask the server sooner).
    s.switch_to_new_window().await?;
    s.js(&format!(
        "window.opener.postMessage({real}, '*'); return true"
    ))
    .await;
    s.driver.switch_to_window(main.clone()).await?;
    eventually("the genuine one accepted", || async {
        (hints(&s).await == (1, 4)).then_some(())
    })
    .await;
    phase_text(&s, "waiting").await;
    assert!(
        connections(&s)
            .await
            .iter()
            .all(|c| c["name"] != "Slack (Initech)"),
        "a message alone connects nothing"
    );
    s.quit().await;
    Ok(())
}
