//! CPU profiles for the bench (`BENCH_PROFILE=1`): where a page switch spends its main-thread
//! time, by function (self time). Wasm functions have names only when the module kept them
//! (`target/split/out/main-with-names.wasm`, see the README's bench notes).

use serde_json::{Value, json};
use std::collections::HashMap;
use thirtyfour::cdp::Cdp;

pub async fn start(cdp: &Cdp) {
    let _ = cdp.send_raw("Profiler.enable", json!({})).await;
    let _ = cdp
        .send_raw("Profiler.setSamplingInterval", json!({"interval": 200}))
        .await;
    let _ = cdp.send_raw("Profiler.start", json!({})).await;
}

/// Stop and return the `n` functions with the most self time (ms), biggest first.
pub async fn stop_top(cdp: &Cdp, n: usize) -> Vec<(String, f64)> {
    let Ok(v) = cdp.send_raw("Profiler.stop", json!({})).await else {
        return vec![];
    };
    top(&v["profile"], n)
}

fn top(profile: &Value, n: usize) -> Vec<(String, f64)> {
    let (Some(nodes), Some(samples), Some(deltas)) = (
        profile["nodes"].as_array(),
        profile["samples"].as_array(),
        profile["timeDeltas"].as_array(),
    ) else {
        return vec![];
    };
    let name_of: HashMap<u64, String> = nodes
        .iter()
        .filter_map(|node| {
            let f = &node["callFrame"];
            let name = f["functionName"].as_str().filter(|s| !s.is_empty());
            let url = f["url"].as_str().unwrap_or_default();
            let file = url.rsplit('/').next().unwrap_or_default();
            let label = format!("{} ({file})", name.unwrap_or("(anonymous)"));
            Some((node["id"].as_u64()?, label))
        })
        .collect();
    let mut self_ms: HashMap<String, f64> = HashMap::new();
    // Each sample's time is the delta to the next one.
    for (i, id) in samples.iter().enumerate() {
        let dt = deltas.get(i + 1).and_then(Value::as_f64).unwrap_or(0.0) / 1000.0;
        if let Some(name) = id.as_u64().and_then(|id| name_of.get(&id)) {
            *self_ms.entry(name.clone()).or_default() += dt;
        }
    }
    let mut out: Vec<(String, f64)> = self_ms
        .into_iter()
        .filter(|(name, _)| !name.starts_with("(idle)") && !name.starts_with("(program)"))
        .collect();
    out.sort_by(|a, b| b.1.total_cmp(&a.1));
    out.truncate(n);
    out
}
