//! Forged messages: from another site, from a sandboxed sibling frame, and before the runtime runs.

use super::*;
use e2e::{TestResult, attacker};
use serde_json::json;

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
        (try_root_counter(&s, "authInstalled").await? == 1).then_some(())
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
        (try_root_counter(&s, "messagesDropped").await? > dropped_before).then_some(())
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
        (root.ok()? == json!(true) && try_root_counter(&s, "authInstalled").await? == 1)
            .then_some(())
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
