//! A hostile fourth origin against a running embed: framing, forged messages, replays.

mod framing;
mod messages;

use e2e::{DEMO_WORKSPACE_ID, Stack, eventually};
use serde_json::{Value, json};
use std::time::Duration;

/// Mint a session straight from the Meshes API (as another host backend would).
pub async fn mint(s: &Stack, extra: Value) -> Value {
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
pub async fn framed_page_settled(s: &Stack) {
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

pub async fn enter_embed_by_id(s: &Stack) -> Option<()> {
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
pub async fn root_counter(s: &Stack, name: &str) -> u64 {
    try_root_counter(s, name)
        .await
        .unwrap_or_else(|| panic!("no numeric data-{name} on the embed root"))
}

/// `root_counter` while the embed may still be starting (its root not there yet).
pub async fn try_root_counter(s: &Stack, name: &str) -> Option<u64> {
    let v = s
        .try_js(&format!(
            "return document.querySelector('.meshes-root')?.dataset['{name}'] ?? null"
        ))
        .await
        .ok()?;
    v.as_str()?.parse().ok()
}
