//! REST wire types (meshes-spec §1, §6). Timestamps travel as RFC 3339 strings, as on the wire.

mod catalog;
mod connection;
mod dashboard;
mod delivery;
mod mapping;
mod oauth;
mod rule;
mod session;
mod workspace;

pub use catalog::*;
pub use connection::*;
pub use dashboard::*;
pub use delivery::*;
pub use mapping::*;
pub use oauth::*;
pub use rule::*;
pub use session::*;
pub use workspace::*;

use serde::{Deserialize, Serialize};

/// Cursor pagination used by every list endpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub count: u32,
    pub limit: u32,
    pub next_cursor: Option<String>,
    pub records: Vec<T>,
}

pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 200;

/// The Meshes error body:
/// `{"message":"Bad Request","error":{"name":"BadRequest","message":"…","data":[{"param":…,"msg":…}]}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorDetail>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    pub name: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data: Vec<ParamError>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParamError {
    pub param: String,
    pub msg: String,
}

impl ParamError {
    pub fn new(param: impl Into<String>, msg: impl Into<String>) -> Self {
        ParamError {
            param: param.into(),
            msg: msg.into(),
        }
    }
}

impl ErrorBody {
    /// Build the body for an HTTP status; `name`/`message` of the status follow the Results page.
    pub fn new(status: u16, message: impl Into<String>, data: Vec<ParamError>) -> Self {
        let (title, name) = status_names(status);
        ErrorBody {
            message: title.to_owned(),
            error: Some(ErrorDetail {
                name: name.to_owned(),
                message: message.into(),
                data,
            }),
        }
    }

    /// The most specific human message the body carries.
    pub fn detail(&self) -> &str {
        self.error
            .as_ref()
            .map(|e| e.message.as_str())
            .unwrap_or(&self.message)
    }

    /// The server's own sentence, if it sent one (a body with only the status title has none).
    pub fn sentence(&self) -> Option<&str> {
        self.error
            .as_ref()
            .map(|e| e.message.trim())
            .filter(|m| !m.is_empty())
    }

    pub fn params(&self) -> &[ParamError] {
        self.error
            .as_ref()
            .map(|e| e.data.as_slice())
            .unwrap_or(&[])
    }
}

fn status_names(status: u16) -> (&'static str, &'static str) {
    match status {
        400 => ("Bad Request", "BadRequest"),
        401 => ("Unauthorized", "Unauthorized"),
        403 => ("Forbidden", "Forbidden"),
        404 => ("Not Found", "NotFound"),
        405 => ("Method Not Allowed", "MethodNotAllowed"),
        409 => ("Conflict", "Conflict"),
        413 => ("Payload Too Large", "PayloadTooLarge"),
        422 => ("Unprocessable Entity", "UnprocessableEntity"),
        425 => ("Too Early", "TooEarly"),
        429 => ("Too Many Requests", "TooManyRequests"),
        503 => ("Service Unavailable", "ServiceUnavailable"),
        _ => ("Internal Server Error", "InternalServerError"),
    }
}
