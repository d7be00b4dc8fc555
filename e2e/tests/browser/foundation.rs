//! The first end-to-end slice: host page -> iframe (another origin) -> sandbox API.

use e2e::{DEMO_WORKSPACE_ID, Stack, TestResult, eventually};
use serde_json::Value;

/// The visible (non-hidden) seeded connections.
const SEEDED_CONNECTIONS: [&str; 7] = [
    "HubSpot Sales",
    "Salesforce Marketing",
    "Slack Alerts",
    "Mailchimp Newsletter",
    "Order Webhook",
    "Resend Transactional",
    "Intercom Support",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dashboard_shows_seeded_data_across_origins() -> TestResult {
    let s = Stack::start().await;
    s.open_host("").await?;
    let (status, metrics) = s
        .api(
            reqwest::Method::GET,
            &format!("/api/v1/workspaces/{DEMO_WORKSPACE_ID}/dashboard?days=14"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    let events = metrics["events"]["total"].as_u64().unwrap();
    assert!(
        events > 300,
        "seed should put hundreds of events in the window, got {events}"
    );

    // In the browser's locale (en-US here): digits grouped by thousands.
    assert_eq!(
        s.embed_text("#kpi-events .kpi-value")
            .await
            .replace(',', ""),
        events.to_string()
    );
    assert_eq!(s.embed_text(".ws-name").await, "Acme CRM Production");
    let failed = metrics["deliveries"]["failed"].as_u64().unwrap();
    assert_eq!(
        s.embed_text("#kpi-failed .kpi-value").await,
        failed.to_string()
    );
    // The embed really is on another origin than the host page.
    assert_eq!(
        s.js("return location.origin").await,
        Value::from(s.meshes.clone())
    );
    // The launch secret was stripped from the URL before anything rendered.
    let href = s.js("return location.href").await;
    assert!(!href.as_str().unwrap().contains("launch="), "{href}");
    s.screenshot("dashboard").await;
    s.quit().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn navigating_to_connections_notifies_the_host_and_lists_seeded_connections() -> TestResult {
    let s = Stack::start().await;
    s.open_host("").await?;
    s.embed_text("#kpi-events").await;
    s.uncovered().await?;
    s.driver
        .find(thirtyfour::By::LinkText("Connections"))
        .await?
        .click()
        .await?;
    s.embed_text("#connections-table").await;
    let names: Vec<String> = eventually("seeded connection rows", || async {
        let v = s.js("return [...document.querySelectorAll('#connections-table .conn-name')].map(td => td.textContent)").await;
        let names: Vec<String> = serde_json::from_value(v).unwrap_or_default();
        (names.len() == SEEDED_CONNECTIONS.len()).then_some(names)
    })
    .await;
    for expected in SEEDED_CONNECTIONS {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} missing from {names:?}"
        );
    }
    assert!(
        !names.iter().any(|n| n == "Internal Audit Webhook"),
        "hidden connection shown"
    );
    let inactive = s.embed_text("tr:has(.badge-failed) .conn-name").await;
    assert!(["Salesforce Marketing", "Resend Transactional"].contains(&inactive.as_str()));

    let navigations = s.wait_for_log("meshes:navigate", 1).await;
    assert!(
        navigations[0].contains(r#""path":"/workspace/connections""#),
        "{navigations:?}"
    );
    assert!(
        navigations[0].contains(r#""page":"connections""#),
        "{navigations:?}"
    );
    s.screenshot("connections").await;
    s.quit().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn iframe_height_follows_resize_messages() -> TestResult {
    let s = Stack::start().await;
    s.open_host("").await?;
    s.embed_text("#kpi-events").await;
    // The dashboard is taller than the host's 480 px minimum: the iframe grows to it.
    eventually("a resize above the minimum", || async {
        let last = last_resize(&s).await?;
        (last > 480).then_some(last)
    })
    .await;
    // The frame growing can take the host page's own scrollbar away or bring it: the frame's
    // width changes, the content re-wraps and reports again. Check the height it settles at.
    settle(&s).await;
    let tall = last_resize(&s).await.expect("a resize");
    assert!(tall > 480, "{tall}");
    assert_eq!(iframe_height(&s).await, tall);
    // The whole content fits: no scrollbar inside the frame.
    s.enter_embed().await?;
    let overflow = s
        .js("return document.documentElement.scrollHeight - document.documentElement.clientHeight")
        .await;
    assert_eq!(
        overflow.as_i64(),
        Some(0),
        "content overflows the iframe by {overflow}px"
    );

    // A short page shrinks the content; the host clamps to its minimum.
    s.enter_embed().await?;
    s.driver
        .find(thirtyfour::By::LinkText("Rules"))
        .await?
        .click()
        .await?;
    // The page loads in steps (skeleton, filters, table), each a real content change: wait
    // until its table is there and the messages stop, then check the host applied the last one.
    s.embed_text("#rules-table").await;
    let settled = settle(&s).await;
    let last = last_resize(&s).await.expect("a resize");
    assert_ne!(last, tall, "the rules page reported its own height");
    assert_eq!(iframe_height(&s).await, last.max(480));

    // No feedback loop: once settled, applying the height produces no further resizes.
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    assert_eq!(s.wait_for_log("meshes:resize", 1).await.len(), settled);
    s.quit().await;
    Ok(())
}

/// Decision 71: content that outgrows the frame (until the host applies the new height) brings
/// a scrollbar; the content's width must not change with it, or every row is laid out again
/// twice per page switch.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_content_width_does_not_change_when_a_scrollbar_comes() -> TestResult {
    let s = Stack::start().await;
    s.open_host("").await?;
    s.embed_text("#kpi-events").await;
    // The room the content leaves of its frame's width (the frame's own width may change: the
    // host page can lose its scrollbar when the frame gets shorter).
    let width = "return window.innerWidth - document.querySelector('.meshes-root').getBoundingClientRect().width";
    let fits = s.js(width).await;
    // The host caps the frame well below the dashboard's height: the content overflows.
    s.driver.enter_default_frame().await?;
    // (Through the CSSOM: the demo page's CSP refuses a `<style>` element, and the kit only
    // ever sets `height`.)
    s.js("document.querySelector('iframe.meshes-embed').style.setProperty('max-height', '200px', 'important'); return true").await;
    s.enter_embed().await?;
    let overflow = eventually("the content to overflow the frame", || async {
        let v = s
            .js("const d = document.documentElement; return d.scrollHeight - d.clientHeight")
            .await;
        v.as_i64().filter(|&px| px > 0)
    })
    .await;
    // This browser draws classic scrollbars, so a scrollbar takes room here…
    let room = s
        .js("return window.innerWidth - document.documentElement.clientWidth")
        .await;
    assert!(
        room.as_i64().is_some_and(|px| px > 0),
        "scrollbar width {room}"
    );
    // …and that room was already kept before it came.
    assert_eq!(
        s.js(width).await,
        fits,
        "content {overflow}px taller than the frame"
    );
    s.quit().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reloading_with_the_spent_launch_url_shows_the_invalid_launch_state() -> TestResult {
    let s = Stack::start().await;
    s.open_host("").await?;
    s.embed_text("#kpi-events").await;
    s.driver.enter_default_frame().await?;
    // Hard reload of the iframe on the same (already used) launch URL.
    s.js("const f = document.querySelector('iframe.meshes-embed'); const u = f.src; f.src = 'about:blank'; setTimeout(() => { f.src = u; }, 50);").await;
    let title = eventually("the invalid-launch state", || async {
        s.enter_embed().await.ok()?;
        s.js("const el = document.querySelector('.error-title'); return el ? el.textContent : null")
            .await
            .as_str()
            .map(str::to_owned)
    })
    .await;
    assert_eq!(title, "Invalid or expired embed launch token");
    let expired = s.wait_for_log("meshes:token-expired", 1).await;
    assert!(expired[0].contains("launch_token_used"), "{expired:?}");
    s.quit().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_starts_on_its_launch_page() -> TestResult {
    let s = Stack::start().await;
    s.open_host("?launch_page=connections").await?;
    s.embed_text("#connections-table").await;
    assert_eq!(
        s.js("return location.pathname").await,
        Value::from("/workspace/connections")
    );
    s.quit().await;
    Ok(())
}

/// Wait until no `meshes:resize` has come for 600 ms; how many came in all. A feedback loop
/// would never settle: it must fail here, not hang the suite.
async fn settle(s: &Stack) -> usize {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    let mut settled = s.wait_for_log("meshes:resize", 1).await.len();
    loop {
        tokio::time::sleep(std::time::Duration::from_millis(600)).await;
        let now = s.wait_for_log("meshes:resize", 1).await.len();
        if now == settled {
            return settled;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "resize messages never settled ({now} so far): a feedback loop?"
        );
        settled = now;
    }
}

async fn last_resize(s: &Stack) -> Option<u64> {
    let entries = s.host_log().await;
    let text = entries
        .iter()
        .rev()
        .find(|(t, _)| t == "meshes:resize")?
        .1
        .clone();
    let json = &text[text.find('{')?..];
    serde_json::from_str::<Value>(json).ok()?["height"].as_u64()
}

async fn iframe_height(s: &Stack) -> u64 {
    let _ = s.driver.enter_default_frame().await;
    s.js("return document.querySelector('iframe.meshes-embed').getBoundingClientRect().height")
        .await
        .as_f64()
        .unwrap_or(0.0) as u64
}
