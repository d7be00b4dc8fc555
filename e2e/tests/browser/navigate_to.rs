//! The versioned contract through the demo host and the real embed on its own origin: ready
//! says what it takes, the host opens pages with `navigate()` (`meshes:navigate-to`), and a path
//! the session may not open is refused and reported, never followed.

use e2e::{Stack, TestResult, eventually};

async fn open_from_host(s: &Stack, path: &str) -> TestResult {
    s.fill_on_host("#goto-form", "goto", path).await?;
    s.click_on_host("#goto-form button").await?;
    Ok(())
}

async fn embed_path(s: &Stack) -> String {
    s.enter_embed().await.expect("the embed");
    let v = s.js("return location.pathname + location.search").await;
    v.as_str().unwrap_or_default().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_host_opens_pages_in_the_embed_and_hears_refusals() -> TestResult {
    let s = Stack::start().await;
    s.open_host("").await?;
    let ready = s.wait_for_log("meshes:ready", 1).await;
    assert!(
        ready[0].contains(r#""version":1"#) && ready[0].contains("navigate-to"),
        "ready says what it takes: {}",
        ready[0]
    );
    s.embed_text("#kpi-events .kpi-value").await;

    open_from_host(&s, "/workspace/events?status=failed").await?;
    let nav = s.wait_for_log("meshes:navigate", 1).await;
    assert!(
        nav[0].contains("/workspace/events?status=failed"),
        "{}",
        nav[0]
    );
    eventually("the failed events, filtered", || async {
        s.enter_embed().await.ok()?;
        let v = s
            .try_js("return document.querySelector('#filter-status')?.value ?? null")
            .await
            .ok()?;
        (v == "failed").then_some(())
    })
    .await;

    // Dressed-up paths are not pages: refused, reported, and the embed stays.
    for (i, path) in [
        "/workspace/../admin",
        "/Workspace/rules",
        "/workspace/%72ules",
    ]
    .into_iter()
    .enumerate()
    {
        open_from_host(&s, path).await?;
        let refused = s.wait_for_log("meshes:navigate-refused", i + 1).await;
        assert!(refused[i].contains("unknown_path"), "{}", refused[i]);
    }
    assert!(s.host_status().await.contains("not a workspace page"));
    assert!(embed_path(&s).await.starts_with("/workspace/events?"));

    // A dashboard session may open nothing else.
    s.open_host("?session_type=dashboard").await?;
    s.embed_text("#kpi-events .kpi-value").await;
    open_from_host(&s, "/workspace/rules").await?;
    let refused = s.wait_for_log("meshes:navigate-refused", 1).await;
    assert!(refused[0].contains("not_allowed"), "{}", refused[0]);
    assert!(
        s.host_status()
            .await
            .contains("not available to this session")
    );
    assert!(embed_path(&s).await.starts_with("/workspace/dashboard"));
    s.quit().await;
    Ok(())
}
