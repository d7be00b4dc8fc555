//! The checks a mapping document passes, each finding naming its place
//! (`schema.fields[2].source.value`): the API refuses with them, the editor shows them first.

use super::{MAX_MAPPING_FIELDS, MAX_TRANSFORMS, ON_ERROR, TRANSFORMS};
use crate::api::ParamError;
use serde_json::Value;

/// `^[a-zA-Z_][a-zA-Z0-9_]*(\.[a-zA-Z0-9_]+)*$`, 1–128.
pub fn valid_source_path(s: &str) -> bool {
    let ok_word = |w: &str, first: bool| {
        !w.is_empty()
            && w.bytes().enumerate().all(|(i, b)| {
                b.is_ascii_alphanumeric() && !(first && i == 0 && b.is_ascii_digit()) || b == b'_'
            })
    };
    (1..=128).contains(&s.len()) && s.split('.').enumerate().all(|(i, w)| ok_word(w, i == 0))
}

fn len_ok(v: &Value, min: usize, max: usize) -> bool {
    v.as_str()
        .is_some_and(|s| (min..=max).contains(&s.chars().count()))
}

/// Every schema problem, each naming its place (`schema.fields[2].source.value`).
pub fn check_schema(schema: &Value) -> Vec<ParamError> {
    let mut e = vec![];
    let Some(obj) = schema.as_object() else {
        return vec![ParamError::new("schema", "must be an object")];
    };
    if obj.get("schema_version") != Some(&Value::from(1)) {
        e.push(ParamError::new("schema.schema_version", "must be 1"));
    }
    let meta_name = obj.get("meta").and_then(|m| m.get("name"));
    if meta_name.is_some_and(|n| !n.is_null() && !len_ok(n, 1, 64)) {
        e.push(ParamError::new(
            "schema.meta.name",
            "must be 1–64 characters",
        ));
    }
    let Some(fields) = obj.get("fields").and_then(Value::as_array) else {
        e.push(ParamError::new("schema.fields", "must be a list"));
        return e;
    };
    if fields.len() > MAX_MAPPING_FIELDS {
        e.push(ParamError::new(
            "schema.fields",
            format!("at most {MAX_MAPPING_FIELDS} fields"),
        ));
    }
    let mut dests = vec![];
    for (i, f) in fields.iter().enumerate() {
        let p = format!("schema.fields[{i}]");
        match f.get("dest") {
            Some(d) if len_ok(d, 1, 128) => {
                if dests.contains(&d) {
                    e.push(ParamError::new(format!("{p}.dest"), "is mapped twice"));
                }
                dests.push(d);
            }
            _ => e.push(ParamError::new(
                format!("{p}.dest"),
                "pick a destination field",
            )),
        }
        check_source(f.get("source"), &p, &mut e);
        if let Some(ts) = f.get("transforms").filter(|t| !t.is_null()) {
            check_transforms(ts, &p, &mut e);
        }
        if let Some(oe) = f.get("on_error").filter(|v| !v.is_null())
            && !oe.as_str().is_some_and(|s| ON_ERROR.contains(&s))
        {
            e.push(ParamError::new(
                format!("{p}.on_error"),
                format!("must be one of: {}", ON_ERROR.join(", ")),
            ));
        }
        if let Some(n) = f.get("notes").filter(|v| !v.is_null())
            && !len_ok(n, 1, 1024)
        {
            e.push(ParamError::new(
                format!("{p}.notes"),
                "must be 1–1024 characters",
            ));
        }
    }
    e
}

fn check_source(source: Option<&Value>, p: &str, e: &mut Vec<ParamError>) {
    let p = format!("{p}.source.value");
    let kind = source.and_then(|s| s.get("type")).and_then(Value::as_str);
    let value = source.and_then(|s| s.get("value"));
    match (kind, value) {
        (Some("path"), Some(Value::String(v))) if valid_source_path(v) => {}
        (Some("path"), _) => e.push(ParamError::new(
            p,
            "must be a payload path like email or user.name",
        )),
        (Some("literal"), Some(Value::String(v))) if (1..=256).contains(&v.chars().count()) => {}
        (Some("literal"), Some(Value::Number(_) | Value::Bool(_) | Value::Null)) => {}
        (Some("literal"), _) => e.push(ParamError::new(
            p,
            "must be text (1–256 characters), a number, true/false or null",
        )),
        _ => e.push(ParamError::new(p, "choose a payload path or a fixed value")),
    }
}

fn check_transforms(ts: &Value, p: &str, e: &mut Vec<ParamError>) {
    let Some(ts) = ts.as_array() else {
        e.push(ParamError::new(format!("{p}.transforms"), "must be a list"));
        return;
    };
    if ts.len() > MAX_TRANSFORMS {
        e.push(ParamError::new(
            format!("{p}.transforms"),
            format!("at most {MAX_TRANSFORMS} transforms"),
        ));
    }
    for (j, t) in ts.iter().enumerate() {
        let tp = format!("{p}.transforms[{j}]");
        let kind = t.get("type").and_then(Value::as_str).unwrap_or("");
        if !TRANSFORMS.contains(&kind) {
            e.push(ParamError::new(
                format!("{tp}.type"),
                format!("must be one of: {}", TRANSFORMS.join(", ")),
            ));
            continue;
        }
        match kind {
            "default" => match t.get("value") {
                Some(Value::String(s)) if (1..=128).contains(&s.chars().count()) => {}
                Some(Value::Number(_) | Value::Bool(_) | Value::Null) => {}
                _ => e.push(ParamError::new(
                    format!("{tp}.value"),
                    "must be text (1–128 characters), a number, true/false or null",
                )),
            },
            "substring" => {
                if t.get("start").and_then(Value::as_u64).is_none() {
                    e.push(ParamError::new(
                        format!("{tp}.start"),
                        "must be a whole number ≥ 0",
                    ));
                }
                if t.get("length")
                    .is_some_and(|l| !l.is_null() && l.as_u64().is_none_or(|n| n == 0))
                {
                    e.push(ParamError::new(
                        format!("{tp}.length"),
                        "must be a whole number > 0",
                    ));
                }
            }
            "to_date" | "to_datetime"
                if t.get("timezone")
                    .is_some_and(|z| !z.is_null() && !len_ok(z, 1, 64)) =>
            {
                e.push(ParamError::new(
                    format!("{tp}.timezone"),
                    "must be a time zone name like Europe/Berlin",
                ));
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn source_paths() {
        for ok in ["email", "user.name", "_x.0", "a_b.c_d"] {
            assert!(valid_source_path(ok), "{ok}");
        }
        for bad in ["", "1a", "a..b", "a.", ".a", "a-b", "a b"] {
            assert!(!valid_source_path(bad), "{bad}");
        }
    }

    #[test]
    fn schema_errors_name_their_place() {
        let s = json!({"schema_version": 1, "fields": [
            {"dest": "email", "source": {"type": "path", "value": "email"}, "transforms": [{"type": "lower"}], "on_error": "skip_field"},
            {"dest": "email", "source": {"type": "path", "value": "9bad"}},
            {"dest": "", "source": {"type": "literal", "value": ""}, "transforms": [{"type": "substring"}, {"type": "shout"}], "on_error": "explode"}
        ]});
        let params: Vec<String> = check_schema(&s).into_iter().map(|e| e.param).collect();
        assert_eq!(
            params,
            [
                "schema.fields[1].dest",
                "schema.fields[1].source.value",
                "schema.fields[2].dest",
                "schema.fields[2].source.value",
                "schema.fields[2].transforms[0].start",
                "schema.fields[2].transforms[1].type",
                "schema.fields[2].on_error",
            ]
        );
        let good = json!({"schema_version": 1, "fields": [{"dest": "stage", "source": {"type": "literal", "value": "lead"}}]});
        assert!(check_schema(&good).is_empty());
    }
}
