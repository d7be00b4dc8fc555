//! Test hooks (`--test-hooks`, off by default): a request log the e2e leak scan reads, and fault
//! injection for API calls and build assets. Never enable them outside tests: the log keeps
//! credentials.

use crate::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use std::sync::Mutex;
use std::time::Duration;

#[derive(Default)]
pub struct Hooks {
    requests: Mutex<Vec<Recorded>>,
    faults: Mutex<Vec<Fault>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Recorded {
    /// Milliseconds since the Unix epoch.
    pub at_ms: u128,
    pub server: &'static str,
    pub method: String,
    pub uri: String,
    pub referer: Option<String>,
    pub authorization: Option<String>,
    /// JSON request bodies (up to 64 KiB), so tests can see what the embed sent (e.g. the
    /// nonce it pairs its OAuth attempt with).
    pub body: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// Answer with `status` (and `retry_after`, if given) instead of calling the handler.
    Status,
    /// Wait `delay_ms`, then answer normally.
    Delay,
    /// Reset the connection mid-response (the browser sees a network error).
    Drop,
    /// Never answer (the client's timeout fires).
    Hang,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Fault {
    /// Applies to request paths starting with this.
    pub path: String,
    pub kind: FaultKind,
    #[serde(default)]
    pub status: Option<u16>,
    #[serde(default)]
    pub delay_ms: Option<u64>,
    #[serde(default)]
    pub retry_after: Option<String>,
    /// How many requests it hits (default: until cleared).
    #[serde(default)]
    pub times: Option<u32>,
}

fn hooks(state: &AppState) -> Option<&Hooks> {
    state.hooks.as_deref()
}

/// Record every request (both origins) when hooks are on.
pub async fn record(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(h) = hooks(&state) else {
        return next.run(req).await;
    };
    let (mut entry, json) = {
        let header = |name| {
            req.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let ours = crate::config::authority(&state.cfg.host_addr);
        let from_host = ours.is_some()
            && header(header::HOST)
                .as_deref()
                .and_then(crate::config::authority)
                == ours;
        let server = if from_host { "host" } else { "meshes" };
        let at_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0);
        let json = header(header::CONTENT_TYPE).is_some_and(|c| c.starts_with("application/json"));
        let entry = Recorded {
            at_ms,
            server,
            method: req.method().to_string(),
            uri: req.uri().to_string(),
            referer: header(header::REFERER),
            authorization: header(header::AUTHORIZATION),
            body: None,
        };
        (entry, json)
    };
    let req = if json {
        let (parts, body) = req.into_parts();
        let Ok(bytes) = axum::body::to_bytes(body, 4 * 1024 * 1024).await else {
            return StatusCode::PAYLOAD_TOO_LARGE.into_response();
        };
        if bytes.len() <= 64 * 1024 {
            entry.body = Some(String::from_utf8_lossy(&bytes).into_owned());
        }
        Request::from_parts(parts, Body::from(bytes))
    } else {
        req
    };
    if let Ok(mut log) = h.requests.lock() {
        log.push(entry);
    }
    next.run(req).await
}

/// Apply the first matching fault, if any.
pub async fn inject(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let fault = hooks(&state).and_then(|h| {
        let mut faults = h.faults.lock().ok()?;
        // Inside `nest` the path lost its prefix; faults are written against the full path.
        let path = req
            .extensions()
            .get::<axum::extract::OriginalUri>()
            .map(|u| u.0.path().to_owned())
            .unwrap_or_else(|| req.uri().path().to_owned());
        let i = faults
            .iter()
            .position(|f| path.starts_with(f.path.as_str()))?;
        let fault = faults[i].clone();
        match &mut faults[i].times {
            Some(n) if *n <= 1 => {
                faults.remove(i);
            }
            Some(n) => *n -= 1,
            None => {}
        }
        Some(fault)
    });
    let Some(fault) = fault else {
        return next.run(req).await;
    };
    match fault.kind {
        FaultKind::Status => {
            let status = StatusCode::from_u16(fault.status.unwrap_or(503))
                .unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
            let mut res = crate::error::ApiError::new(status, "Injected fault").into_response();
            if let Some(v) = fault
                .retry_after
                .and_then(|v| HeaderValue::from_str(&v).ok())
            {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
            res
        }
        FaultKind::Delay => {
            tokio::time::sleep(Duration::from_millis(fault.delay_ms.unwrap_or(1000))).await;
            next.run(req).await
        }
        FaultKind::Drop => {
            let failing = futures_util::stream::once(async {
                Err::<axum::body::Bytes, _>(std::io::Error::other("injected drop"))
            });
            Response::builder()
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::CONTENT_LENGTH, "100")
                .body(Body::from_stream(failing))
                .unwrap_or_default()
        }
        FaultKind::Hang => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            StatusCode::GATEWAY_TIMEOUT.into_response()
        }
    }
}

async fn requests(State(state): State<AppState>) -> Json<Vec<Recorded>> {
    Json(
        hooks(&state)
            .and_then(|h| h.requests.lock().ok().map(|l| l.clone()))
            .unwrap_or_default(),
    )
}

async fn add_fault(State(state): State<AppState>, Json(fault): Json<Fault>) -> StatusCode {
    // A fault that hits no request is a mistake in the test, not a fault.
    if fault.times == Some(0) {
        return StatusCode::UNPROCESSABLE_ENTITY;
    }
    if let Some(mut faults) = hooks(&state).and_then(|h| h.faults.lock().ok()) {
        faults.push(fault);
    }
    StatusCode::NO_CONTENT
}

async fn clear_faults(State(state): State<AppState>) -> StatusCode {
    if let Some(mut faults) = hooks(&state).and_then(|h| h.faults.lock().ok()) {
        faults.clear();
    }
    StatusCode::NO_CONTENT
}

/// `/__sandbox/*` on the Meshes origin (only mounted when hooks are on).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/__sandbox/requests", get(requests))
        .route(
            "/__sandbox/faults",
            axum::routing::post(add_fault).delete(clear_faults),
        )
        .route(
            "/__sandbox/baseline/{*rest}",
            get(crate::testing::baseline::page),
        )
        .route(
            "/__sandbox/baseline.js",
            get(crate::testing::baseline::script),
        )
}
