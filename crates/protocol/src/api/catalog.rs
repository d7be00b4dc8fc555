//! The integrations catalog (meshes-spec §5.2–§5.3, §6.7) and the workspace's event-type and
//! resource catalogs (§6.2). The connection form and the rule builder are driven by these.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Integration {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub authentication: Authentication,
    pub actions: BTreeMap<String, IntegrationAction>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthType {
    ApiKey,
    Basic,
    None,
    Oauth,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Authentication {
    #[serde(rename = "type")]
    pub kind: AuthType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oauth: Option<OauthInfo>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<AuthField>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OauthInfo {
    pub version: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    Text,
    Password,
    Select,
    Textarea,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelectOption {
    pub label: String,
    pub value: String,
}

/// Show the field only when another field has one of these values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DependsOn {
    pub field: String,
    pub value: OneOrMany,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn contains(&self, v: &str) -> bool {
        match self {
            OneOrMany::One(s) => s == v,
            OneOrMany::Many(all) => all.iter().any(|s| s == v),
        }
    }
}

/// One field of a connection's `metadata`, as the catalog describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthField {
    pub label: String,
    pub key: String,
    #[serde(rename = "type")]
    pub kind: FieldType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help_text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    /// Only `"url"` is documented.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validate: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<SelectOption>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depends_on: Option<DependsOn>,
}

impl AuthField {
    pub fn is_required(&self) -> bool {
        self.required.unwrap_or(false)
    }

    /// Whether the field applies, given the other values of the form.
    pub fn applies(&self, value_of: impl Fn(&str) -> Option<String>) -> bool {
        match &self.depends_on {
            None => true,
            Some(d) => value_of(&d.field).is_some_and(|v| d.value.contains(&v)),
        }
    }

    /// Secret fields are write-only: stored, never returned.
    pub fn is_secret(&self) -> bool {
        self.kind == FieldType::Password
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntegrationAction {
    pub key: String,
    pub label: String,
    pub noun: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data: Vec<ActionInput>,
    /// Metadata keys the rule uses (`[]` = action only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<String>>,
}

/// What a rule of this action asks for: a live item (`simple`), a live item and one of its
/// options (`advanced`), or a typed-in value (`field`). One flat struct rather than a tagged
/// enum: the same JSON, and much less decoding code in the wasm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionInput {
    pub key: String,
    pub field: String,
    pub kind: InputKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    /// `advanced` only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<AdvancedOptions>,
    /// `field` only.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub input_type: Option<FieldType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputKind {
    Simple,
    Advanced,
    Field,
}

impl ActionInput {
    /// The rule `metadata` key this input fills.
    pub fn field(&self) -> &str {
        &self.field
    }

    /// The key of the connection's live action data this input picks from (none for `field`).
    pub fn data_key(&self) -> Option<&str> {
        (self.kind != InputKind::Field).then_some(self.key.as_str())
    }

    pub fn label(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.key)
    }

    /// Pickers are required unless they say otherwise; typed-in fields are optional unless they say so.
    pub fn is_required(&self) -> bool {
        self.required.unwrap_or(self.kind != InputKind::Field)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdvancedOptions {
    pub key: String,
    pub field: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display: Option<Map<String, Value>>,
}

/// One live item of a connection's action data (`GET /connections/{id}/actions`):
/// `{"lists": [{"id": "42", "name": "New leads", "options": [...]}]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveItem {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<LiveItem>,
}

/// `GET /workspaces/{id}/event-types` and `/resources`: plain arrays of these.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatalogEntry {
    pub id: String,
    pub key: String,
    pub label: String,
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    pub created_by: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}
