//! A hostile fourth origin against a running embed: framing, forged messages, replays.

use e2e::{DEMO_WORKSPACE_ID, Stack, TestResult, attacker, eventually};
use serde_json::{Value, json};
use std::time::Duration;

/// Mint a session straight from the Meshes API (as another host backend would).
async fn mint(s: &Stack, extra: Value) -> Value {
    let mut body = json!({"workspace_id": DEMO_WORKSPACE_ID, "allowed_origins": [s.host]});
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    let (status, json) = s
        .api(reqwest::Method::POST, "/api/v1/sessions", Some(body))
        .await;
    assert_eq!(status, 200, "{json}");
    json
}

/// The attacker's frame has finished loading (the browser decided about framing it), plus a
/// moment for any message it could send: only then does "nothing arrived" mean something.
async fn framed_page_settled(s: &Stack) {
    eventually("the framed page's load", || async {
        let n = s.try_js("return window.__loads ?? 0").await.ok()?;
        (n.as_u64()? >= 1).then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_millis(700)).await;
}

fn enc(url: &str) -> String {
    url.replace('%', "%25").replace('#', "%23")
}

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
async fn forged_auth_from_another_site_is_ignored() -> TestResult {
    let s = Stack::start().await;
    let evil = attacker::start().await;
    // The victim's host page, opened by the attacker as a popup.
    s.driver
        .goto(format!(
            "{evil}/opener.html#{}",
            enc(&format!("{}/", s.host))
        ))
        .await?;
    s.driver
        .find(thirtyfour::By::Id("open"))
        .await?
        .click()
        .await?;
    let handles = s.driver.windows().await?;
    let attacker_window = s.driver.window().await?;
    let popup = handles
        .into_iter()
        .find(|h| *h != attacker_window)
        .expect("popup");
    s.driver.switch_to_window(popup.clone()).await?;
    s.wait_for_log("meshes:ready", 1).await;
    s.embed_text("#kpi-events .kpi-value").await;
    assert_eq!(s.embed_counter("authInstalled").await, 1);
    let dropped_before = s.embed_counter("messagesDropped").await;

    // A perfectly valid token — of another session of the same workspace, with more power.
    let other = mint(
        &s,
        json!({"role": "owner", "scopes": ["events.payload:read"]}),
    )
    .await;
    let token = other["access_token"].as_str().unwrap().to_owned();
    s.driver.switch_to_window(attacker_window.clone()).await?;
    s.driver
        .execute("window.__forge(arguments[0]);", vec![json!(token)])
        .await?;
    s.driver.switch_to_window(popup).await?;
    eventually("the forged message to reach the embed", || async {
        (s.embed_counter("messagesDropped").await > dropped_before).then_some(())
    })
    .await;
    assert_eq!(
        s.embed_counter("authInstalled").await,
        1,
        "no forged token was installed"
    );
    let presented = s.requests().await.into_iter().any(|r| {
        r["authorization"]
            .as_str()
            .is_some_and(|a| a.contains(&token))
    });
    assert!(
        !presented,
        "a forged token must never be presented to the API"
    );
    assert!(s.wait_for_log("meshes:ready", 1).await.len() == 1);
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
async fn forged_auth_from_a_sandboxed_sibling_frame_is_ignored() -> TestResult {
    let s = Stack::start().await;
    let evil = attacker::start().await;
    // This page is a legitimate host for its own session; a sandboxed widget on it is not.
    let own = mint(&s, json!({"allowed_origins": [evil]})).await;
    let other = mint(&s, json!({"role": "owner"})).await;
    let params = json!({"launch_url": own["launch_url"], "token": own["access_token"]}).to_string();
    s.driver
        .goto(format!("{evil}/host.html#{}", enc(&params)))
        .await?;
    eventually("the embed to take its own token", || async {
        enter_embed_by_id(&s).await?;
        (root_counter(&s, "authInstalled").await == 1).then_some(())
    })
    .await;
    let dropped_before = root_counter(&s, "messagesDropped").await;
    s.driver.enter_default_frame().await?;
    s.driver
        .execute(
            "window.__sandboxForge(arguments[0])",
            vec![other["access_token"].clone()],
        )
        .await?;
    eventually("the sandboxed frame's message to be dropped", || async {
        enter_embed_by_id(&s).await?;
        (root_counter(&s, "messagesDropped").await > dropped_before).then_some(())
    })
    .await;
    assert_eq!(root_counter(&s, "authInstalled").await, 1);
    let token = other["access_token"].as_str().unwrap();
    assert!(!s.requests().await.iter().any(|r| {
        r["authorization"]
            .as_str()
            .is_some_and(|a| a.contains(token))
    }));
    s.quit().await;
    Ok(())
}

async fn enter_embed_by_id(s: &Stack) -> Option<()> {
    s.driver.enter_default_frame().await.ok()?;
    s.driver
        .find(thirtyfour::By::Id("embed"))
        .await
        .ok()?
        .enter_frame()
        .await
        .ok()
}

/// A counter `data-` attribute of the embed root, read in the current frame.
async fn root_counter(s: &Stack, name: &str) -> u64 {
    let v = s
        .js(&format!(
            "return document.querySelector('.meshes-root')?.dataset['{name}'] ?? null"
        ))
        .await;
    v.as_str()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no numeric data-{name} on the embed root: {v}"))
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

/// The loader tells the host `meshes:ready` while the runtime is still on its way, and keeps
/// what arrives meanwhile unread: the runtime checks every kept message like a live one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_that_arrive_before_the_runtime_runs_are_checked_like_live_ones() -> TestResult {
    let s = Stack::start().await;
    let evil = attacker::start().await;
    let wasm = e2e::build_path("meshes-embed_bg.wasm");
    // Long enough for the checks below on a busy machine (the delay runs out on its own).
    s.fault(json!({"path": wasm, "kind": "delay", "delay_ms": 10000}))
        .await;
    // A legitimate host for its own session (it answers `meshes:ready` with its token), with a
    // sandboxed widget on it that is not.
    let own = mint(&s, json!({"allowed_origins": [evil]})).await;
    let other = mint(&s, json!({"role": "owner"})).await;
    let forged = other["access_token"].as_str().unwrap().to_owned();
    let params = json!({"launch_url": own["launch_url"], "token": own["access_token"]}).to_string();
    s.driver
        .goto(format!("{evil}/host.html#{}", enc(&params)))
        .await?;
    let kept = "return window.__meshesEarly ? window.__meshesEarly.inbox.length : null";
    eventually("the host's token, kept by the loader", || async {
        enter_embed_by_id(&s).await?;
        (s.try_js(kept).await.ok()?.as_u64()? >= 1).then_some(())
    })
    .await;
    // From the right window and origin but malformed; then a real token of another session
    // from the sandboxed widget ("null" origin).
    s.driver.enter_default_frame().await?;
    s.driver
        .execute(
            "const f = document.getElementById('embed');
             f.contentWindow.postMessage({type: 'meshes:auth', token: 42}, new URL(f.src).origin);
             window.__sandboxForge(arguments[0]);",
            vec![json!(forged)],
        )
        .await?;
    // The parent's malformed message is kept for the runtime's checks; the widget's is not
    // even kept (it is not from the parent), only counted.
    eventually(
        "the loader to keep one forgery and count the other",
        || async {
            enter_embed_by_id(&s).await?;
            let seen = s
                .try_js(
                    "const e = window.__meshesEarly; return e ? [e.inbox.length, e.dropped] : null",
                )
                .await
                .ok()?;
            (seen == json!([2, 1])).then_some(())
        },
    )
    .await;
    assert_eq!(
        s.js("return !!document.querySelector('.meshes-root')")
            .await,
        json!(false),
        "the runtime is not running yet"
    );
    s.clear_faults().await;
    eventually("the runtime to take the host's token", || async {
        enter_embed_by_id(&s).await?;
        let root = s
            .try_js("return !!document.querySelector('.meshes-root')")
            .await;
        (root.ok()? == json!(true) && root_counter(&s, "authInstalled").await == 1).then_some(())
    })
    .await;
    assert_eq!(
        root_counter(&s, "messagesDropped").await,
        2,
        "the malformed and the forged message"
    );
    let presented = s.requests().await.into_iter().any(|r| {
        r["authorization"]
            .as_str()
            .is_some_and(|a| a.contains(&forged))
    });
    assert!(!presented, "the forged token never reached the API");
    s.driver.enter_default_frame().await?;
    assert_eq!(
        s.js("return window.__readies").await,
        json!(1),
        "the host heard `meshes:ready` once"
    );
    s.quit().await;
    Ok(())
}
