//! The request a webhook connection's settings (meshes-spec §5.4) make of one delivery:
//! method, wrapped or raw body, authentication, custom headers, signing, and the headers that
//! let a receiver tell one delivery's retries apart from new deliveries.

use super::signing::{Algorithm, sign};
use base64::Engine;
use serde_json::{Map, Value, json};
use url::Url;

/// What one delivery is of.
pub struct EventData {
    pub id: String,
    pub event: String,
    pub resource: Option<String>,
    pub resource_id: Option<String>,
    pub payload: Value,
    pub created_ms: i64,
}

/// A request ready to send, and the secret values that must never be shown back.
pub struct Outbound {
    pub method: reqwest::Method,
    pub url: Url,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub secrets: Vec<String>,
}

pub const USER_AGENT: &str = concat!("Meshes-Sandbox/", env!("CARGO_PKG_VERSION"));

fn text<'a>(m: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    m.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// Build the request for attempt `attempt` of delivery `delivery_id`, sent at `now_ms`.
pub fn build(
    metadata: &Map<String, Value>,
    secrets: &Map<String, Value>,
    ev: &EventData,
    delivery_id: &str,
    attempt: u32,
    now_ms: i64,
) -> Result<Outbound, String> {
    let url = Url::parse(text(metadata, "url").ok_or("The connection has no URL")?)
        .map_err(|e| format!("The connection's URL is not usable: {e}"))?;
    let method = match text(metadata, "http_method").unwrap_or("POST") {
        "PUT" => reqwest::Method::PUT,
        "PATCH" => reqwest::Method::PATCH,
        _ => reqwest::Method::POST,
    };
    let raw = text(metadata, "payload_mode") == Some("raw");
    let body = if raw {
        ev.payload.clone()
    } else {
        let mut envelope = json!({"uuid": ev.id, "event": ev.event, "payload": ev.payload,
            "time_created": ev.created_ms, "time_sent": now_ms});
        if let Some(r) = &ev.resource {
            envelope["resource"] = json!(r);
        }
        if let Some(r) = &ev.resource_id {
            envelope["resource_id"] = json!(r);
        }
        envelope
    };
    let body = serde_json::to_vec(&body).map_err(|e| e.to_string())?;
    let mut headers: Vec<(String, String)> = vec![
        ("Content-Type".into(), "application/json".into()),
        ("User-Agent".into(), USER_AGENT.into()),
        // One key per delivery, the same on every retry: a receiver that saw it can skip it.
        ("Idempotency-Key".into(), delivery_id.into()),
        ("X-Meshes-Event-Id".into(), ev.id.clone()),
        ("X-Meshes-Attempt".into(), attempt.to_string()),
    ];
    if raw {
        headers.push(("X-Meshes-Event".into(), ev.event.clone()));
        for (name, value) in [
            ("X-Meshes-Resource", &ev.resource),
            ("X-Meshes-Resource-Id", &ev.resource_id),
        ] {
            if let Some(v) = value {
                headers.push((name.into(), v.clone()));
            }
        }
        headers.push(("X-Meshes-Time-Created".into(), ev.created_ms.to_string()));
        headers.push(("X-Meshes-Time-Sent".into(), now_ms.to_string()));
    }
    let mut kept = vec![];
    let mut derived = vec![];
    let mut secret = |key: &str| -> Result<String, String> {
        let v = text(secrets, key).ok_or_else(|| {
            format!("The connection's {key} is missing; edit the connection to set it")
        })?;
        kept.push(v.to_owned());
        Ok(v.to_owned())
    };
    match text(metadata, "auth_scheme").unwrap_or("none") {
        "basic" => {
            let user = text(metadata, "basic_username").unwrap_or_default();
            let pair = format!("{user}:{}", secret("basic_password")?);
            let b64 = base64::engine::general_purpose::STANDARD.encode(pair);
            // An echoing destination sends the header back: its encoded form is secret too.
            derived.push(b64.clone());
            headers.push(("Authorization".into(), format!("Basic {b64}")));
        }
        "bearer" => {
            headers.push((
                "Authorization".into(),
                format!("Bearer {}", secret("bearer_token")?),
            ));
        }
        "header" => {
            let name = text(metadata, "auth_header_name")
                .ok_or("The connection's auth_header_name is missing")?;
            headers.push((name.to_owned(), secret("auth_header_value")?));
        }
        _ => {}
    }
    for h in metadata
        .get("custom_headers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let (Some(n), Some(v)) = (
            h.get("name").and_then(Value::as_str),
            h.get("value").and_then(Value::as_str),
        ) {
            headers.push((n.to_owned(), v.to_owned()));
        }
    }
    if let Some(alg) = text(metadata, "signing_algorithm").and_then(Algorithm::from_setting) {
        let key = secret("signing_secret")?;
        let header = text(metadata, "signing_header").unwrap_or("X-Meshes-Signature");
        let ts = now_ms.div_euclid(1000);
        headers.push(("X-Meshes-Timestamp".into(), ts.to_string()));
        headers.push((header.to_owned(), sign(alg, &key, ts, &body)));
    }
    Ok(Outbound {
        method,
        url,
        headers,
        body,
        secrets: kept.into_iter().chain(derived).collect(),
    })
}

/// `POST https://host/path?key=redacted`: the request line as history shows it. Query values
/// may be credentials, so only their names are kept.
pub fn request_line(method: &reqwest::Method, url: &Url) -> String {
    let mut shown = url.clone();
    shown.set_fragment(None);
    let _ = shown.set_password(None);
    let _ = shown.set_username("");
    if let Some(q) = url.query() {
        // A part without `=` may be a bare token: nothing of it is kept.
        let redacted: Vec<String> = q
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| match p.split_once('=') {
                Some((n, _)) => format!("{n}=redacted"),
                None => "redacted".to_owned(),
            })
            .collect();
        shown.set_query(Some(&redacted.join("&")));
    }
    format!("{method} {shown}")
}
