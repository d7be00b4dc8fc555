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

mod handshake;
mod obstacles;
mod popup;

const HOST_QUERY: &str = "?role=admin&launch_page=connections";

pub async fn connections(s: &Stack) -> Vec<Value> {
    let path = format!("/api/v1/workspaces/{DEMO_WORKSPACE_ID}/connections?limit=200");
    let (_, list) = s.api(Method::GET, &path, None).await;
    list["records"].as_array().cloned().unwrap_or_default()
}

/// In the provider's window: type the account name, then approve (or deny).
pub async fn at_provider(s: &Stack, account: Option<&str>) -> TestResult {
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
pub async fn back_when_closed(s: &Stack, main: WindowHandle) -> TestResult {
    eventually("the sign-in window to close", || async {
        (s.window_count().await == 1).then_some(())
    })
    .await;
    s.driver.switch_to_window(main).await?;
    Ok(())
}

/// Callback messages the embed saw: (accepted, refused).
pub async fn hints(s: &Stack) -> (u64, u64) {
    s.enter_embed().await.expect("embed");
    let v = s
        .js("const d = document.querySelector('#connect-apps').dataset; return [Number(d.hintsAccepted), Number(d.hintsRefused)]")
        .await;
    (v[0].as_u64().unwrap_or(99), v[1].as_u64().unwrap_or(99))
}

/// Text of the flow's status line in the embed once its phase is `phase`.
pub async fn phase_text(s: &Stack, phase: &str) -> String {
    s.embed_text(&format!("#oauth-status[data-phase='{phase}']"))
        .await
}

pub async fn row_text(s: &Stack, name: &str) -> String {
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
pub async fn mark(s: &Stack) {
    s.enter_embed().await.expect("embed");
    s.js("window.__noReload = 42; return true").await;
}

pub async fn still_marked(s: &Stack) -> bool {
    s.enter_embed().await.expect("embed");
    s.js("return window.__noReload === 42").await == Value::Bool(true)
}

/// On the start page's confirmation (no opener vouched for the attempt): its text once shown,
/// after checking it names `named`; then "Continue" once it is enabled (a second after).
pub async fn confirm_at_start(s: &Stack, named: &[&str]) -> TestResult {
    let ask = eventually("the confirmation", || async {
        s.try_js("const c = document.querySelector('#oauth-confirm'); return c && !c.hidden ? c.textContent : null")
            .await
            .ok()?
            .as_str()
            .map(str::to_owned)
    })
    .await;
    for n in named {
        assert!(ask.contains(n), "names {n}: {ask}");
    }
    let focused = s.js("return document.activeElement?.id ?? null").await;
    assert_eq!(
        focused, "oauth-confirm-title",
        "nothing a held key could press has focus"
    );
    eventually("Continue to be enabled", || async {
        (s.try_js("return document.querySelector('#oauth-continue').disabled")
            .await
            .ok()?
            == Value::Bool(false))
        .then_some(())
    })
    .await;
    s.driver
        .find(By::Css("#oauth-continue"))
        .await?
        .click()
        .await?;
    Ok(())
}
