//! API access. A `Transport` turns a request into a response; the real one is `fetch`, tests
//! inject a fake. `Api` adds the session's bearer token and the 401 -> refresh hand-off.

use crate::error::AppError;
use crate::session::Session;
use meshes_protocol::RefreshReason;
use meshes_protocol::api::ErrorBody;
use serde::de::DeserializeOwned;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// Default per-request timeout (NET-01).
pub const REQUEST_TIMEOUT_MS: u32 = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Delete,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiRequest {
    pub method: Method,
    /// Same-origin path, e.g. `/api/v1/workspaces/{id}/connections`.
    pub path: String,
    pub body: Option<String>,
    /// Bearer token to attach; kept out of `Debug` output by `Api`, which never logs requests.
    pub token: Option<String>,
}

impl ApiRequest {
    pub fn get(path: impl Into<String>) -> Self {
        ApiRequest {
            method: Method::Get,
            path: path.into(),
            body: None,
            token: None,
        }
    }

    pub fn post(path: impl Into<String>, body: String) -> Self {
        ApiRequest {
            method: Method::Post,
            path: path.into(),
            body: Some(body),
            token: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiResponse {
    pub status: u16,
    pub body: String,
}

pub type ResponseFuture = Pin<Box<dyn Future<Output = Result<ApiResponse, AppError>>>>;

/// Shared, thread-safe handle (Leptos context needs `Send + Sync`); the futures it returns are
/// local, as everything in the browser is.
#[derive(Clone)]
pub struct Transport(Arc<dyn Fn(ApiRequest) -> ResponseFuture + Send + Sync>);

impl Transport {
    pub fn new(f: impl Fn(ApiRequest) -> ResponseFuture + Send + Sync + 'static) -> Self {
        Transport(Arc::new(f))
    }

    pub fn call(&self, req: ApiRequest) -> ResponseFuture {
        (self.0)(req)
    }
}

/// Send and decode: 2xx bodies into `T`, anything else into `AppError::Http` with the Meshes
/// error body when there is one.
pub async fn send<T: DeserializeOwned>(
    transport: &Transport,
    req: ApiRequest,
) -> Result<T, AppError> {
    let res = transport.call(req).await?;
    if (200..300).contains(&res.status) {
        serde_json::from_str(&res.body).map_err(|e| AppError::Decode(e.to_string()))
    } else {
        let body = serde_json::from_str::<ErrorBody>(&res.body).ok();
        Err(AppError::Http {
            status: res.status,
            body,
        })
    }
}

/// `fetch` with a timeout. Same-origin only: the embed talks to the Meshes origin it was served from.
pub struct HttpTransport;

impl HttpTransport {
    pub fn shared() -> Transport {
        Transport::new(|req| Box::pin(fetch(req)))
    }
}

async fn fetch(req: ApiRequest) -> Result<ApiResponse, AppError> {
    use gloo_net::http::Request;
    let signal = web_sys::AbortSignal::timeout_with_u32(REQUEST_TIMEOUT_MS);
    let builder = match req.method {
        Method::Get => Request::get(&req.path),
        Method::Post => Request::post(&req.path),
        Method::Put => Request::put(&req.path),
        Method::Delete => Request::delete(&req.path),
    }
    .abort_signal(Some(&signal))
    .header("Accept", "application/json");
    let builder = match &req.token {
        Some(t) => builder.header("Authorization", &format!("Bearer {t}")),
        None => builder,
    };
    let request = match req.body {
        Some(b) => builder.header("Content-Type", "application/json").body(b),
        None => builder.build(),
    }
    .map_err(|e| AppError::Network(e.to_string()))?;
    let res = request.send().await.map_err(|e| {
        if signal.aborted() {
            AppError::Timeout
        } else {
            AppError::Network(e.to_string())
        }
    })?;
    let status = res.status();
    let body = res.text().await.map_err(|e| {
        if signal.aborted() {
            AppError::Timeout
        } else {
            AppError::Network(e.to_string())
        }
    })?;
    Ok(ApiResponse { status, body })
}

/// Session-authenticated API client used by every page.
#[derive(Clone)]
pub struct Api {
    pub transport: Transport,
    pub session: Session,
}

impl Api {
    pub async fn get<T: DeserializeOwned>(&self, path: impl Into<String>) -> Result<T, AppError> {
        let mut req = ApiRequest::get(path);
        req.token = Some(self.session.token_value().ok_or(AppError::AwaitingAuth)?);
        match send(&self.transport, req).await {
            // The token was refused: hand it back and ask the host for a fresh one. Resources
            // that depend on `Session::authed` reload once the new token arrives.
            Err(AppError::Http { status: 401, .. }) => {
                self.session.request_refresh(RefreshReason::Unauthorized);
                Err(AppError::AwaitingAuth)
            }
            other => other,
        }
    }

    pub fn workspace_path(&self, rest: &str) -> String {
        format!("/api/v1/workspaces/{}{rest}", self.session.ctx.workspace.id)
    }
}
