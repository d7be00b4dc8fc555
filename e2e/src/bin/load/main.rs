//! `cargo xtask bench`, the server half: the release sandbox over a large seeded workspace
//! (`--seed-events`, 100,000 by default), its hot reads under load (the event list, a filtered
//! list, the dashboard: open-loop at a fixed rate, then as many as 16 clients get), and a burst
//! of 1,000 events ingested over the public API and fanned out to three webhook rules while
//! the event list is read. A bench, never a test: it reports. Writes `target/load-report.md`.

mod measure;

use measure::{Stats, closed_loop, open_loop};
use serde_json::{Value, json};
use std::fmt::Write;
use std::process::Stdio;
use std::time::{Duration, Instant};

const KEY: &str = "load-management-key";
const WS: &str = e2e::DEMO_WORKSPACE_ID;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    l.local_addr().expect("its address").port()
}

struct Sandbox {
    api: String,
    provider: String,
    _child: tokio::process::Child,
    _data: tempfile::TempDir,
}

async fn start(events: u64) -> Sandbox {
    let bin = std::env::var("MESHES_SANDBOX_BIN").expect("MESHES_SANDBOX_BIN: the release sandbox");
    let data = tempfile::tempdir().expect("tempdir");
    let (api, host, provider) = (free_port(), free_port(), free_port());
    let child = tokio::process::Command::new(bin)
        .env("MESHES_API_ADDR", format!("127.0.0.1:{api}"))
        .env("MESHES_HOST_ADDR", format!("127.0.0.1:{host}"))
        .env("MESHES_PROVIDER_ADDR", format!("127.0.0.1:{provider}"))
        .env("MESHES_DB", data.path().join("load.db"))
        .env("MESHES_MANAGEMENT_KEY", KEY)
        .env("MESHES_SEED_EVENTS", events.to_string())
        // The burst's 10 bulk requests and the readers' sessions stay under the limits.
        .env("MESHES_INGEST_BURST", "1000")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("start the sandbox");
    let started = Instant::now();
    let client = reqwest::Client::new();
    let api = format!("http://127.0.0.1:{api}");
    while client
        .get(format!("{api}/api/v1/integrations"))
        .send()
        .await
        .is_err()
    {
        assert!(
            started.elapsed() < Duration::from_secs(600),
            "the sandbox did not start"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    println!(
        "sandbox up with {events} seeded events after {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Sandbox {
        api,
        provider: format!("http://127.0.0.1:{provider}"),
        _child: child,
        _data: data,
    }
}

async fn call(
    client: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    body: Value,
) -> Value {
    let res = client
        .request(method, url)
        .bearer_auth(KEY)
        .json(&body)
        .send()
        .await
        .expect("call");
    res.json().await.unwrap_or(Value::Null)
}

fn row(out: &mut String, name: &str, s: &Stats) {
    let _ = writeln!(
        out,
        "| {name} | {:.0} | {:.2} | {:.2} | {:.2} | {} |",
        s.rate(),
        s.pct(50.0),
        s.pct(99.0),
        s.latencies.last().copied().unwrap_or(f64::NAN),
        s.errors
    );
}

#[tokio::main]
async fn main() {
    let events = env_or("MESHES_LOAD_EVENTS", 100_000);
    let rate = env_or("MESHES_LOAD_RATE", 500) as u32;
    let secs = env_or("MESHES_LOAD_SECONDS", 10);
    let sb = start(events).await;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()
        .expect("client");
    // The embed's reads carry a session token: verifying it is part of every request.
    let minted = call(
        &client,
        reqwest::Method::POST,
        format!("{}/api/v1/sessions", sb.api),
        json!({"workspace_id": WS, "role": "owner"}),
    )
    .await;
    let token = minted["access_token"]
        .as_str()
        .expect("a session token")
        .to_owned();
    let list = format!("{}/api/v1/workspaces/{WS}/events?limit=50", sb.api);
    let failed = format!(
        "{}/api/v1/workspaces/{WS}/events?limit=50&status=failed",
        sb.api
    );
    let dashboard = format!("{}/api/v1/workspaces/{WS}/dashboard", sb.api);
    // Warm up (connections, caches), then measure.
    let _ = closed_loop(&client, &list, &token, 4, 1).await;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Server load (release sandbox, {events} seeded events)\n"
    );
    let _ = writeln!(
        out,
        "Open loop: {rate} requests/s for {secs} s each, latency from when each request was due (ms).\n"
    );
    let _ = writeln!(
        out,
        "| endpoint | achieved /s | p50 | p99 | max | errors |\n|---|---|---|---|---|---|"
    );
    for (name, url) in [
        ("event list", &list),
        ("event list, status=failed", &failed),
        ("dashboard", &dashboard),
    ] {
        let s = open_loop(&client, url, &token, rate, secs).await;
        row(&mut out, name, &s);
    }
    let _ = writeln!(
        out,
        "\nClosed loop: 16 clients for {secs} s each (the most it does).\n"
    );
    let _ = writeln!(
        out,
        "| endpoint | requests/s | p50 | p99 | max | errors |\n|---|---|---|---|---|---|"
    );
    for (name, url) in [("event list", &list), ("dashboard", &dashboard)] {
        let s = closed_loop(&client, url, &token, 16, secs).await;
        row(&mut out, name, &s);
    }
    burst(&client, &sb, &token, &list, &mut out).await;
    println!("{out}");
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/load-report.md");
    std::fs::write(&path, out).expect("write the report");
    println!("wrote {}", path.display());
}

/// 1,000 events in 10 bulk requests, each fanned out to three webhook rules (3,000 deliveries
/// to the sandbox's inbox), while the event list is read at 100 requests/s.
async fn burst(client: &reqwest::Client, sb: &Sandbox, token: &str, list: &str, out: &mut String) {
    for n in 0..3 {
        let c = call(
            client,
            reqwest::Method::POST,
            format!("{}/api/v1/connections", sb.api),
            json!({
            "workspace": WS, "type": "webhook", "name": format!("Burst {n}"),
            "metadata": {"url": format!("{}/inbox/burst-{n}", sb.provider)}}),
        )
        .await;
        let cid = c["connection"]["id"]
            .as_str()
            .expect("a connection")
            .to_owned();
        call(client, reqwest::Method::POST, format!("{}/api/v1/rules", sb.api), json!({
            "workspace": WS, "connection": cid, "event": "load.burst", "metadata": {"action": "send_webhook"}})).await;
    }
    let dashboard = format!("{}/api/v1/workspaces/{WS}/dashboard", sb.api);
    let completed = |v: &Value| v["deliveries"]["completed"].as_u64().unwrap_or(0);
    let before =
        completed(&call(client, reqwest::Method::GET, dashboard.clone(), Value::Null).await);
    let reader = {
        let (client, list, token) = (client.clone(), list.to_owned(), token.to_owned());
        tokio::spawn(async move { open_loop(&client, &list, &token, 100, 8).await })
    };
    let start = Instant::now();
    let sent_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default();
    let mut ingest = tokio::task::JoinSet::new();
    for b in 0..10 {
        let (client, url) = (client.clone(), format!("{}/api/v1/events/bulk", sb.api));
        ingest.spawn(async move {
            let records: Vec<Value> = (0..100)
                .map(|i| json!({"event": "load.burst", "resource": "order", "resource_id": format!("o_{b}_{i}"), "payload": {"n": i}}))
                .collect();
            let res = client.post(url).header("x-meshes-publishable-key", "pk_test_acmedemo").json(&records).send().await;
            res.map(|r| r.status().as_u16()).unwrap_or(0)
        });
    }
    let mut statuses = vec![];
    while let Some(Ok(s)) = ingest.join_next().await {
        statuses.push(s);
    }
    let ingested = start.elapsed().as_secs_f64();
    let mut done_at = None;
    while start.elapsed() < Duration::from_secs(120) {
        let v = call(client, reqwest::Method::GET, dashboard.clone(), Value::Null).await;
        if completed(&v) >= before + 3000 {
            done_at = Some(start.elapsed().as_secs_f64());
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let read = reader.await.expect("the reader");
    // Lag from sending the burst to each arrival, from what the inboxes kept (their newest 100
    // each: the end of the burst, where the lag is longest). Event times have whole seconds
    // only, so the burst's own start is the reference.
    let mut lags = vec![];
    for n in 0..3 {
        let got = client
            .get(format!("{}/inbox/burst-{n}/requests", sb.provider))
            .send()
            .await;
        let got: Value = match got {
            Ok(r) => r.json().await.unwrap_or(Value::Null),
            Err(_) => Value::Null,
        };
        for q in got.as_array().into_iter().flatten() {
            if let Some(at) = q["received_ms"].as_i64() {
                lags.push((at - sent_ms) as f64);
            }
        }
    }
    lags.sort_by(f64::total_cmp);
    let lag = |p: f64| {
        lags.get(((p / 100.0) * (lags.len().max(1) - 1) as f64).round() as usize)
            .copied()
            .unwrap_or(f64::NAN)
    };
    let _ = writeln!(
        out,
        "\nBurst: 1,000 events in 10 bulk requests (answers {statuses:?}), each to 3 webhook rules.\n"
    );
    let _ = writeln!(out, "| measure | value |\n|---|---|");
    let _ = writeln!(
        out,
        "| ingested in | {:.0} ms ({:.0} events/s) |",
        ingested * 1000.0,
        1000.0 / ingested
    );
    match done_at {
        Some(t) => {
            let _ = writeln!(
                out,
                "| all 3,000 deliveries done after | {:.1} s ({:.0} deliveries/s) |",
                t,
                3000.0 / t
            );
        }
        None => {
            let _ = writeln!(
                out,
                "| all 3,000 deliveries done after | not within 120 s |"
            );
        }
    }
    let _ = writeln!(
        out,
        "| delivery lag, burst sent → received, the last {} deliveries: p50 / p99 / max | {:.0} / {:.0} / {:.0} ms |",
        lags.len(),
        lag(50.0),
        lag(99.0),
        lags.last().copied().unwrap_or(f64::NAN)
    );
    let _ = writeln!(
        out,
        "| event list during the burst (100/s), p50 / p99 / max | {:.2} / {:.2} / {:.2} ms ({} errors) |",
        read.pct(50.0),
        read.pct(99.0),
        read.latencies.last().copied().unwrap_or(f64::NAN),
        read.errors
    );
}
