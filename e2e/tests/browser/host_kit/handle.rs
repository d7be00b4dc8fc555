//! The handle `mountMeshesEmbed` returns: `ready` and what it carries, typed events through
//! `on()`, `navigate()` gated on what the embed says it takes, the loader, and the diagnosis
//! when `meshes:ready` never comes.

use super::stand_in::Bench;
use e2e::{TestResult, eventually, eventually_within};
use serde_json::{Value, json};
use std::time::Duration;

fn ready_v1() -> Value {
    json!({"type": "meshes:ready", "version": 1, "capabilities": ["refresh-failed", "navigate-to", "scroll-into-view", "connection", "error"]})
}

async fn settled(b: &Bench, within: Duration) -> Value {
    eventually_within("ready to settle", within, || async {
        Some(b.settled().await).filter(|v| !v.is_null())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ready_events_and_navigate_follow_what_the_embed_says() -> TestResult {
    let b = Bench::open().await;
    b.mount("{}").await;
    let covered = "return !!document.querySelector('#box .meshes-embed-loader[role=status]')";
    assert_eq!(
        b.s.js(covered).await,
        true,
        "a loader until the embed paints"
    );
    b.send(json!({"type": "meshes:loading"})).await;
    b.send(ready_v1()).await;
    let info = settled(&b, Duration::from_secs(5)).await;
    assert_eq!(info["ok"]["version"], 1);
    assert!(
        info["ok"]["capabilities"]
            .as_array()
            .unwrap()
            .contains(&json!("navigate-to"))
    );
    b.send(json!({"type": "meshes:resize", "height": 700}))
        .await;
    eventually("the loader to go", || async {
        (b.s.js(covered).await == false).then_some(())
    })
    .await;

    b.s.js("window.__kit.navigate('/workspace/events?status=failed'); return true")
        .await;
    let asked = eventually("navigate-to to reach the embed", || async {
        b.got()
            .await
            .into_iter()
            .find(|m| m["data"]["type"] == "meshes:navigate-to")
    })
    .await;
    assert_eq!(
        asked["data"],
        json!({"type": "meshes:navigate-to", "path": "/workspace/events?status=failed"})
    );
    assert_eq!(asked["origin"], b.s.js("return location.origin").await);

    b.send(json!({"type": "meshes:navigate", "path": "/workspace/events?status=failed", "page": "events"}))
        .await;
    b.send(json!({"type": "meshes:navigate-refused", "path": "/workspace/connections", "reason": "not_allowed"}))
        .await;
    b.send(json!({"type": "meshes:token-expired", "reason": "session_ended"}))
        .await;
    b.send(json!({"type": "meshes:token-expired", "reason": "refresh_timeout"}))
        .await;
    let seen = eventually("the events", || async {
        let seen = b.seen().await;
        (seen.len() >= 6).then_some(seen)
    })
    .await;
    let names: Vec<&str> = seen.iter().map(|e| e[0].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "ready",
            "resize",
            "navigate",
            "navigate-refused",
            "expired",
            "expired"
        ]
    );
    // Exactly the shapes meshes-embed.d.ts promises.
    assert_eq!(
        seen[0][1],
        json!({"version": 1, "capabilities": ready_v1()["capabilities"]})
    );
    assert_eq!(seen[1][1], json!({"type": "meshes:resize", "height": 700}));
    assert_eq!(
        seen[2][1],
        json!({"type": "meshes:navigate", "path": "/workspace/events?status=failed", "page": "events"})
    );
    assert_eq!(
        seen[3][1],
        json!({"type": "meshes:navigate-refused", "path": "/workspace/connections", "reason": "not_allowed"})
    );
    assert_eq!(
        seen[4][1],
        json!({"type": "meshes:token-expired", "reason": "session_ended", "remint": true}),
        "an ended session needs a new one"
    );
    assert_eq!(
        seen[5][1]["remint"], false,
        "a later token recovers a timeout"
    );
    assert!(
        b.events().await.iter().all(|e| e.get("remint").is_none()),
        "onEvent gets the message as sent"
    );
    // A listener that stopped hears nothing more; onEvent still gets everything.
    b.s.js("window.__stopped = []; const stop = window.__kit.on('resize', (d) => window.__stopped.push(d)); stop(); return true")
        .await;
    b.send(json!({"type": "meshes:resize", "height": 720}))
        .await;
    eventually("onEvent to hear the resize", || async {
        let events = b.events().await;
        (events
            .iter()
            .filter(|e| e["type"] == "meshes:resize")
            .count()
            == 2)
            .then_some(())
    })
    .await;
    assert_eq!(b.s.js("return window.__stopped.length").await, 0);
    assert!(
        b.events()
            .await
            .iter()
            .all(|e| e["type"] != "meshes:loading"),
        "the loader's hello is for the kit only"
    );
    b.s.quit().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_embed_that_does_not_say_it_takes_navigate_to_is_not_sent_it() -> TestResult {
    let b = Bench::open().await;
    // No loader at all: nothing covers the frame, and sizing still works.
    b.mount("{ loader: false }").await;
    assert_eq!(
        b.s.js("return document.querySelectorAll('#box .meshes-embed-loader').length")
            .await,
        0
    );
    b.send(json!({"type": "meshes:resize", "height": 650}))
        .await;
    eventually("the height", || async {
        (b.height().await == "650px").then_some(())
    })
    .await;
    // A version-0 embed: the documented ready without fields.
    b.send(json!({"type": "meshes:ready"})).await;
    assert_eq!(
        settled(&b, Duration::from_secs(5)).await,
        json!({"ok": {"version": 0, "capabilities": []}})
    );
    b.s.js("window.__kit.navigate('/workspace/rules').catch((e) => { window.__refused = e.message; }); return true")
        .await;
    let refused = eventually("navigate() to reject", || async {
        Some(b.s.js("return window.__refused ?? null").await).filter(|v| !v.is_null())
    })
    .await;
    assert!(
        refused.as_str().unwrap().contains("navigate-to"),
        "{refused}"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        b.got()
            .await
            .iter()
            .all(|m| m["data"]["type"] != "meshes:navigate-to")
    );
    b.s.quit().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ready_that_never_comes_is_diagnosed() -> TestResult {
    let b = Bench::open().await;
    // The embed says its launch was spent: no need to wait for the timeout.
    b.mount("{ readyTimeout: 60000 }").await;
    b.send(json!({"type": "meshes:token-expired", "reason": "launch_token_used"}))
        .await;
    let got = settled(&b, Duration::from_secs(3)).await;
    assert_eq!(got["code"], "launch-expired", "{got}");
    let seen = b.seen().await;
    let names: Vec<&str> = seen.iter().map(|e| e[0].as_str().unwrap()).collect();
    assert_eq!(names, ["error", "expired"], "{seen:?}");
    assert_eq!(
        seen[0][1],
        json!({"type": "error", "code": "launch-expired"})
    );
    assert_eq!(seen[1][1]["remint"], true);
    assert!(
        b.events().await.iter().any(|e| e["type"] == "error"),
        "onEvent hears it too"
    );

    // It loaded and said so, but never became ready.
    b.mount("{ readyTimeout: 800 }").await;
    b.send(json!({"type": "meshes:loading"})).await;
    assert_eq!(settled(&b, Duration::from_secs(5)).await["code"], "unknown");

    // The browser refused the frame (frame-ancestors): the origin answers, nothing runs.
    b.mount_only(&format!(
        "{{ readyTimeout: 1500, launchUrl: '{}/workspace/refused?session=sess_bench#launch=x' }}",
        b.embed
    ))
    .await;
    assert_eq!(
        settled(&b, Duration::from_secs(8)).await["code"],
        "frame-refused"
    );
    assert_eq!(
        b.s.js("return document.querySelectorAll('#box .meshes-embed-loader').length")
            .await,
        0,
        "the frame is uncovered for whatever it can show"
    );

    // Nobody answers at all.
    b.mount_only("{ readyTimeout: 1000, launchUrl: 'http://127.0.0.3:9/workspace/dashboard?session=s#launch=x' }")
        .await;
    assert_eq!(
        settled(&b, Duration::from_secs(15)).await["code"],
        "network"
    );
    // The embed's own network failure, said before it shows it: one `error`, in its shape.
    b.s.js("window.__events = []; return true").await;
    b.mount("{ readyTimeout: 60000 }").await;
    b.send(json!({"type": "meshes:loading"})).await;
    b.send(json!({"type": "meshes:error", "code": "network"}))
        .await;
    assert_eq!(settled(&b, Duration::from_secs(3)).await["code"], "network");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        b.seen().await,
        [json!(["error", {"type": "error", "code": "network"}])]
    );
    let reported: Vec<Value> = b
        .events()
        .await
        .into_iter()
        .filter(|e| e["type"].as_str().is_some_and(|t| t.contains("error")))
        .collect();
    assert_eq!(reported, [json!({"type": "error", "code": "network"})]);

    // A ready after a failure is still served (late, not wrong), and navigate() works.
    b.mount("{ readyTimeout: 600 }").await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    b.send(ready_v1()).await;
    eventually("the token after a late ready", || async {
        b.got()
            .await
            .into_iter()
            .find(|m| m["data"]["type"] == "meshes:auth")
    })
    .await;
    assert!(b.seen().await.iter().any(|e| e[0] == "ready"));
    b.s.js("window.__kit.navigate('/workspace/rules'); return true")
        .await;
    eventually("navigate-to after a late ready", || async {
        b.got()
            .await
            .into_iter()
            .find(|m| m["data"]["type"] == "meshes:navigate-to")
    })
    .await;

    // Destroyed while the diagnosis is on its way: nothing more is reported.
    b.mount_only(&format!(
        "{{ readyTimeout: 300, launchUrl: '{}/workspace/refused?session=s#launch=x' }}",
        b.embed
    ))
    .await;
    b.s.js("window.__kit.destroy(); return true").await;
    assert_eq!(
        settled(&b, Duration::from_secs(3)).await["code"],
        "destroyed"
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(b.seen().await.is_empty(), "{:?}", b.seen().await);
    b.s.quit().await;
    Ok(())
}
