//! The host kit (`www/meshes-embed.js`) on its own, in real Chromium, against a scripted
//! stand-in for the embed on another origin: the iframe it builds (path option, reserved
//! parameters, sandbox, permissions), which messages it believes (origin and source), resize
//! clamping, the token hand-off (before and after ready, one refresh at a time, retries, the
//! failure report to both sides) and `destroy`.

mod handle;
mod stand_in;

use e2e::{TestResult, eventually, eventually_within};
use serde_json::json;
use stand_in::Bench;
use std::time::Duration;
use thirtyfour::By;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_iframe_keeps_the_launch_and_takes_only_a_workspace_path() -> TestResult {
    let b = Bench::open().await;
    let src = b
        .mount("{ path: '/workspace/events?status=failed&session=evil&launch=stolen&return_to=https://x.test/&oauth_attempt=1' }")
        .await;
    let url = reqwest::Url::parse(&src)?;
    assert_eq!(url.path(), "/workspace/events");
    let q: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    assert!(q.contains(&("status".into(), "failed".into())), "{src}");
    assert!(
        q.contains(&("session".into(), "sess_bench".into())),
        "the minted session stays: {src}"
    );
    for reserved in ["launch", "return_to", "oauth_attempt"] {
        assert!(
            !q.iter().any(|(k, _)| k == reserved),
            "{reserved} from a path: {src}"
        );
    }
    assert_eq!(
        url.fragment(),
        Some("launch=secret-launch"),
        "the secret stays in the fragment"
    );
    for bad in [
        "'//evil.test/workspace/events'",
        "'/admin'",
        "'javascript:alert(1)'",
        "'/workspace/events/../../x'",
    ] {
        let src = b.mount(&format!("{{ path: {bad} }}")).await;
        assert!(
            src.contains("/workspace/dashboard?session=sess_bench#"),
            "{bad} → {src}"
        );
    }
    let attrs = b
        .s
        .js("const f = document.querySelector('#box iframe'); return [f.getAttribute('sandbox'), f.getAttribute('allow'), f.title]")
        .await;
    assert_eq!(
        attrs,
        json!([
            "allow-scripts allow-same-origin allow-forms allow-popups allow-popups-to-escape-sandbox",
            "clipboard-write",
            "Integrations workspace"
        ])
    );
    assert!(b.embed.starts_with("http://127.0.0.3:"));
    b.s.quit().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_embed_window_at_the_embed_origin_is_believed() -> TestResult {
    let b = Bench::open().await;
    b.mount("{}").await;
    // Not from the iframe: the host page itself, and a second frame on the embed origin.
    b.s.js(&format!(
        "window.postMessage({{type: 'meshes:resize', height: 900}}, '*'); \
         const f = document.createElement('iframe'); f.id = 'other'; \
         f.src = '{}/workspace/other'; document.body.append(f); return true",
        b.embed
    ))
    .await;
    b.s.driver
        .find(By::Css("#other"))
        .await?
        .enter_frame()
        .await?;
    eventually("the other frame", || async {
        (b.s.try_js("return typeof window.__send").await.ok()? == json!("function")).then_some(())
    })
    .await;
    b.s.js("window.__send({type: 'meshes:ready'}); window.__send({type: 'meshes:resize', height: 900}); return true")
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(b.height().await, "480px");
    assert!(
        b.got().await.is_empty(),
        "no token for a frame that is not the embed"
    );
    assert!(b.events().await.is_empty());
    // The embed itself: believed.
    b.send(json!({"type": "meshes:ready"})).await;
    eventually("the token", || async {
        (b.got().await.len() == 1).then_some(())
    })
    .await;
    let got = b.got().await;
    assert_eq!(
        got[0]["data"],
        json!({"type": "meshes:auth", "token": "a.b.first"})
    );
    b.s.quit().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resize_is_clamped_and_junk_heights_are_ignored() -> TestResult {
    let b = Bench::open().await;
    b.mount("{ minHeight: 300, maxHeight: 2000 }").await;
    for (height, want) in [
        (json!(640), "640px"),
        (json!(10), "300px"),
        (json!(50_000), "2000px"),
        (json!(640.2), "641px"),
        (json!(-5), "641px"),
        (json!("900px"), "641px"),
        (json!(null), "641px"),
    ] {
        b.send(json!({"type": "meshes:resize", "height": height}))
            .await;
        tokio::time::sleep(Duration::from_millis(150)).await;
        assert_eq!(b.height().await, want, "height {height}");
    }
    b.s.quit().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_wait_for_ready_and_one_refresh_runs_at_a_time() -> TestResult {
    let b = Bench::open().await;
    b.mount("{ refresh: () => { window.__calls = (window.__calls || 0) + 1; return new Promise((r) => setTimeout(() => r('a.b.fresh' + window.__calls), 400)); } }")
        .await;
    b.s.js("window.__kit.setToken('a.b.pushed'); return true")
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(b.got().await.is_empty(), "nothing before meshes:ready");
    b.send(json!({"type": "meshes:ready"})).await;
    eventually("the pushed token", || async {
        (b.got().await.len() == 1).then_some(())
    })
    .await;
    assert_eq!(b.got().await[0]["data"]["token"], "a.b.pushed");
    for _ in 0..3 {
        b.send(json!({"type": "meshes:token-refresh", "reason": "scheduled"}))
            .await;
    }
    eventually("the refreshed token", || async {
        (b.got().await.len() == 2).then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(
        b.s.js("return window.__calls").await,
        1,
        "one refresh for three asks"
    );
    let got = b.got().await;
    assert_eq!(got.len(), 2);
    assert_eq!(
        got[1]["data"],
        json!({"type": "meshes:auth", "token": "a.b.fresh1"})
    );
    let host_origin = b.s.js("return location.origin").await;
    assert!(got.iter().all(|m| m["origin"] == host_origin));
    b.s.quit().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_refresh_is_retried_then_reported_to_both_sides() -> TestResult {
    let b = Bench::open().await;
    // Fails twice, then answers something that is not a token: all three tries fail.
    b.mount("{ refresh: async () => { window.__calls = (window.__calls || 0) + 1; if (window.__calls <= 2) throw new Error('backend down'); return 42; } }")
        .await;
    b.send(json!({"type": "meshes:ready"})).await;
    b.send(json!({"type": "meshes:token-refresh", "reason": "unauthorized"}))
        .await;
    let failed = eventually_within("the failure report", Duration::from_secs(10), || async {
        b.got()
            .await
            .into_iter()
            .find(|m| m["data"]["type"] == "meshes:refresh-failed")
    })
    .await;
    assert_eq!(failed["data"], json!({"type": "meshes:refresh-failed"}));
    assert_eq!(b.s.js("return window.__calls").await, 3, "three tries");
    let events = b.events().await;
    let reported: Vec<_> = events
        .iter()
        .filter(|e| e["type"] == "host:refresh-failed")
        .collect();
    assert_eq!(reported.len(), 1);
    assert!(
        reported[0]["error"]
            .as_str()
            .unwrap()
            .contains("did not return an access token")
    );
    // A refresh that recovers on a retry is not reported at all.
    b.mount("{ refresh: async () => { window.__n = (window.__n || 0) + 1; if (window.__n === 1) throw new Error('blip'); return 'a.b.second'; } }")
        .await;
    b.send(json!({"type": "meshes:ready"})).await;
    b.send(json!({"type": "meshes:token-refresh", "reason": "scheduled"}))
        .await;
    eventually_within("the retried token", Duration::from_secs(5), || async {
        b.got()
            .await
            .into_iter()
            .find(|m| m["data"]["token"] == "a.b.second")
    })
    .await;
    assert!(
        !b.got()
            .await
            .iter()
            .any(|m| m["data"]["type"] == "meshes:refresh-failed")
    );
    b.s.quit().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn destroy_removes_the_frame_and_the_listener() -> TestResult {
    let b = Bench::open().await;
    let before = b.s.js("return window.__listeners").await;
    b.mount("{}").await;
    assert_eq!(
        b.s.js("return window.__listeners").await,
        before.as_i64().unwrap() + 1
    );
    b.s.js("window.__kit.destroy(); return true").await;
    assert_eq!(b.s.js("return window.__listeners").await, before);
    assert_eq!(
        b.s.js("return document.querySelectorAll('#box iframe').length")
            .await,
        0
    );
    b.s.quit().await;
    Ok(())
}
