//! The split release build: pages other than the first load their code on demand, and a page
//! whose code does not arrive says so and loads on "Try again" — the embed lives on.

use e2e::{Stack, TestResult, eventually};
use serde_json::json;

/// The URL path of the on-demand pages' code in the build under test (one module for every
/// page but the Dashboard, decision 73).
fn pages_path() -> String {
    e2e::build_path("split_meshes_pages.wasm")
}

#[tokio::test]
async fn a_page_whose_code_does_not_arrive_says_so_and_loads_on_retry() -> TestResult {
    let s = Stack::start().await;
    let pages = pages_path();
    s.fault(json!({"path": pages, "kind": "status", "status": 503}))
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
    // The code was asked for (and refused), the runtime survived it: the page whose code is
    // here still works.
    let asked = s.requests_to("GET", &pages).await.len();
    assert!(asked >= 1, "the pages' code was requested");
    s.click_in_embed(".ws-nav a[href^='/workspace/dashboard']")
        .await?;
    s.embed_text("#kpi-events").await;

    // Back on Rules: still failing (failures are not cached, so it asked again), then the
    // network recovers and "Try again" shows the page.
    s.click_in_embed(".ws-nav a[href^='/workspace/rules']")
        .await?;
    s.embed_text(".error-state .error-title").await;
    assert!(s.requests_to("GET", &pages).await.len() > asked);
    s.clear_faults().await;
    s.click_in_embed(".error-state button").await?;
    s.embed_text("#rules-table").await;
    eventually("the error state gone", || async {
        s.enter_embed().await.ok()?;
        let v = s.js("return !document.querySelector('.error-state')").await;
        v.as_bool().filter(|gone| *gone)
    })
    .await;
    // The other pages came with it: no further fetch.
    let fetched = s.requests_to("GET", &pages).await.len();
    s.click_in_embed(".ws-nav a[href^='/workspace/connections']")
        .await?;
    s.embed_text("#connections-table").await;
    assert_eq!(s.requests_to("GET", &pages).await.len(), fetched);
    s.quit().await;
    Ok(())
}
