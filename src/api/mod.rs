//! The Meshes API, as the pages see it: one method per endpoint (`connections`, `rules`,
//! `events`, `workspace`, `embed`), each taking and returning the protocol's own types, on a
//! `Copy` handle that adds the session's bearer token, retries reads, hands a 401 to the session
//! for a fresh token, and aborts what a page asked for when the page goes away.

mod connections;
mod embed;
mod events;
pub mod retry;
mod rules;
pub mod transport;
mod verify;
mod workspace;

pub use embed::exchange_launch;
pub use events::DeliveryAction;
pub use transport::{
    ApiRequest, ApiResponse, HttpTransport, Method, REQUEST_TIMEOUT_MS, ResponseFuture, Transport,
    decode, send, send_raw,
};
pub use workspace::CONNECTIONS_PAGE;

use crate::error::AppError;
use crate::session::Session;
use futures::FutureExt;
use leptos::prelude::*;
use meshes_protocol::ExpiredReason;
use retry::{is_transient, retry_delay};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::future::Future;

/// Session-authenticated API client. `Copy`: views and tasks take it by value.
#[derive(Clone, Copy)]
pub struct Api {
    transport: StoredValue<Transport>,
    pub session: Session,
    /// Aborted when the component that took this handle with [`use_api`] unmounts.
    scope: Option<StoredValue<web_sys::AbortController, LocalStorage>>,
}

/// The API handle for the calling page or panel: what it asks for is aborted when it unmounts
/// (a late answer would only be thrown away, and a retry loop would keep going for nobody).
pub fn use_api() -> Api {
    let api = expect_context::<Api>();
    let Ok(controller) = web_sys::AbortController::new() else {
        return api;
    };
    let scope = StoredValue::new_local(controller);
    // Cleanups run before the owner's values are dropped, so the controller is still there.
    on_cleanup(move || {
        scope.try_with_value(web_sys::AbortController::abort);
    });
    Api {
        scope: Some(scope),
        ..api
    }
}

/// What an endpoint answers with: the request's own future (no wrapper per endpoint).
pub type Reply<T> = std::pin::Pin<Box<dyn Future<Output = Result<T, AppError>>>>;

/// A request body: the protocol type, serialized once here.
fn body<B: Serialize>(b: &B) -> Option<String> {
    serde_json::to_string(b).ok()
}

impl Api {
    pub fn new(transport: Transport, session: Session) -> Api {
        Api {
            transport: StoredValue::new(transport),
            session,
            scope: None,
        }
    }

    /// The wire this session uses, for what is fetched without a token (the language catalogs).
    pub fn transport(&self) -> Transport {
        self.transport.get_value()
    }

    fn abort_signal(&self) -> Option<web_sys::AbortSignal> {
        self.scope?.try_with_value(|c| c.signal())
    }

    /// Has the component that asked gone away? (Once it has, its controller is gone too: a read
    /// that wakes from a backoff or a token wait afterwards must not go out either.)
    fn canceled(&self) -> bool {
        self.scope
            .is_some_and(|s| s.try_with_value(|c| c.signal().aborted()).unwrap_or(true))
    }

    /// A read: aborted with the component that asked for it.
    async fn send_read(&self, mut req: ApiRequest, token: &str) -> Result<String, AppError> {
        if self.canceled() {
            return Err(AppError::Canceled);
        }
        req.abort = self.abort_signal();
        self.send_raw(req, token).await
    }

    /// Writes are never aborted: the first try may already have taken effect, and the user
    /// should hear how it ended even if the row that asked was rebuilt meanwhile.
    async fn send_raw(&self, mut req: ApiRequest, token: &str) -> Result<String, AppError> {
        req.token = Some(token.to_owned());
        let transport = self.transport.get_value();
        send_raw(&transport, req).await
    }

    /// `/api/v1/workspaces/{this workspace}{rest}`.
    fn workspace_path(&self, rest: &str) -> String {
        format!(
            "/api/v1/workspaces/{}{rest}",
            self.session.ctx().workspace.id
        )
    }

    /// GET with the session token. Transient failures are retried with backoff; a 401 asks the
    /// host for a new token and retries once with it (never more).
    fn get<T: DeserializeOwned + 'static>(self, path: String) -> Reply<T> {
        // Only the decoding is per type; the request itself is compiled once.
        let raw: Reply<String> = Box::pin(async move { self.get_raw(path).await });
        Box::pin(raw.map(|body| decode(&body?)))
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
            let result = self.send_read(ApiRequest::get(path), token).await;
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
    fn write<T: DeserializeOwned + 'static>(
        self,
        method: Method,
        path: String,
        body: Option<String>,
    ) -> Reply<T> {
        let req = ApiRequest::new(method, path, body);
        let raw: Reply<String> = Box::pin(async move { self.write_raw(req).await });
        Box::pin(raw.map(|body| decode(&body?)))
    }

    async fn write_raw(&self, req: ApiRequest) -> Result<String, AppError> {
        let token = self.session.token().await;
        match self.send_raw(req.clone(), &token).await {
            Err(AppError::Http { status: 401, .. }) => {
                self.session.refused(&token);
                let fresh = self.session.token().await;
                let second = self.send_raw(req, &fresh).await;
                if matches!(second, Err(AppError::Http { status: 401, .. })) {
                    self.session.expire(ExpiredReason::SessionEnded);
                }
                second
            }
            other => other,
        }
    }
}
