//! Connection field catalogs and default mappings (meshes-spec §6.3–§6.4), with the schema
//! limits both the editor and the API enforce.

mod check;

pub use check::{check_schema, valid_source_path};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldCatalog {
    pub id: String,
    pub workspace_id: String,
    pub connection_id: String,
    pub integration_type: String,
    pub catalog_version: u32,
    pub refreshed_at: String,
    pub created_by: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub fields: Vec<CatalogField>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatalogField {
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// string|number|boolean|date|datetime|enum|multi_enum|json|object|array|unknown
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constraints: Option<Map<String, Value>>,
}

impl CatalogField {
    pub fn is_required(&self) -> bool {
        self.constraint("required") == Some(&Value::Bool(true))
    }

    pub fn is_read_only(&self) -> bool {
        self.constraint("read_only") == Some(&Value::Bool(true))
    }

    fn constraint(&self, key: &str) -> Option<&Value> {
        self.constraints.as_ref().and_then(|c| c.get(key))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MappingStatus {
    Stored,
    Generated,
}

/// `GET/PUT /connections/{id}/mappings/default` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MappingEnvelope {
    pub status: MappingStatus,
    pub mapping: Mapping,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mapping {
    pub id: String,
    pub mapping_id: String,
    /// 0 for a generated (never saved) mapping.
    pub version: u32,
    pub workspace_id: String,
    pub connection_id: String,
    pub integration_type: String,
    pub name: String,
    pub schema: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalog_version: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// `PUT /connections/{id}/mappings/default` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PutMapping {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_version: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub schema: Value,
}

/// The mapping document as the embed writes it (into [`PutMapping::schema`]). The API reads
/// `schema` as plain JSON so that [`check_schema`] can name every problem in whatever arrives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MappingSchema {
    pub schema_version: u32,
    pub fields: Vec<MappingField>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MappingField {
    pub dest: String,
    pub source: FieldSource,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transforms: Vec<MappingTransform>,
    pub on_error: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// A payload path like `user.email`.
    Path,
    /// A fixed value.
    Literal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldSource {
    #[serde(rename = "type")]
    pub kind: SourceKind,
    pub value: Value,
}

/// One of [`TRANSFORMS`] with its arguments. Numbers that arrive as text stay text, so the
/// checks can point at them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum MappingTransform {
    ToString,
    ToNumber,
    ToBoolean,
    ToDate {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        timezone: Option<String>,
    },
    ToDatetime {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        timezone: Option<String>,
    },
    Default {
        value: Value,
    },
    Trim,
    Lower,
    Upper,
    Substring {
        start: Value,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        length: Option<Value>,
    },
}

pub const MAX_MAPPING_FIELDS: usize = 250;
pub const MAX_TRANSFORMS: usize = 10;
pub const ON_ERROR: [&str; 3] = ["skip_field", "warn_action", "fail_action"];
/// Transforms and whether they take arguments.
pub const TRANSFORMS: [&str; 10] = [
    "to_string",
    "to_number",
    "to_boolean",
    "to_date",
    "to_datetime",
    "default",
    "trim",
    "lower",
    "upper",
    "substring",
];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// What the editor sends is what the API's checks accept, transform by transform, and reads
    /// back the same.
    #[test]
    fn the_typed_schema_passes_the_checks_and_round_trips() {
        let zone = Some("Europe/Berlin".to_owned());
        let transforms = vec![
            MappingTransform::ToString,
            MappingTransform::ToNumber,
            MappingTransform::ToBoolean,
            MappingTransform::ToDate { timezone: None },
            MappingTransform::ToDatetime { timezone: zone },
            MappingTransform::Default { value: json!("x") },
            MappingTransform::Trim,
            MappingTransform::Lower,
            MappingTransform::Upper,
            MappingTransform::Substring {
                start: json!(0),
                length: Some(json!(5)),
            },
        ];
        assert_eq!(
            transforms.len(),
            TRANSFORMS.len(),
            "every transform has a variant"
        );
        let schema = MappingSchema {
            schema_version: 1,
            fields: vec![MappingField {
                dest: "email".into(),
                source: FieldSource {
                    kind: SourceKind::Path,
                    value: json!("user.email"),
                },
                transforms: transforms[..MAX_TRANSFORMS].to_vec(),
                on_error: "skip_field".into(),
            }],
        };
        let wire = serde_json::to_value(&schema).unwrap();
        assert_eq!(check_schema(&wire), vec![]);
        assert_eq!(wire["fields"][0]["transforms"][9]["type"], "substring");
        assert_eq!(
            serde_json::from_value::<MappingSchema>(wire).unwrap(),
            schema
        );
    }
}
