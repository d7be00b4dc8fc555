//! What an inbox does with a request: record it, check its signature, notice a repeated key,
//! and answer as its settings say; and its JSON side for scripts and tests.

use super::{
    HANG, MAX_HANGING, MAX_HEADER_VALUE, MAX_HEADERS, MAX_REQUESTS, Mode, Received, Receiver,
    Settings, not_found, valid_name,
};
use crate::engine::signing;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

fn now_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

fn verify(settings: &Settings, headers: &HeaderMap, body: &[u8]) -> String {
    if settings.secret.is_empty() {
        return "not checked".into();
    }
    let name = if settings.signature_header.is_empty() {
        "x-meshes-signature"
    } else {
        settings.signature_header.as_str()
    };
    let Some(value) = headers.get(name).and_then(|v| v.to_str().ok()) else {
        return "unsigned".into();
    };
    let now = now_ms() / 1000;
    match signing::verify(value, &settings.secret, body, now) {
        Ok(_) => "verified".into(),
        Err(why) => format!("invalid: {why}"),
    }
}

pub(super) async fn receive(
    State(r): State<Arc<Receiver>>,
    Path(name): Path<String>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !valid_name(&name) {
        return not_found();
    }
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let (mode, retry_after, n) = r.with(&name, |inbox| {
        let s = &mut inbox.settings;
        let mode = s.mode;
        if s.times > 0 {
            s.times -= 1;
            if s.times == 0 {
                s.mode = Mode::Ok;
            }
        }
        let answered = match mode {
            Mode::Ok | Mode::Hang => 200,
            Mode::Reject => 400,
            Mode::Fail => 503,
            Mode::RateLimit => 429,
        };
        inbox.next += 1;
        let same_key_as = key.as_ref().and_then(|k| {
            inbox
                .requests
                .iter()
                .find(|q| {
                    q.headers
                        .iter()
                        .any(|(h, v)| h == "idempotency-key" && v == k)
                })
                .map(|q| q.n)
        });
        let received = Received {
            n: inbox.next,
            received_ms: now_ms(),
            method: method.to_string(),
            headers: headers
                .iter()
                .take(MAX_HEADERS)
                .map(|(h, v)| {
                    let v = String::from_utf8_lossy(v.as_bytes());
                    (h.to_string(), v.chars().take(MAX_HEADER_VALUE).collect())
                })
                .collect(),
            body: String::from_utf8_lossy(&body).into_owned(),
            signature: verify(&inbox.settings, &headers, &body),
            same_key_as,
            answered,
        };
        if inbox.requests.len() >= MAX_REQUESTS {
            inbox.requests.pop_front();
        }
        inbox.requests.push_back(received);
        (mode, inbox.settings.retry_after, inbox.next)
    });
    let mut res = match mode {
        Mode::Ok => (StatusCode::OK, format!("{{\"received\":{n}}}")).into_response(),
        Mode::Hang => {
            use std::sync::atomic::Ordering::SeqCst;
            if r.hanging.fetch_add(1, SeqCst) >= MAX_HANGING {
                r.hanging.fetch_sub(1, SeqCst);
                return (StatusCode::SERVICE_UNAVAILABLE, "too many held requests").into_response();
            }
            // Released however the wait ends (the client may hang up first).
            struct Held<'a>(&'a std::sync::atomic::AtomicUsize);
            impl Drop for Held<'_> {
                fn drop(&mut self) {
                    self.0.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
                }
            }
            let _held = Held(&r.hanging);
            tokio::time::sleep(HANG).await;
            (StatusCode::OK, format!("{{\"received\":{n}}}")).into_response()
        }
        Mode::Reject => (
            StatusCode::BAD_REQUEST,
            "{\"error\":\"rejected by the inbox\"}",
        )
            .into_response(),
        Mode::Fail => (
            StatusCode::SERVICE_UNAVAILABLE,
            "{\"error\":\"the inbox is failing on purpose\"}",
        )
            .into_response(),
        Mode::RateLimit => {
            (StatusCode::TOO_MANY_REQUESTS, "{\"error\":\"slow down\"}").into_response()
        }
    };
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    if retry_after > 0 && matches!(mode, Mode::Fail | Mode::RateLimit) {
        res.headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from(retry_after));
    }
    res
}

pub(super) async fn list(State(r): State<Arc<Receiver>>, Path(name): Path<String>) -> Response {
    if !valid_name(&name) {
        return not_found();
    }
    let shown: Vec<Received> = r.requests(&name).iter().map(Received::shown).collect();
    axum::Json(shown).into_response()
}

pub(super) async fn clear(State(r): State<Arc<Receiver>>, Path(name): Path<String>) -> Response {
    if !valid_name(&name) {
        return not_found();
    }
    r.with(&name, |i| i.requests.clear());
    StatusCode::NO_CONTENT.into_response()
}

/// `PUT /inbox/{name}/settings` (JSON): for scripts and tests. Browsers cannot send it
/// cross-site without a CORS preflight, which this origin never answers.
pub(super) async fn settings_json(
    State(r): State<Arc<Receiver>>,
    Path(name): Path<String>,
    axum::Json(s): axum::Json<Settings>,
) -> Response {
    if !valid_name(&name) {
        return not_found();
    }
    r.configure(&name, |old| *old = s);
    StatusCode::NO_CONTENT.into_response()
}
