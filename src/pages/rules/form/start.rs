//! What the rule form starts from: a rule's values when it edits one, else nothing.

use meshes_protocol::api::Rule;
use serde_json::Value;
use std::collections::HashMap;

#[derive(Default)]
pub struct Start {
    pub event: String,
    pub resource: String,
    pub resource_id: String,
    pub connection: String,
    pub action: String,
    /// The action's inputs as typed or picked (string metadata but `action` and `name`).
    pub inputs: HashMap<String, String>,
}

impl From<Option<Rule>> for Start {
    fn from(rule: Option<Rule>) -> Start {
        let Some(r) = rule else {
            return Start::default();
        };
        let action = r
            .metadata
            .get("action")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        // The picked item's name is derived again on save, from what is picked then.
        let inputs = r
            .metadata
            .iter()
            .filter(|(k, _)| *k != "action" && *k != "name")
            .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_owned())))
            .collect();
        Start {
            event: r.event,
            resource: r.resource.unwrap_or_default(),
            resource_id: r.resource_id.unwrap_or_default(),
            connection: r.connection,
            action,
            inputs,
        }
    }
}
