//! After a full session, no launch or access token is anywhere it should not be.

use e2e::{MANAGEMENT_KEY, Stack, TestResult, eventually};
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_token_leaks_after_a_full_session() -> TestResult {
    let s = Stack::start().await;
    s.open_host("").await?;
    s.embed_text("#kpi-events .kpi-value").await;
    s.click_in_embed(".ws-nav a[href^='/workspace/connections?']")
        .await?;
    s.embed_text("#connections-table").await;
    // The host refreshes on its own schedule and pushes the new token.
    s.click_on_host("#refresh-now").await?;
    eventually("the refreshed token to be installed", || async {
        (s.embed_counter("authInstalled").await == 2).then_some(())
    })
    .await;
    s.click_in_embed("#connections-reload").await?;
    s.click_in_embed(".ws-nav a[href^='/workspace/dashboard?']")
        .await?;
    s.embed_text("#kpi-events .kpi-value").await;

    // The secrets of this session.
    s.driver.enter_default_frame().await?;
    let src = s
        .js("return document.querySelector('iframe.meshes-embed').src")
        .await;
    let launch = src
        .as_str()
        .and_then(|u| u.split("#launch=").nth(1))
        .expect("launch secret")
        .to_owned();
    let requests = s.requests().await;
    let mut secrets: Vec<String> = requests
        .iter()
        .filter_map(|r| r["authorization"].as_str()?.strip_prefix("Bearer "))
        .filter(|t| *t != MANAGEMENT_KEY)
        .map(str::to_owned)
        .collect();
    secrets.sort();
    secrets.dedup();
    assert!(
        secrets.len() >= 2,
        "expected the first and the refreshed access token, got {}",
        secrets.len()
    );
    secrets.push(launch);

    // Everything a leak could end up in: both frames' URLs, storage and cookies, ...
    let probe = "return JSON.stringify({href: location.href, referrer: document.referrer, \
                 local: {...localStorage}, session: {...sessionStorage}, cookie: document.cookie, \
                 history: history.length})";
    let mut haystack = vec![];
    s.driver.enter_default_frame().await?;
    haystack.push((
        "host page",
        s.js(probe).await.as_str().unwrap_or_default().to_owned(),
    ));
    s.enter_embed().await?;
    let embed_probe = s.js(probe).await.as_str().unwrap_or_default().to_owned();
    haystack.push(("embed", embed_probe.clone()));
    let idb = s
        .driver
        .execute_async(
            "const done = arguments[arguments.length - 1]; \
             indexedDB.databases().then((d) => done(JSON.stringify(d)), () => done('[]'));",
            vec![],
        )
        .await?;
    assert_eq!(
        idb.json(),
        &Value::from("[]"),
        "the embed creates no IndexedDB databases"
    );
    let storage: Value = serde_json::from_str(&embed_probe)?;
    assert_eq!(
        storage["local"],
        serde_json::json!({}),
        "nothing in localStorage"
    );
    assert_eq!(
        storage["session"],
        serde_json::json!({}),
        "nothing in sessionStorage"
    );
    assert_eq!(storage["cookie"], "", "no cookies");
    // ... every request's URL and Referer, on both origins, ...
    for r in &requests {
        haystack.push(("request URL", r["uri"].to_string()));
        haystack.push(("Referer", r["referer"].to_string()));
    }
    // ... and the console of every frame (the probe proves frames' output is captured).
    s.enter_embed().await?;
    s.js("console.log('leak-scan-probe')").await;
    let console = eventually("the probe in Chromium's log", || async {
        let log = s.browser_log();
        log.contains("leak-scan-probe").then_some(log)
    })
    .await;
    haystack.push(("console", console));
    for secret in &secrets {
        for (place, text) in &haystack {
            assert!(
                !text.contains(secret.as_str()),
                "a token leaked into the {place}: {text:.200}"
            );
        }
    }
    s.quit().await;
    Ok(())
}
