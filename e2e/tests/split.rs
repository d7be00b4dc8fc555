//! The split release build: pages other than the first load their code on demand, and a page
//! whose code does not arrive says so and loads on "Try again" — the embed lives on.

use e2e::{Stack, TestResult, eventually};
use serde_json::json;

/// The URL path of a page's code chunk in the build under test.
fn chunk_path(chunk: &str) -> String {
    e2e::build_path(&format!("split_{chunk}.wasm"))
}

#[tokio::test]
async fn a_page_whose_code_does_not_arrive_says_so_and_loads_on_retry() -> TestResult {
    let s = Stack::start().await;
    let rules = chunk_path("meshes_rules");
    s.fault(json!({"path": rules, "kind": "status", "status": 503}))
        .await;
    s.open_host("").await?;
    s.embed_text("#kpi-events").await;
    s.click_in_embed(".ws-nav a[href^='/workspace/rules']")
        .await?;
    let title = s.embed_text(".error-state .error-title").await;
    assert_eq!(title, "The server could not be reached");
    assert!(
        s.embed_text(".error-state").await.contains("Try again"),
        "a retry is offered"
    );
    // The chunk was asked for (and refused), the runtime survived it: other pages still work.
    let asked = s.requests_to("GET", &rules).await.len();
    assert!(asked >= 1, "the rules chunk was requested");
    s.click_in_embed(".ws-nav a[href^='/workspace/connections']")
        .await?;
    s.embed_text("#connections-table").await;

    // Back on Rules: still failing (failures are not cached, so it asked again), then the
    // network recovers and "Try again" shows the page.
    s.click_in_embed(".ws-nav a[href^='/workspace/rules']")
        .await?;
    s.embed_text(".error-state .error-title").await;
    assert!(s.requests_to("GET", &rules).await.len() > asked);
    s.clear_faults().await;
    s.click_in_embed(".error-state button").await?;
    s.embed_text("#rules-table").await;
    eventually("the error state gone", || async {
        s.enter_embed().await.ok()?;
        let v = s.js("return !document.querySelector('.error-state')").await;
        v.as_bool().filter(|gone| *gone)
    })
    .await;
    s.quit().await;
    Ok(())
}
