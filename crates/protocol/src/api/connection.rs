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
    "idempotency-key",
];

/// A header the connection may not name: one of [`RESERVED_HEADERS`] or Meshes' own `X-Meshes-*`.
fn reserved_header(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    RESERVED_HEADERS.contains(&lower.as_str()) || lower.starts_with("x-meshes-")
}

/// `https://` with a host and nothing that would make the URL ambiguous; or `http://` to this
/// machine (`localhost`, `127.x.x.x`, `[::1]`), which the sandbox accepts so a local receiver
/// works (decision 100; Meshes itself requires https).
pub fn valid_webhook_url(s: &str) -> bool {
    let (rest, https) = match (s.strip_prefix("https://"), s.strip_prefix("http://")) {
        (Some(rest), _) => (rest, true),
        (None, Some(rest)) => (rest, false),
        _ => return false,
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let unambiguous = s.len() <= 2048
        && !authority.is_empty()
        && !authority.contains('@')
        && !s.chars().any(|c| c.is_whitespace() || c.is_control());
    unambiguous && (https || loopback_authority(authority))
}

fn loopback_authority(authority: &str) -> bool {
    let host = match authority.strip_prefix('[') {
        Some(v6) => return v6.split(']').next() == Some("::1"),
        None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
    };
    let octets: Vec<&str> = host.split('.').collect();
    host.eq_ignore_ascii_case("localhost")
        || (octets.len() == 4
            && octets[0] == "127"
            && octets.iter().all(|o| o.parse::<u8>().is_ok()))
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
        } else if f.validate.as_deref() == Some("url") && !valid_webhook_url(v) {
            errors.push(ParamError::new(
                param,
                "must be a full https:// URL (for example https://example.com/hooks/meshes); http:// only to this machine",
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
        } else if (f.key.ends_with("header_name") || f.key == "signing_header")
            && reserved_header(v)
            && !(f.key == "signing_header" && v.eq_ignore_ascii_case("x-meshes-signature"))
        {
            errors.push(ParamError::new(
                param,
                format!("{v} is reserved and set by Meshes"),
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
        } else if reserved_header(name) {
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

#[cfg(test)]
mod tests {
    use super::valid_webhook_url;

    #[test]
    fn https_anywhere_and_http_only_to_this_machine() {
        for ok in [
            "https://hooks.example.com/in",
            "http://127.0.0.1:8789/inbox/a",
            "http://LocalHost:9/x",
            "http://[::1]:8080/",
            "http://127.1.2.3",
        ] {
            assert!(valid_webhook_url(ok), "{ok}");
        }
        for no in [
            "http://hooks.example.com/in",
            "http://localhost.evil.example/x",
            "http://127.0.0.1.evil.example/x",
            "http://user@127.0.0.1/x",
            "http://[::2]/x",
            "http://128.0.0.1/x",
            "https:///x",
            "ftp://127.0.0.1/x",
            "https://a.example/ b",
        ] {
            assert!(!valid_webhook_url(no), "{no}");
        }
    }

    #[test]
    fn auth_and_signature_headers_cannot_take_meshes_own_names() {
        let webhook: super::Integration = serde_json::from_value(serde_json::json!({
            "name": "Webhook", "type": "webhook", "actions": {},
            "authentication": {"type": "none", "fields": [
                {"label": "Auth", "key": "auth_scheme", "type": "select"},
                {"label": "Name", "key": "auth_header_name", "type": "text"},
                {"label": "Sig", "key": "signing_header", "type": "text"}]}}))
        .unwrap();
        let check = |k: &str, v: &str| {
            let m = serde_json::json!({ k: v });
            super::check_metadata(&webhook, m.as_object().unwrap(), |_| false)
        };
        assert!(check("signing_header", "X-Meshes-Signature").is_empty());
        assert!(check("signing_header", "X-Sig").is_empty());
        assert!(check("auth_header_name", "X-Api-Key").is_empty());
        for (k, v) in [
            ("auth_header_name", "X-Meshes-Publishable-Key"),
            ("auth_header_name", "Idempotency-Key"),
            ("signing_header", "x-meshes-event"),
            ("signing_header", "Content-Type"),
        ] {
            assert_eq!(check(k, v).len(), 1, "{k}: {v}");
        }
    }
}
