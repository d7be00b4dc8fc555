//! Every page at 320, 390, 768 and 1280 px frame widths: the embed never scrolls sideways, and
//! every row action, form button and confirmation is on screen and is what a click there hits.
//! The demo host itself at a phone's width. With `E2E_SCREENSHOTS=<dir>` the frame of every page
//! at every width is saved (that is how `docs/screenshots/` is made).

use e2e::{DEMO_WORKSPACE_ID, Stack, TestResult, eventually};
use reqwest::Method;
use serde_json::Value;
use thirtyfour::By;

const WIDTHS: [u32; 4] = [320, 390, 768, 1280];

/// What a user can press: row actions, toolbars, form and confirmation buttons.
const CONTROLS: &str = "td.actions button, td.actions a, .toolbar button, .filter-actions button, \
                        .form-actions button, .confirm button, .conflict-row button, #cancel-event button";

/// Inside the embed: how far the page scrolls sideways, how many controls are shown, and the
/// ones that are off screen or covered where a click would land.
const LAYOUT: &str = r#"
const root = document.documentElement;
const bad = [];
let shown = 0;
for (const el of document.querySelectorAll(arguments[0])) {
  if (!el.getClientRects().length) continue;
  shown += 1;
  const r = el.getBoundingClientRect();
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  const inside = r.left >= -0.5 && r.right <= root.clientWidth + 0.5;
  if (!inside || !hit || !(hit === el || el.contains(hit))) {
    bad.push(`${el.textContent.trim()} [${Math.round(r.left)}..${Math.round(r.right)} of ${root.clientWidth}]`);
  }
}
return { width: innerWidth, overflow: root.scrollWidth - root.clientWidth, shown, bad };
"#;

/// Check the page as it stands at `width`; `min` controls must be shown.
async fn check(s: &Stack, width: u32, state: &str, min: u64) {
    s.enter_embed().await.unwrap();
    let v = s
        .driver
        .execute(LAYOUT, vec![Value::from(CONTROLS)])
        .await
        .unwrap()
        .json()
        .clone();
    assert_eq!(v["width"], width, "{state}: the frame is {width} px wide");
    assert!(
        v["overflow"].as_f64().unwrap() <= 0.0,
        "{state} at {width} px scrolls sideways: {v}"
    );
    assert!(
        v["bad"].as_array().unwrap().is_empty(),
        "{state} at {width} px: controls off screen or covered: {v}"
    );
    assert!(
        v["shown"].as_u64().unwrap() >= min,
        "{state} at {width} px: expected at least {min} controls: {v}"
    );
}

async fn shoot(s: &Stack, name: &str) {
    if let Some(dir) = std::env::var_os("E2E_SCREENSHOTS") {
        s.driver.enter_default_frame().await.unwrap();
        let frame = s.driver.find(By::Css("iframe.meshes-embed")).await.unwrap();
        let _ = std::fs::create_dir_all(&dir);
        let path = std::path::PathBuf::from(dir).join(format!("{name}.png"));
        frame.screenshot(&path).await.unwrap();
    }
}

async fn set_width(s: &Stack, width: u32) {
    s.driver.enter_default_frame().await.unwrap();
    s.js(&format!(
        "const f = document.querySelector('iframe.meshes-embed'); \
         f.style.width = '{width}px'; f.parentElement.style.width = 'max-content'; return true"
    ))
    .await;
    s.enter_embed().await.unwrap();
    eventually("the frame at its width", || async {
        (s.js("return innerWidth").await == width).then_some(())
    })
    .await;
}

async fn click(s: &Stack, css: &str) {
    s.click_when_ready(css).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_fits_every_width_with_its_actions_in_reach() -> TestResult {
    let s = Stack::start().await;
    s.driver.set_window_rect(0, 0, 1700, 2400).await?;
    s.open_host("?role=owner&payload_scope=true").await?;
    let (_, list) = s
        .api(
            Method::GET,
            &format!("/api/v1/workspaces/{DEMO_WORKSPACE_ID}/connections?limit=200"),
            None,
        )
        .await;
    let hook = list["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["type"] == "webhook" && c["active"] == true && c["hidden"] != true)
        .expect("a seeded webhook")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let row = format!("tr[data-connection-id='{hook}']");
    for width in WIDTHS {
        set_width(&s, width).await;
        s.nav_to("dashboard", ".kpis").await;
        check(&s, width, "dashboard", 0).await;
        shoot(&s, &format!("dashboard-{width}")).await;

        s.nav_to("connections", "#connections-table").await;
        check(&s, width, "connections", 6).await;
        shoot(&s, &format!("connections-{width}")).await;
        click(&s, "#new-connection").await;
        s.embed_text("#connection-form").await;
        check(&s, width, "the new connection form", 3).await;
        shoot(&s, &format!("connection-form-{width}")).await;
        s.escape_in_embed().await;
        click(&s, &format!("{row} .edit-connection")).await;
        s.embed_text(".edit-row #connection-form").await;
        check(&s, width, "a row's edit form", 3).await;
        s.escape_in_embed().await;
        click(&s, &format!("{row} .delete-connection")).await;
        s.embed_text(".confirm-yes").await;
        check(&s, width, "a delete confirmation", 2).await;
        s.escape_in_embed().await;

        click(&s, &format!("{row} td.actions a")).await;
        s.embed_text(".mapping-row").await;
        check(&s, width, "the field mapping", 1).await;
        shoot(&s, &format!("mappings-{width}")).await;

        s.nav_to("rules", "#rules-table").await;
        check(&s, width, "rules", 4).await;
        shoot(&s, &format!("rules-{width}")).await;
        click(&s, "#rules-table .test-rule").await;
        s.embed_text("#rules-table .row-panel").await;
        check(&s, width, "a rule's test event", 4).await;
        click(&s, "#new-rule").await;
        s.embed_text("#rule-form").await;
        check(&s, width, "the new rule form", 2).await;
        s.escape_in_embed().await;

        s.nav_to("events", "#events-table").await;
        check(&s, width, "events", 2).await;
        shoot(&s, &format!("events-{width}")).await;
        click(&s, "#events-table tr[data-status='failed'] a").await;
        s.embed_text("#deliveries").await;
        click(&s, "#deliveries button[aria-expanded]").await;
        s.embed_text(".attempts-row .attempts, .attempts-row .empty")
            .await;
        check(&s, width, "event detail", 1).await;
        shoot(&s, &format!("event-detail-{width}")).await;
    }
    s.quit().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_host_gives_a_phone_the_whole_width() -> TestResult {
    let s = Stack::start().await;
    s.driver.set_window_rect(0, 0, 390, 900).await?;
    s.open_host("?launch_page=connections").await?;
    s.embed_text("#connections-table").await;
    s.driver.enter_default_frame().await?;
    let v = s
        .js("const f = document.querySelector('iframe.meshes-embed').getBoundingClientRect(); \
             return { inner: innerWidth, overflow: document.documentElement.scrollWidth - innerWidth, frame: f.width }")
        .await;
    assert!(
        v["inner"].as_f64().unwrap() <= 400.0,
        "a phone-width window: {v}"
    );
    assert!(
        v["overflow"].as_f64().unwrap() <= 0.0,
        "the host page scrolls sideways: {v}"
    );
    assert!(
        v["frame"].as_f64().unwrap() >= 350.0,
        "the frame gets nearly the whole width: {v}"
    );
    s.enter_embed().await?;
    let inside = s.js("return innerWidth").await.as_u64().unwrap() as u32;
    check(&s, inside, "connections in the demo host", 6).await;
    s.quit().await;
    Ok(())
}
