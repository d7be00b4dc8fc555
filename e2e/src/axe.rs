//! axe-core (npm, pinned in `package.json`) on the document of the current frame: the WCAG 2.0
//! and 2.1 level A and AA rules, as a list of what fails.

use crate::Stack;
use serde_json::Value;
use std::sync::OnceLock;

/// The axe source, read once per run.
fn source() -> &'static str {
    static SOURCE: OnceLock<String> = OnceLock::new();
    SOURCE.get_or_init(|| {
        let path = crate::repo_root().join("node_modules/axe-core/axe.min.js");
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (run `cargo xtask setup`)", path.display()))
    })
}

/// Run the rules; resolve with one line per failing node, or the error axe threw.
const RUN: &str = r#"
const done = arguments[arguments.length - 1];
axe.run(document, {
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  resultTypes: ['violations', 'incomplete'],
}).then(
  (r) => done({ passes: r.passes.length, violations: r.violations.flatMap((v) =>
    v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')}: ${n.failureSummary.replace(/\s+/g, ' ')}`)),
    // (Text of symbols only, such as an arrow, has no contrast to decide.)
    unsure: r.incomplete.filter((v) => v.id === 'color-contrast').flatMap((v) => v.nodes
      .map((n) => [n.target.join(' '), n.any.map((c) => c.message).join(' ')])
      .filter(([, why]) => !/only non-text characters/.test(why))
      .map(([target, why]) => `${target}: ${why}`)) }),
  (e) => done({ error: String(e) }),
);
"#;

/// What axe found on the current frame's document.
#[derive(Debug)]
pub struct Audit {
    /// Rules that applied and passed (a run that checked nothing must not read as clean).
    pub passes: u64,
    pub violations: Vec<String>,
    /// Text whose contrast axe could not decide (over an image or a gradient, overlapped): it
    /// must be none, or a contrast failure could hide there.
    pub unsure: Vec<String>,
}

impl Stack {
    /// Audit the document of the frame the driver is in (axe is injected once per document).
    pub async fn axe(&self) -> Audit {
        let loaded = self.js("return typeof window.axe === 'object'").await;
        if loaded != Value::Bool(true) {
            // Through the driver, as the engines' own devtools would: the embed's CSP is not
            // loosened for it.
            self.js(&format!("{}\nreturn typeof window.axe", source()))
                .await;
        }
        let r = self
            .driver
            .execute_async(RUN, vec![])
            .await
            .expect("axe ran")
            .json()
            .clone();
        assert!(r["error"].is_null(), "axe failed: {}", r["error"]);
        Audit {
            passes: r["passes"].as_u64().unwrap_or(0),
            violations: strings(&r["violations"]),
            unsure: strings(&r["unsure"]),
        }
    }
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect()
}
