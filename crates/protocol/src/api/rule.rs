//! Rule writes (meshes-spec §6.5) and the test event.

use super::{Event, ParamError, Rule};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// `POST /api/v1/rules`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreateRule {
    pub workspace: String,
    pub connection: String,
    pub event: String,
    pub metadata: Map<String, Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleCreated {
    pub rule: Rule,
}

/// `PATCH /api/v1/rules/{id}` as the on/off switch (the public API has no rule update; decision
/// 87 says what this one takes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateRule {
    pub active: bool,
}

/// `PATCH /api/v1/rules/{id}` as an edit (decision 87): what a rule does and for which
/// events. Every field is sent: `resource`/`resource_id` `null` clears the filter. The
/// connection never changes (that is another rule).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EditRule {
    pub event: String,
    pub metadata: Map<String, Value>,
    pub resource: Option<String>,
    pub resource_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleDeleted {
    pub id: String,
    pub connection: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub event: String,
}

/// `POST /api/v1/rules/{id}/test`: sends one event through this rule only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestEvent {
    pub payload: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventCreated {
    pub event: Event,
}

/// Largest accepted test payload, serialized.
pub const MAX_TEST_PAYLOAD: usize = 32 * 1024;

/// The documented `metadata` rule: `action` required and non-empty; other values strings.
pub fn check_rule_metadata(metadata: &Map<String, Value>) -> Vec<ParamError> {
    let mut errors = vec![];
    match metadata.get("action").and_then(Value::as_str) {
        Some(a) if !a.trim().is_empty() => {}
        _ => errors.push(ParamError::new("metadata.action", "is required")),
    }
    for (k, v) in metadata {
        let ok = match v {
            Value::String(s) => s.chars().count() <= 4096,
            Value::Null => true,
            _ => k == "data",
        };
        if !ok {
            errors.push(ParamError::new(
                format!("metadata.{k}"),
                "must be a string of at most 4096 characters",
            ));
        }
    }
    errors
}

/// Event type keys: dot-separated lowercase words (`contact.created`).
pub fn valid_event_key(s: &str) -> bool {
    (1..=128).contains(&s.len())
        && s.split('.').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        })
}
