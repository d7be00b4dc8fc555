//! The sandbox's one error type. Every failure leaves as the Meshes error body.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use meshes_protocol::api::{ErrorBody, ParamError};

#[derive(Debug, thiserror::Error)]
#[error("{status}: {message}")]
pub struct ApiError {
    pub status: StatusCode,
    /// Machine-readable name override (e.g. `InvalidLaunchToken`); default follows the status.
    pub name: Option<&'static str>,
    pub message: String,
    pub params: Vec<ParamError>,
    /// RFC 6750 `WWW-Authenticate` error code for 401/403 on bearer endpoints.
    pub bearer_error: Option<&'static str>,
    /// `Retry-After` seconds (429).
    pub retry_after: Option<u64>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            name: None,
            message: message.into(),
            params: vec![],
            bearer_error: None,
            retry_after: None,
        }
    }

    pub fn bad_request(message: impl Into<String>, params: Vec<ParamError>) -> Self {
        ApiError {
            params,
            ..Self::new(StatusCode::BAD_REQUEST, message)
        }
    }

    pub fn param(param: &str, msg: impl Into<String>) -> Self {
        Self::bad_request("Invalid request", vec![ParamError::new(param, msg)])
    }

    /// Missing, malformed, expired or superseded credential.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        ApiError {
            bearer_error: Some("invalid_token"),
            ..Self::new(StatusCode::UNAUTHORIZED, message)
        }
    }

    /// Valid credential, but this session may not do this.
    pub fn forbidden(message: impl Into<String>) -> Self {
        ApiError {
            bearer_error: Some("insufficient_scope"),
            ..Self::new(StatusCode::FORBIDDEN, message)
        }
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, format!("{what} not found"))
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, message)
    }

    pub fn internal(err: impl std::fmt::Display) -> Self {
        tracing::error!(%err, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong on our side; try again",
        )
    }

    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    /// 429 with the Meshes message and when to come back.
    pub fn rate_limited(retry_after: u64) -> Self {
        ApiError {
            retry_after: Some(retry_after),
            ..Self::new(StatusCode::TOO_MANY_REQUESTS, "API rate limit exceeded")
        }
    }

    pub fn named(mut self, name: &'static str) -> Self {
        self.name = Some(name);
        self
    }

    pub fn body(&self) -> ErrorBody {
        let mut body = ErrorBody::new(
            self.status.as_u16(),
            self.message.clone(),
            self.params.clone(),
        );
        if let (Some(name), Some(detail)) = (self.name, body.error.as_mut()) {
            detail.name = name.to_owned();
        }
        body
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> Self {
        ApiError::internal(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut res = (self.status, axum::Json(self.body())).into_response();
        if let Some(code) = self.bearer_error {
            let value = format!("Bearer realm=\"meshes\", error=\"{code}\"");
            if let Ok(v) = HeaderValue::from_str(&value) {
                res.headers_mut().insert(header::WWW_AUTHENTICATE, v);
            }
        }
        if let Some(secs) = self.retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        res
    }
}
