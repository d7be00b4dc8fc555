//! Focus and scrolling across the frame boundary: a form opens under the row that asked for it,
//! a save's notice takes focus and the host page scrolls to it (`meshes:scroll-into-view`, the
//! host kit), and history names a deleted connection instead of showing its id.

use e2e::{DEMO_WORKSPACE_ID, Stack, TestResult, eventually};
use reqwest::Method;
use serde_json::{Value, json};
use thirtyfour::By;

/// The box of `css` inside the embed, in the host window's coordinates, and the window height.
async fn on_host_screen(s: &Stack, css: &str) -> (f64, f64, f64) {
    s.enter_embed().await.unwrap();
    let inner = s
        .driver
        .execute(
            "const r = document.querySelector(arguments[0])?.getBoundingClientRect(); \
             return r ? [r.top, r.bottom] : null",
            vec![Value::from(css)],
        )
        .await
        .unwrap()
        .json()
        .clone();
    s.driver.enter_default_frame().await.unwrap();
    let host = s
        .js("return [document.querySelector('iframe.meshes-embed').getBoundingClientRect().top, innerHeight]")
        .await;
    let frame_top = host[0].as_f64().unwrap();
    (
        frame_top + inner[0].as_f64().unwrap(),
        frame_top + inner[1].as_f64().unwrap(),
        host[1].as_f64().unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_save_far_down_the_list_scrolls_the_host_to_its_notice() -> TestResult {
    let s = Stack::start().await;
    s.driver.set_window_rect(0, 0, 1280, 700).await?;
    s.open_host("?role=owner&launch_page=connections").await?;
    s.embed_text("#connections-table").await;
    // The lowest webhook row whose settings save as they are: far below the notice's place.
    let (_, list) = s
        .api(
            Method::GET,
            &format!("/api/v1/workspaces/{DEMO_WORKSPACE_ID}/connections?limit=200"),
            None,
        )
        .await;
    let last = list["records"]
        .as_array()
        .unwrap()
        .iter()
        .rfind(|c| c["type"] == "webhook" && c["active"] == true && c["hidden"] != true)
        .expect("a seeded webhook")["id"]
        .clone();
    let row = format!("tr[data-connection-id='{}']", last.as_str().unwrap());
    s.driver.enter_default_frame().await?;
    s.js(
        "document.querySelector('iframe.meshes-embed').scrollIntoView({block: 'end'}); return true",
    )
    .await;
    s.click_in_embed(&format!("{row} .edit-connection")).await?;
    s.embed_text(&format!("{row} + tr.edit-row #connection-form"))
        .await;
    eventually("focus on the form's first field", || async {
        let f = s.js("return document.activeElement?.id ?? null").await;
        (f == "conn-name").then_some(())
    })
    .await;
    // The host scrolls it in (smoothly, once the frame has grown to hold it).
    eventually("the form opened where the user is, in view", || async {
        let (top, _, height) = on_host_screen(&s, "#connection-form").await;
        (0.0..height).contains(&top).then_some(())
    })
    .await;

    s.click_in_embed("#conn-save").await?;
    let saved = eventually("the save's outcome", || async {
        let v = s
            .js("return document.querySelector('.notice-ok, #connection-form .error-state, #connection-form [aria-invalid=true]')?.outerHTML ?? null")
            .await;
        v.as_str().map(str::to_owned)
    })
    .await;
    assert!(saved.contains("notice-ok"), "the save failed: {saved}");
    eventually("the notice takes focus", || async {
        s.enter_embed().await.ok()?;
        let on = s
            .js("return document.activeElement?.classList.contains('notice-ok') ?? false")
            .await;
        (on == true).then_some(())
    })
    .await;
    s.wait_for_log("meshes:scroll-into-view", 1).await;
    eventually("the host scrolled the notice into view", || async {
        let (top, bottom, height) = on_host_screen(&s, ".notice-ok").await;
        (top >= 0.0 && bottom <= height).then_some(())
    })
    .await;
    s.quit().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_calls_a_deleted_connection_by_its_name() -> TestResult {
    let s = Stack::start().await;
    let (_, dash) = s
        .api(
            Method::GET,
            &format!("/api/v1/workspaces/{DEMO_WORKSPACE_ID}/dashboard"),
            None,
        )
        .await;
    let failure = &dash["recent_failures"][0];
    let (cid, name) = (
        failure["connection"].as_str().unwrap().to_owned(),
        failure["connection_name"].as_str().unwrap().to_owned(),
    );
    assert!(!name.is_empty(), "{failure}");
    let (status, _) = s
        .api(
            Method::DELETE,
            &format!("/api/v1/connections/{cid}"),
            Some(json!({ "force_delete": true })),
        )
        .await;
    assert_eq!(status, 200);
    s.open_host("?role=owner").await?;
    let failures = s.embed_text(".failures").await;
    assert!(
        failures.contains(&format!("{name} (deleted)")),
        "{failures}"
    );
    s.driver
        .find(By::Css(".failures li a"))
        .await?
        .click()
        .await?;
    let deliveries = s.embed_text("#deliveries tbody").await;
    assert!(
        deliveries.contains(&format!("{name} (deleted)")) && !deliveries.contains(&cid),
        "{deliveries}"
    );
    s.quit().await;
    Ok(())
}
