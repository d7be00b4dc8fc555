//! The mapping rows as the editor holds them: destination, source (payload path or fixed value),
//! transforms with their arguments as typed, and what to do on error. Converts to and from the
//! wire schema; the editor itself is in `editor`.

mod editor;

use crate::i18n::{t, tf};
pub use editor::RowsEditor;
use meshes_protocol::api::{
    FieldSource, MappingField, MappingSchema, MappingTransform, ON_ERROR, ParamError, SourceKind,
    TRANSFORMS,
};
use serde_json::Value;

/// A transform in words (the API's identifier for kinds this version does not know).
pub fn transform_label(kind: &str) -> String {
    t(match kind {
        "to_string" => "mappings.transform_to_string",
        "to_number" => "mappings.transform_to_number",
        "to_boolean" => "mappings.transform_to_boolean",
        "to_date" => "mappings.transform_to_date",
        "to_datetime" => "mappings.transform_to_datetime",
        "default" => "mappings.transform_default",
        "trim" => "mappings.transform_trim",
        "lower" => "mappings.transform_lower",
        "upper" => "mappings.transform_upper",
        "substring" => "mappings.transform_substring",
        other => return other.to_owned(),
    })
}

/// What happens when a field cannot be filled, in words.
pub fn on_error_label(choice: &str) -> String {
    t(match choice {
        "skip_field" => "mappings.on_error_skip_field",
        "warn_action" => "mappings.on_error_warn_action",
        "fail_action" => "mappings.on_error_fail_action",
        other => return other.to_owned(),
    })
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Transform {
    pub kind: String,
    /// `default.value`, `substring.start`, `to_date(time).timezone`.
    pub a: String,
    /// `substring.length`.
    pub b: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub dest: String,
    pub literal: bool,
    pub value: String,
    pub transforms: Vec<Transform>,
    pub on_error: String,
}

impl Default for Row {
    fn default() -> Self {
        Row {
            dest: String::new(),
            literal: false,
            value: String::new(),
            transforms: vec![],
            on_error: ON_ERROR[0].into(),
        }
    }
}

fn text(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

pub fn from_schema(schema: &Value) -> Vec<Row> {
    let fields = schema
        .get("fields")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    fields
        .iter()
        .map(|f| Row {
            dest: text(f.get("dest")),
            literal: f.pointer("/source/type").and_then(Value::as_str) == Some("literal"),
            value: text(f.pointer("/source/value")),
            transforms: f
                .get("transforms")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|t| {
                    let kind = text(t.get("type"));
                    let (a, b) = match kind.as_str() {
                        "default" => (text(t.get("value")), String::new()),
                        "substring" => (text(t.get("start")), text(t.get("length"))),
                        _ => (text(t.get("timezone")), String::new()),
                    };
                    Transform { kind, a, b }
                })
                .collect(),
            on_error: f
                .get("on_error")
                .and_then(Value::as_str)
                .unwrap_or(ON_ERROR[0])
                .to_owned(),
        })
        .collect()
}

/// Numbers stay numbers where the schema wants them; anything else is sent as typed, so the
/// checks can point at it.
fn number_or_text(s: &str) -> Value {
    s.trim()
        .parse::<u64>()
        .map(Value::from)
        .unwrap_or_else(|_| Value::String(s.to_owned()))
}

/// The transform a row describes; `None` for a kind this version does not know.
fn transform(t: &Transform) -> Option<MappingTransform> {
    let zone = || Some(t.a.trim().to_owned()).filter(|z| !z.is_empty());
    Some(match t.kind.as_str() {
        "to_string" => MappingTransform::ToString,
        "to_number" => MappingTransform::ToNumber,
        "to_boolean" => MappingTransform::ToBoolean,
        "to_date" => MappingTransform::ToDate { timezone: zone() },
        "to_datetime" => MappingTransform::ToDatetime { timezone: zone() },
        "default" => MappingTransform::Default {
            value: Value::String(t.a.clone()),
        },
        "trim" => MappingTransform::Trim,
        "lower" => MappingTransform::Lower,
        "upper" => MappingTransform::Upper,
        "substring" => MappingTransform::Substring {
            start: number_or_text(&t.a),
            length: (!t.b.trim().is_empty()).then(|| number_or_text(&t.b)),
        },
        _ => return None,
    })
}

/// Transforms this version cannot send (a newer kind in a saved mapping), named where the
/// editor shows them: saving must not drop them without a word.
pub fn unknown_transforms(rows: &[Row]) -> Vec<ParamError> {
    let mut found = vec![];
    for (i, r) in rows.iter().enumerate() {
        for (j, t) in r.transforms.iter().enumerate() {
            if transform(t).is_none() {
                found.push(ParamError::new(
                    format!("schema.fields[{i}].transforms[{j}].type"),
                    tf(
                        "mappings.must_be_one_of",
                        &[("choices", TRANSFORMS.join(", ").as_str())],
                    ),
                ));
            }
        }
    }
    found
}

pub fn to_schema(rows: &[Row]) -> MappingSchema {
    let fields = rows
        .iter()
        .map(|r| MappingField {
            dest: r.dest.clone(),
            source: FieldSource {
                kind: if r.literal {
                    SourceKind::Literal
                } else {
                    SourceKind::Path
                },
                value: Value::String(r.value.trim().to_owned()),
            },
            transforms: r.transforms.iter().filter_map(transform).collect(),
            on_error: r.on_error.clone(),
        })
        .collect();
    MappingSchema {
        schema_version: 1,
        fields,
    }
}

/// `email ← email, lifecycle_stage ← "lead"`, for the conflict notice.
pub fn summary(schema: &Value) -> String {
    let rows = from_schema(schema);
    if rows.is_empty() {
        return t("mappings.nothing");
    }
    // The arrow points from the value to the field: the other way round right to left. Each
    // side is isolated (FSI … PDI), so the arrow follows the page's direction even between two
    // Latin names.
    let from = t("common.arrow_from");
    rows.iter()
        .map(|r| {
            if r.literal {
                format!(
                    "\u{2068}{}\u{2069} {from} \u{2068}\"{}\"\u{2069}",
                    r.dest, r.value
                )
            } else {
                format!(
                    "\u{2068}{}\u{2069} {from} \u{2068}{}\u{2069}",
                    r.dest, r.value
                )
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn schema_round_trips_through_rows() {
        let schema = json!({"schema_version": 1, "fields": [
            {"dest": "email", "source": {"type": "path", "value": "email"}, "on_error": "skip_field",
             "transforms": [{"type": "lower"}, {"type": "substring", "start": 0, "length": 5}]},
            {"dest": "stage", "source": {"type": "literal", "value": "lead"}, "on_error": "fail_action",
             "transforms": [{"type": "default", "value": "x"}, {"type": "to_date", "timezone": "Europe/Berlin"}]}]});
        let rebuilt = serde_json::to_value(to_schema(&from_schema(&schema))).unwrap();
        assert_eq!(rebuilt, schema);
    }

    /// A transform of a kind this version doesn't know is named, not dropped on save.
    #[wasm_bindgen_test(unsupported = test)]
    fn unknown_transforms_are_named_not_dropped() {
        let schema = json!({"schema_version": 1, "fields": [
            {"dest": "email", "source": {"type": "path", "value": "email"}, "on_error": "skip_field",
             "transforms": [{"type": "lower"}, {"type": "slugify"}]}]});
        let rows = from_schema(&schema);
        let params: Vec<String> = unknown_transforms(&rows)
            .into_iter()
            .map(|e| e.param)
            .collect();
        assert_eq!(params, ["schema.fields[0].transforms[1].type"]);
    }
}
