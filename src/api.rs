//! API access. A `Transport` turns a request into a response; the real one is `fetch`, tests
//! inject a fake. `Api` adds the session's bearer token and the 401 -> refresh hand-off.

use crate::error::AppError;
use crate::lifecycle::{is_transient, parse_retry_after, retry_delay};
use crate::session::{Session, peek_claims};
use meshes_protocol::api::{ErrorBody, SessionInfo};
use meshes_protocol::{EmbedMessage, ExpiredReason};
use serde::de::DeserializeOwned;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// Default per-request timeout: a request never hangs a page (docs/contract.md §4).
pub const REQUEST_TIMEOUT_MS: u32 = 10_000;
/// Checking a delivered token keeps trying through outages: 2 s, doubling to 30 s, between
/// rounds of the read retries.
const VERIFY_FIRST_PAUSE_MS: u32 = 2_000;
const VERIFY_MAX_PAUSE_MS: u32 = 30_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
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

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ApiResponse {
    pub status: u16,
    pub body: String,
    /// The `Retry-After` header, when the server sent one.
    pub retry_after: Option<String>,
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
    decode(&send_raw(transport, req).await?)
}

/// The generic part kept to one line: everything else is compiled once, not per response type
/// (that monomorphisation was a measurable share of the wasm).
pub fn decode<T: DeserializeOwned>(body: &str) -> Result<T, AppError> {
    serde_json::from_str(body).map_err(|e| AppError::Decode(e.to_string()))
}

/// Send; the 2xx body, or `AppError::Http` with the Meshes error body when there is one.
pub async fn send_raw(transport: &Transport, req: ApiRequest) -> Result<String, AppError> {
    let res = transport.call(req).await?;
    if (200..300).contains(&res.status) {
        Ok(res.body)
    } else {
        let body = serde_json::from_str::<ErrorBody>(&res.body).ok();
        let now = js_sys::Date::now() / 1000.0;
        let http_date = |d: &str| Some(js_sys::Date::parse(d) / 1000.0).filter(|t| t.is_finite());
        let retry_after = res
            .retry_after
            .as_deref()
            .and_then(|v| parse_retry_after(v, http_date, now));
        Err(AppError::Http {
            status: res.status,
            body,
            retry_after,
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
        Method::Patch => Request::patch(&req.path),
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
    // An aborted signal means our timeout fired; anything else is the network.
    let failed = |e: gloo_net::Error| {
        if signal.aborted() {
            AppError::Timeout
        } else {
            AppError::Network(e.to_string())
        }
    };
    let res = request.send().await.map_err(failed)?;
    let status = res.status();
    let retry_after = res.headers().get("retry-after");
    let body = res.text().await.map_err(failed)?;
    Ok(ApiResponse {
        status,
        body,
        retry_after,
    })
}

/// Session-authenticated API client used by every page.
#[derive(Clone)]
pub struct Api {
    pub transport: Transport,
    pub session: Session,
}

impl Api {
    /// Take a token from `meshes:auth`: it must claim our session (else it is reported and never
    /// used), and the API must accept it for that session; its answer also gives the exact
    /// remaining lifetime. Tokens are verified each on their own; a verified token is installed
    /// unless one of a newer generation already is, so neither a junk message arriving later nor
    /// an older token verified later can displace a good one. A session check that fails for a
    /// passing reason (network, 5xx, 429) is retried, with backoff, until it gets an answer or a
    /// newer token (delivered or installed) makes the question moot — a good token is never
    /// dropped for a hiccup, and an outage never piles up checks of superseded tokens.
    pub async fn accept_auth(&self, token: String) -> bool {
        let ctx = &self.session.ctx;
        let Some(claims) = peek_claims(&token).filter(|_| self.session.claims_match(&token)) else {
            self.session.bridge.post(&EmbedMessage::TokenExpired {
                reason: ExpiredReason::SessionMismatch,
            });
            return false;
        };
        self.session.claimed(claims.generation);
        self.session.provisional(&token);
        let mut pause = VERIFY_FIRST_PAUSE_MS;
        let info = loop {
            match self.get_retrying("/api/v1/embed/session", &token).await {
                Ok(body) => break decode::<SessionInfo>(&body),
                Err(e) if e.is_retryable() && self.session.still_current(claims.generation) => {
                    gloo_timers::future::TimeoutFuture::new(pause).await;
                    pause = (pause * 2).min(VERIFY_MAX_PAUSE_MS);
                }
                // Refused (401/403): not used. A pending refresh keeps waiting (and times out).
                Err(e) => break Err(e),
            }
        };
        let ours =
            |i: &SessionInfo| i.session_id == ctx.session_id && i.workspace_id == ctx.workspace.id;
        if !info.as_ref().is_ok_and(ours) {
            self.session.drop_provisional(&token);
        }
        match info {
            Ok(info) if ours(&info) => {
                self.session
                    .install(token, claims.generation, info.expires_in)
            }
            Ok(_) => {
                self.session.bridge.post(&EmbedMessage::TokenExpired {
                    reason: ExpiredReason::SessionMismatch,
                });
                false
            }
            Err(_) => false,
        }
    }

    /// GET with the session token. Transient failures are retried with backoff; a 401 asks the
    /// host for a new token and retries once with it (never more).
    pub async fn get<T: DeserializeOwned>(&self, path: impl Into<String>) -> Result<T, AppError> {
        decode(&self.get_raw(path.into()).await?)
    }

    async fn get_raw(&self, path: String) -> Result<String, AppError> {
        let token = self.session.read_token().await;
        match self.get_retrying(&path, &token).await {
            Err(AppError::Http { status: 401, .. }) => {
                self.session.refused(&token);
                let fresh = self.session.token().await;
                let second = self.get_retrying(&path, &fresh).await;
                if matches!(second, Err(AppError::Http { status: 401, .. })) {
                    self.session.expire(ExpiredReason::SessionEnded);
                }
                second
            }
            other => other,
        }
    }

    /// Reads are idempotent, so transient failures are retried (at most 3 tries, full jitter,
    /// `Retry-After` honoured). Writes never go through here.
    async fn get_retrying(&self, path: &str, token: &str) -> Result<String, AppError> {
        let mut attempt = 1;
        loop {
            let mut req = ApiRequest::get(path);
            req.token = Some(token.to_owned());
            let result = send_raw(&self.transport, req).await;
            let (status, retry_after) = match &result {
                Err(AppError::Http {
                    status,
                    retry_after,
                    ..
                }) => (Some(*status), *retry_after),
                Err(AppError::Network(_) | AppError::Timeout) => (None, None),
                _ => return result,
            };
            let delay = is_transient(status)
                .then(|| retry_delay(attempt, retry_after, js_sys::Math::random()))
                .flatten();
            match delay {
                Some(ms) => gloo_timers::future::TimeoutFuture::new(ms as u32).await,
                None => return result,
            }
            attempt += 1;
        }
    }

    /// A change (POST/PUT/PATCH/DELETE). Never retried on network errors or 5xx: the first try
    /// may have taken effect. Only a 401 is retried, once, with a fresh token — the server
    /// refused it before doing anything.
    pub async fn write<T: DeserializeOwned>(
        &self,
        method: Method,
        path: impl Into<String>,
        body: Option<serde_json::Value>,
    ) -> Result<T, AppError> {
        decode(
            &self
                .write_raw(method, path.into(), body.map(|b| b.to_string()))
                .await?,
        )
    }

    async fn write_raw(
        &self,
        method: Method,
        path: String,
        body: Option<String>,
    ) -> Result<String, AppError> {
        let req = |token: String| ApiRequest {
            method,
            path: path.clone(),
            body: body.clone(),
            token: Some(token),
        };
        let token = self.session.token().await;
        match send_raw(&self.transport, req(token.clone())).await {
            Err(AppError::Http { status: 401, .. }) => {
                self.session.refused(&token);
                let fresh = self.session.token().await;
                let second = send_raw(&self.transport, req(fresh)).await;
                if matches!(second, Err(AppError::Http { status: 401, .. })) {
                    self.session.expire(ExpiredReason::SessionEnded);
                }
                second
            }
            other => other,
        }
    }

    pub fn workspace_path(&self, rest: &str) -> String {
        format!("/api/v1/workspaces/{}{rest}", self.session.ctx.workspace.id)
    }
}
