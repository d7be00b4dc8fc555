//! The runtime's one error type: what went wrong, in words, and who can fix it.

use crate::i18n::{t, tf};
use meshes_protocol::ExpiredReason;
use meshes_protocol::api::ErrorBody;

#[derive(Debug, Clone, PartialEq)]
pub enum AppError {
    /// The launch token was missing, spent, expired or refused.
    Launch(ExpiredReason),
    /// Opened directly instead of inside the host's iframe.
    NotFramed,
    /// No parent origin could be bound (the sentence says why; for support, so not translated).
    Parent(String),
    /// No usable access token yet (or any more).
    AwaitingAuth,
    Network(String),
    Timeout,
    /// The page that asked is gone (its requests are aborted on unmount); nobody sees this.
    Canceled,
    Http {
        status: u16,
        body: Option<ErrorBody>,
        /// Seconds the server asked us to wait (`Retry-After`).
        retry_after: Option<f64>,
    },
    Decode(String),
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for AppError {}

/// What an HTTP error says: the server's own sentence when it sent one (it knows what went
/// wrong; the API speaks English, decision 94), else a fallback by status. (A body with only
/// the status title has no sentence.)
fn http_message(status: u16, body: &Option<ErrorBody>) -> String {
    if let Some(sentence) = body.as_ref().and_then(ErrorBody::sentence) {
        return sentence.to_owned();
    }
    let key = match status {
        403 => "error.http_403",
        404 => "error.http_404",
        409 => "error.http_409",
        429 => "error.http_429",
        _ => "error.http_other",
    };
    tf(key, &[("status", &status.to_string())])
}

impl AppError {
    /// What went wrong, in one sentence, in the viewer's language: the one rule every error
    /// view uses (the server's sentence for an HTTP error when it sent one, else a fallback by
    /// status).
    pub fn message(&self) -> String {
        let key = match self {
            AppError::Launch(_) => "error.launch",
            AppError::NotFramed => "error.not_framed",
            AppError::Parent(why) => return why.clone(),
            AppError::AwaitingAuth => "error.awaiting_auth",
            AppError::Network(_) => "error.network",
            AppError::Timeout => "error.timeout",
            AppError::Canceled => "error.canceled",
            AppError::Http { status, body, .. } => return http_message(*status, body),
            AppError::Decode(_) => "error.decode",
        };
        t(key)
    }

    /// Who can fix it, and how: shown under every error state.
    pub fn remedy(&self) -> String {
        t(match self {
            AppError::Launch(_) => "remedy.launch",
            AppError::NotFramed | AppError::Parent(_) => "remedy.not_framed",
            AppError::AwaitingAuth => "remedy.awaiting_auth",
            AppError::Network(_) | AppError::Timeout | AppError::Canceled => "remedy.network",
            AppError::Http { status: 401, .. } => "remedy.http_401",
            AppError::Http { status: 403, .. } => "remedy.http_403",
            AppError::Http { status: 404, .. } => "remedy.http_404",
            AppError::Http { status: 425, .. } => "remedy.http_425",
            AppError::Http { status: 409, .. } => "remedy.http_409",
            AppError::Http { status, .. } if *status >= 500 => "remedy.http_5xx",
            AppError::Http { .. } => "remedy.http_other",
            AppError::Decode(_) => "remedy.decode",
        })
    }

    pub fn is_retryable(&self) -> bool {
        matches!(self, AppError::Network(_) | AppError::Timeout)
            || matches!(self, AppError::Http { status, .. } if *status >= 500 || *status == 429)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn launch_errors_use_the_documented_wording() {
        assert_eq!(
            AppError::Launch(ExpiredReason::LaunchTokenUsed).to_string(),
            "Invalid or expired embed launch token"
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn http_errors_prefer_the_server_detail() {
        let body = ErrorBody::new(409, "Connection has active rules", vec![]);
        let e = AppError::Http {
            status: 409,
            body: Some(body),
            retry_after: None,
        };
        assert_eq!(e.message(), "Connection has active rules");
        assert!(!e.is_retryable());
        // The same rule for a refusal: the server's sentence, not a generic one.
        let refused = AppError::Http {
            status: 403,
            body: Some(ErrorBody::new(
                403,
                "Members cannot delete connections",
                vec![],
            )),
            retry_after: None,
        };
        assert_eq!(refused.message(), "Members cannot delete connections");
        assert!(
            AppError::Http {
                status: 503,
                body: None,
                retry_after: None
            }
            .is_retryable()
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn without_a_sentence_the_status_decides() {
        let titled = |status| AppError::Http {
            status,
            body: serde_json::from_str(r#"{"message":"Forbidden"}"#).ok(),
            retry_after: None,
        };
        assert_eq!(
            titled(403).message(),
            "This isn't allowed for this embedded session"
        );
        assert_eq!(titled(429).message(), "Too many requests right now");
        assert_eq!(
            titled(502).message(),
            "The server answered with an error (502)"
        );
    }
}
