//! Connection writes (meshes-spec §6.3, §5.4) and the checks both the form and the API run, so
//! the embed can say what is wrong before a round trip and the API still refuses bad input.

use super::{Connection, Integration, ParamError};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// `POST /api/v1/connections`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreateConnection {
    pub workspace: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub name: String,
    pub metadata: Map<String, Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden: Option<bool>,
}

/// `PUT /api/v1/connections/{id}`: secret fields left out (or empty) keep their stored value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UpdateConnection {
    pub name: String,
    pub metadata: Map<String, Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden: Option<bool>,
}

/// One of a webhook's `metadata.custom_headers`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomHeader {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectionCreated {
    pub connection: Connection,
}

/// `DELETE /api/v1/connections/{id}` body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteConnection {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub force_delete: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionDeleted {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
}

/// 1–128 of `[A-Za-z0-9 _-]`.
pub fn valid_connection_name(s: &str) -> bool {
    (1..=128).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b' ' | b'_' | b'-'))
}

pub const MAX_CUSTOM_HEADERS: usize = 5;
pub const MAX_METADATA_VALUE: usize = 1024;

/// Headers a webhook may not set itself: the request's framing and Meshes' own.
const RESERVED_HEADERS: &[&str] = &[
    "content-type",
    "content-length",
    "host",
    "transfer-encoding",
    "connection",
    "authorization",
    "user-agent",
];

/// `https://` with a host and nothing that would make the URL ambiguous.
pub fn valid_https_url(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("https://") else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    s.len() <= 2048
        && !host.is_empty()
        && !host.contains('@')
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn valid_header_name(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
}

/// Check a connection's `metadata` against its integration's `authentication.fields`.
/// `keep_secret(key)` says a secret is already stored (an update may leave it blank).
pub fn check_metadata(
    integration: &Integration,
    metadata: &Map<String, Value>,
    keep_secret: impl Fn(&str) -> bool,
) -> Vec<ParamError> {
    let mut errors = vec![];
    let fields = &integration.authentication.fields;
    let value_of = |k: &str| -> Option<String> {
        metadata
            .get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .or_else(|| {
                fields
                    .iter()
                    .find(|f| f.key == k)
                    .and_then(|f| f.default_value.clone())
            })
    };
    let webhook = integration.kind == "webhook";
    for key in metadata.keys() {
        let known = fields.iter().any(|f| &f.key == key)
            || (webhook && matches!(key.as_str(), "custom_headers" | "skip_url_test"));
        if !known {
            errors.push(ParamError::new(
                format!("metadata.{key}"),
                "is not a field of this integration",
            ));
        }
    }
    for f in fields {
        let param = format!("metadata.{}", f.key);
        let raw = metadata.get(&f.key).filter(|v| !v.is_null());
        let value = match raw {
            None => None,
            Some(Value::String(s)) => Some(s.as_str()),
            Some(_) => {
                errors.push(ParamError::new(param, "must be a string"));
                continue;
            }
        };
        let value = value.filter(|s| !s.trim().is_empty());
        if !f.applies(value_of) {
            continue;
        }
        let Some(v) = value else {
            let kept = f.is_secret() && keep_secret(&f.key);
            if f.is_required() && f.default_value.is_none() && !kept {
                errors.push(ParamError::new(param, format!("{} is required", f.label)));
            }
            continue;
        };
        if v.chars().count() > MAX_METADATA_VALUE {
            errors.push(ParamError::new(
                param,
                format!("must be at most {MAX_METADATA_VALUE} characters"),
            ));
        } else if f.validate.as_deref() == Some("url") && !valid_https_url(v) {
            errors.push(ParamError::new(
                param,
                "must be a full https:// URL (for example https://example.com/hooks/meshes)",
            ));
        } else if let Some(options) = &f.options
            && !options.iter().any(|o| o.value == v)
        {
            let allowed: Vec<&str> = options.iter().map(|o| o.value.as_str()).collect();
            errors.push(ParamError::new(
                param,
                format!("must be one of: {}", allowed.join(", ")),
            ));
        } else if (f.key.ends_with("header_name") || f.key == "signing_header")
            && !valid_header_name(v)
        {
            errors.push(ParamError::new(
                param,
                "must be a header name (letters, digits, - and _)",
            ));
        }
    }
    if webhook {
        check_custom_headers(metadata.get("custom_headers"), &mut errors);
        if metadata
            .get("skip_url_test")
            .is_some_and(|v| !v.is_boolean() && !v.is_null())
        {
            errors.push(ParamError::new(
                "metadata.skip_url_test",
                "must be true or false",
            ));
        }
    }
    errors
}

fn check_custom_headers(value: Option<&Value>, errors: &mut Vec<ParamError>) {
    let param = "metadata.custom_headers";
    let Some(value) = value.filter(|v| !v.is_null()) else {
        return;
    };
    let Some(items) = value.as_array() else {
        errors.push(ParamError::new(param, "must be a list of {name, value}"));
        return;
    };
    if items.len() > MAX_CUSTOM_HEADERS {
        errors.push(ParamError::new(
            param,
            format!("at most {MAX_CUSTOM_HEADERS} custom headers"),
        ));
    }
    let mut seen = vec![];
    for (i, item) in items.iter().enumerate() {
        let p = format!("{param}[{i}]");
        let name = item.get("name").and_then(Value::as_str).unwrap_or("");
        let val = item.get("value").and_then(Value::as_str);
        let lower = name.to_ascii_lowercase();
        if !valid_header_name(name) {
            errors.push(ParamError::new(
                format!("{p}.name"),
                "must be a header name (letters, digits, - and _)",
            ));
        } else if RESERVED_HEADERS.contains(&lower.as_str()) || lower.starts_with("x-meshes-") {
            errors.push(ParamError::new(
                format!("{p}.name"),
                format!("{name} is reserved and set by Meshes"),
            ));
        } else if seen.contains(&lower) {
            errors.push(ParamError::new(format!("{p}.name"), "is a duplicate"));
        }
        seen.push(lower);
        match val {
            Some(v) if v.len() <= MAX_METADATA_VALUE && !v.contains(['\r', '\n']) => {}
            _ => errors.push(ParamError::new(
                format!("{p}.value"),
                "must be a single-line string of at most 1024 characters",
            )),
        }
    }
}
