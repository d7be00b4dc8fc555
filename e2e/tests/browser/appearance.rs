//! The host's look through the real kit and embed on their own origins: given at mount, and
//! changed live from the demo host's controls (`update()` → `meshes:configure`).

use e2e::{Stack, TestResult, eventually};
use serde_json::Value;

/// A custom property as the embed's stylesheet resolves it on `<html>`.
async fn embed_var(s: &Stack, name: &str) -> Option<String> {
    s.enter_embed().await.ok()?;
    let v = s
        .driver
        .execute(
            "return getComputedStyle(document.documentElement).getPropertyValue(arguments[0]).trim()",
            vec![Value::from(name)],
        )
        .await
        .ok()?;
    v.json().as_str().map(str::to_owned)
}

/// Change one of the demo host's look controls, as a user would.
async fn set_look(s: &Stack, field: &str, value: &str) -> TestResult {
    s.fill_on_host("#look-form", field, value).await?;
    Ok(())
}

async fn until_var(s: &Stack, name: &str, want: &str) {
    eventually(&format!("{name} = {want} in the embed"), || async {
        (embed_var(s, name).await.as_deref() == Some(want)).then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_look_is_applied_at_mount_and_live() -> TestResult {
    let s = Stack::start().await;
    s.open_host("").await?;
    s.embed_text("#kpi-events .kpi-value").await;
    until_var(&s, "--bg", "#ffffff").await;
    until_var(&s, "--accent", "#3b5bdb").await;

    set_look(&s, "theme", "dark").await?;
    until_var(&s, "--bg", "#15181f").await;
    s.enter_embed().await?;
    let painted = s
        .js("return [document.documentElement.dataset.theme, getComputedStyle(document.documentElement).backgroundColor, getComputedStyle(document.body).color]")
        .await;
    assert_eq!(painted[0], "dark");
    assert_eq!(painted[1], "rgb(21, 24, 31)", "the page is painted dark");
    assert_eq!(painted[2], "rgb(230, 233, 242)");

    set_look(&s, "brand", "#0b7285").await?;
    until_var(&s, "--accent", "#0b7285").await;
    assert_eq!(
        embed_var(&s, "--bg").await.as_deref(),
        Some("#15181f"),
        "a brand colour keeps the theme"
    );

    // A new session is mounted with the look the controls hold now.
    s.click_on_host("#session-form button[type=submit]").await?;
    s.wait_for_log("meshes:ready", 2).await;
    s.embed_text("#kpi-events .kpi-value").await;
    until_var(&s, "--bg", "#15181f").await;
    until_var(&s, "--accent", "#0b7285").await;
    s.quit().await;
    Ok(())
}
