//! The wire: a `Transport` turns a request into a response. The real one is `fetch` with a
//! timeout; tests inject a fake. Everything here is compiled once, not per response type (that
//! monomorphisation was a measurable share of the wasm): only [`decode`] is generic.

use super::retry::parse_retry_after;
use crate::error::AppError;
use meshes_protocol::api::ErrorBody;
use serde::de::DeserializeOwned;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// Default per-request timeout: a request never hangs a page (docs/contract.md §4).
pub const REQUEST_TIMEOUT_MS: u32 = 10_000;

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
    /// Aborted when the page that asked is gone (`use_api`).
    pub abort: Option<web_sys::AbortSignal>,
}

impl ApiRequest {
    pub fn new(method: Method, path: impl Into<String>, body: Option<String>) -> Self {
        ApiRequest {
            method,
            path: path.into(),
            body,
            token: None,
            abort: None,
        }
    }

    pub fn get(path: impl Into<String>) -> Self {
        ApiRequest::new(Method::Get, path, None)
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

/// The generic part kept to one line.
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

/// The request's signal: the timeout, and the page's when it has one (`AbortSignal.any` where
/// the engine has it; without it only the timeout applies).
fn signal_for(page: Option<&web_sys::AbortSignal>) -> web_sys::AbortSignal {
    let timeout = web_sys::AbortSignal::timeout_with_u32(REQUEST_TIMEOUT_MS);
    let has_any = js_sys::Reflect::get(&js_sys::global(), &"AbortSignal".into())
        .and_then(|c| js_sys::Reflect::get(&c, &"any".into()))
        .is_ok_and(|f| f.is_function());
    match page {
        Some(page) if has_any => web_sys::AbortSignal::any(&js_sys::Array::of2(&timeout, page)),
        _ => timeout,
    }
}

async fn fetch(req: ApiRequest) -> Result<ApiResponse, AppError> {
    use gloo_net::http::Request;
    let signal = signal_for(req.abort.as_ref());
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
    // The page went away, or our timeout fired; anything else is the network.
    let page_gone = req
        .abort
        .as_ref()
        .is_some_and(web_sys::AbortSignal::aborted);
    let failed = |e: gloo_net::Error| {
        if req
            .abort
            .as_ref()
            .is_some_and(web_sys::AbortSignal::aborted)
        {
            AppError::Canceled
        } else if signal.aborted() {
            AppError::Timeout
        } else {
            AppError::Network(e.to_string())
        }
    };
    if page_gone {
        return Err(AppError::Canceled);
    }
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
