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
/// with the most total time (themselves and what they called). Prints the busy stretches.
pub async fn stop_top(cdp: &Cdp, n: usize) -> (Vec<(String, f64)>, Vec<(String, f64)>) {
    let Ok(v) = cdp.send_raw("Profiler.stop", json!({})).await else {
        return (vec![], vec![]);
    };
    let Some(p) = Profile::read(&v["profile"]) else {
        return (vec![], vec![]);
    };
    for line in p.busy_spans() {
        eprintln!("  {line}");
    }
    (p.top(n, false), p.top(n, true))
}

/// A CPU profile, read once: each node's label and parent, each sample's node and time (ms).
struct Profile {
    /// Function name as V8 gives it (`(idle)`, `(program)`, … included).
    name: HashMap<u64, String>,
    /// `name (file)`, what the tables show.
    label: HashMap<u64, String>,
    parent: HashMap<u64, u64>,
    /// (node, start ms, duration ms): a sample's time is the delta to the next one.
    samples: Vec<(u64, f64, f64)>,
}

impl Profile {
    fn read(profile: &Value) -> Option<Profile> {
        let nodes = profile["nodes"].as_array()?;
        let ids = profile["samples"].as_array()?;
        let deltas = profile["timeDeltas"].as_array()?;
        let (mut name, mut label, mut parent) = (HashMap::new(), HashMap::new(), HashMap::new());
        for node in nodes {
            let Some(id) = node["id"].as_u64() else {
                continue;
            };
            let f = &node["callFrame"];
            let n = f["functionName"].as_str().unwrap_or_default();
            let url = f["url"].as_str().unwrap_or_default();
            let file = url.rsplit('/').next().unwrap_or_default();
            let shown = if n.is_empty() { "(anonymous)" } else { n };
            label.insert(id, format!("{shown} ({file})"));
            name.insert(id, n.to_owned());
            for child in node["children"].as_array().into_iter().flatten() {
                if let Some(c) = child.as_u64() {
                    parent.insert(c, id);
                }
            }
        }
        let delta = |i: usize| deltas.get(i).and_then(Value::as_f64).unwrap_or(0.0) / 1000.0;
        let mut t = 0.0;
        let samples = ids
            .iter()
            .enumerate()
            .filter_map(|(i, id)| {
                t += delta(i);
                Some((id.as_u64()?, t, delta(i + 1)))
            })
            .collect();
        Some(Profile {
            name,
            label,
            parent,
            samples,
        })
    }

    /// The `n` functions with the most self time or, with `total`, the most time on the stack
    /// (each sample counts once for every distinct function on it).
    fn top(&self, n: usize, total: bool) -> Vec<(String, f64)> {
        let mut ms: HashMap<&str, f64> = HashMap::new();
        for &(node, _, dt) in &self.samples {
            let mut seen = std::collections::HashSet::new();
            let mut at = Some(node);
            while let Some(id) = at {
                if let Some(label) = self.label.get(&id)
                    && seen.insert(label.as_str())
                {
                    *ms.entry(label).or_default() += dt;
                }
                at = if total {
                    self.parent.get(&id).copied()
                } else {
                    None
                };
            }
        }
        let mut out: Vec<(String, f64)> = ms
            .into_iter()
            .filter(|(label, _)| {
                !["(root)", "(idle)", "(program)"]
                    .iter()
                    .any(|p| label.starts_with(p))
            })
            .map(|(label, ms)| (label.to_owned(), ms))
            .collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1));
        out.truncate(n);
        out
    }

    /// Stretches of main-thread work over 40 ms (samples not idle): how long, and how much of
    /// it was the engine outside JS and wasm (`(program)`: style, layout, paint, parsing) and
    /// the garbage collector.
    fn busy_spans(&self) -> Vec<String> {
        let mut out = vec![];
        let (mut span, mut program, mut gc, mut start) = (0.0, 0.0, 0.0, 0.0);
        for &(node, t, dt) in &self.samples {
            match self.name.get(&node).map_or("", String::as_str) {
                "(idle)" => {
                    if span > 40.0 {
                        out.push(format!(
                            "busy at {start:.0} ms for {span:.0} ms: engine {program:.0} ms, gc {gc:.0} ms, JS and wasm {:.0} ms",
                            span - program - gc
                        ));
                    }
                    (span, program, gc) = (0.0, 0.0, 0.0);
                    continue;
                }
                "(program)" => program += dt,
                "(garbage collector)" => gc += dt,
                _ => {}
            }
            if span == 0.0 {
                start = t;
            }
            span += dt;
        }
        out
    }
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
