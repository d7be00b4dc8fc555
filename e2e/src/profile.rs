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

/// Stop and return the `n` functions with the most self time (ms), biggest first, then the `n`
/// with the most total time (themselves and what they called).
pub async fn stop_top(cdp: &Cdp, n: usize) -> (Vec<(String, f64)>, Vec<(String, f64)>) {
    let Ok(v) = cdp.send_raw("Profiler.stop", json!({})).await else {
        return (vec![], vec![]);
    };
    for line in busy_spans(&v["profile"]) {
        eprintln!("  {line}");
    }
    (top(&v["profile"], n), top_total(&v["profile"], n))
}

/// Stretches of main-thread work over 40 ms (samples not idle): how long, how much of it was
/// the engine outside JS and wasm (`(program)`: style, layout, paint, parsing) and the garbage
/// collector, and the deepest app functions seen most.
fn busy_spans(profile: &Value) -> Vec<String> {
    let (Some(nodes), Some(samples), Some(deltas)) = (
        profile["nodes"].as_array(),
        profile["samples"].as_array(),
        profile["timeDeltas"].as_array(),
    ) else {
        return vec![];
    };
    let name: HashMap<u64, String> = nodes
        .iter()
        .filter_map(|n| {
            Some((
                n["id"].as_u64()?,
                n["callFrame"]["functionName"].as_str()?.to_owned(),
            ))
        })
        .collect();
    let mut out = vec![];
    let (mut span, mut program, mut gc, mut t, mut start) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for (i, id) in samples.iter().enumerate() {
        let dt = deltas.get(i + 1).and_then(Value::as_f64).unwrap_or(0.0) / 1000.0;
        t += deltas.get(i).and_then(Value::as_f64).unwrap_or(0.0) / 1000.0;
        let n = id
            .as_u64()
            .and_then(|id| name.get(&id))
            .map_or("", String::as_str);
        if n == "(idle)" {
            if span > 40.0 {
                out.push(format!(
                    "busy at {start:.0} ms for {span:.0} ms: engine {program:.0} ms, gc {gc:.0} ms, JS and wasm {:.0} ms",
                    span - program - gc
                ));
            }
            span = 0.0;
            program = 0.0;
            gc = 0.0;
            continue;
        }
        if span == 0.0 {
            start = t;
        }
        span += dt;
        if n == "(program)" {
            program += dt;
        } else if n == "(garbage collector)" {
            gc += dt;
        }
    }
    out
}

/// Total time per function: each sample counts once for every distinct function on its stack.
fn top_total(profile: &Value, n: usize) -> Vec<(String, f64)> {
    let (Some(nodes), Some(samples), Some(deltas)) = (
        profile["nodes"].as_array(),
        profile["samples"].as_array(),
        profile["timeDeltas"].as_array(),
    ) else {
        return vec![];
    };
    let mut parent: HashMap<u64, u64> = HashMap::new();
    let mut label: HashMap<u64, String> = HashMap::new();
    for node in nodes {
        let Some(id) = node["id"].as_u64() else {
            continue;
        };
        let f = &node["callFrame"];
        let name = f["functionName"].as_str().unwrap_or_default();
        let file = f["url"]
            .as_str()
            .unwrap_or_default()
            .rsplit('/')
            .next()
            .unwrap_or_default();
        label.insert(
            id,
            format!(
                "{} ({file})",
                if name.is_empty() { "(anonymous)" } else { name }
            ),
        );
        for child in node["children"].as_array().into_iter().flatten() {
            if let Some(c) = child.as_u64() {
                parent.insert(c, id);
            }
        }
    }
    let mut total: HashMap<String, f64> = HashMap::new();
    for (i, id) in samples.iter().enumerate() {
        let dt = deltas.get(i + 1).and_then(Value::as_f64).unwrap_or(0.0) / 1000.0;
        let mut seen = std::collections::HashSet::new();
        let mut at = id.as_u64();
        while let Some(node) = at {
            if let Some(name) = label.get(&node)
                && seen.insert(name.clone())
            {
                *total.entry(name.clone()).or_default() += dt;
            }
            at = parent.get(&node).copied();
        }
    }
    let mut out: Vec<(String, f64)> = total
        .into_iter()
        .filter(|(name, _)| {
            !name.starts_with("(root)")
                && !name.starts_with("(idle)")
                && !name.starts_with("(program)")
        })
        .collect();
    out.sort_by(|a, b| b.1.total_cmp(&a.1));
    out.truncate(n);
    out
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

/// The renderer's own counters (`Performance.getMetrics`): layouts, style recalculations and
/// the time they and scripts took, in seconds, cumulative.
pub async fn metrics(cdp: &Cdp) -> HashMap<String, f64> {
    let _ = cdp.send_raw("Performance.enable", json!({})).await;
    let Ok(v) = cdp.send_raw("Performance.getMetrics", json!({})).await else {
        return HashMap::new();
    };
    v["metrics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| Some((m["name"].as_str()?.to_owned(), m["value"].as_f64()?)))
        .collect()
}

/// What happened between two [`metrics`] readings, in one line.
pub fn metrics_delta(before: &HashMap<String, f64>, after: &HashMap<String, f64>) -> String {
    let d = |k: &str| after.get(k).unwrap_or(&0.0) - before.get(k).unwrap_or(&0.0);
    format!(
        "{:.0} layouts {:.0} ms, {:.0} style recalcs {:.0} ms, script {:.0} ms (compiling {:.0} ms), DevTools commands {:.0} ms, tasks {:.0} ms (other {:.0} ms)",
        d("LayoutCount"),
        d("LayoutDuration") * 1000.0,
        d("RecalcStyleCount"),
        d("RecalcStyleDuration") * 1000.0,
        d("ScriptDuration") * 1000.0,
        d("V8CompileDuration") * 1000.0,
        d("DevToolsCommandDuration") * 1000.0,
        d("TaskDuration") * 1000.0,
        d("TaskOtherDuration") * 1000.0
    )
}
