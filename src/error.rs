//! The runtime's one error type: what went wrong, in words, and who can fix it.

use meshes_protocol::ExpiredReason;
use meshes_protocol::api::ErrorBody;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AppError {
    /// The launch token was missing, spent, expired or refused.
    #[error("Invalid or expired embed launch token")]
    Launch(ExpiredReason),
    /// Opened directly instead of inside the host's iframe.
    #[error("This workspace can only be opened inside the app that embeds it")]
    NotFramed,
    #[error("{0}")]
    Parent(String),
    /// No usable access token yet (or any more).
    #[error("Authentication required")]
    AwaitingAuth,
    #[error("The server could not be reached")]
    Network(String),
    #[error("The server took too long to answer")]
    Timeout,
    /// The page that asked is gone (its requests are aborted on unmount); nobody sees this.
    #[error("The request was canceled")]
    Canceled,
    #[error("{}", http_message(*status, body))]
    Http {
        status: u16,
        body: Option<ErrorBody>,
        /// Seconds the server asked us to wait (`Retry-After`).
        retry_after: Option<f64>,
    },
    #[error("The server sent a response this version cannot read")]
    Decode(String),
}

/// What an HTTP error says: the server's own sentence when it sent one (it knows what went
/// wrong), else a fallback by status. (A body with only the status title has no sentence.)
fn http_message(status: u16, body: &Option<ErrorBody>) -> String {
    if let Some(sentence) = body.as_ref().and_then(ErrorBody::sentence) {
        return sentence.to_owned();
    }
    match status {
        403 => "This isn't allowed for this embedded session".to_owned(),
        404 => "This item doesn't exist in this workspace".to_owned(),
        409 => "This conflicts with the workspace as it is now".to_owned(),
        429 => "Too many requests right now".to_owned(),
        s => format!("The server answered with an error ({s})"),
    }
}

impl AppError {
    /// What went wrong, in one sentence: the one rule every error view uses (the server's
    /// sentence for an HTTP error when it sent one, else a fallback by status).
    pub fn message(&self) -> String {
        self.to_string()
    }

    /// Who can fix it, and how: shown under every error state.
    pub fn remedy(&self) -> &'static str {
        match self {
            AppError::Launch(_) => {
                "This embedded view was opened with a link that can only be used once. Reload the page \
                 around it to start a new session; if it keeps happening, contact the app's support."
            }
            AppError::NotFramed | AppError::Parent(_) => {
                "The app embedding this workspace needs to be configured for it. Contact the app's support."
            }
            AppError::AwaitingAuth => "Waiting for the app around this view to sign you in.",
            AppError::Network(_) | AppError::Timeout | AppError::Canceled => {
                "Check your connection, then try again."
            }
            AppError::Http { status: 401, .. } => {
                "Your session is being renewed; try again in a moment."
            }
            AppError::Http { status: 403, .. } => {
                "Ask an administrator of this workspace if you need access to this."
            }
            AppError::Http { status: 404, .. } => {
                "It may have been deleted. Go back to the list and try again."
            }
            AppError::Http { status: 425, .. } => {
                "A delivery attempt is running or about to start. Wait a few seconds, then try again."
            }
            AppError::Http { status: 409, .. } => {
                "Nothing was changed. Review the message above; reload the page to see the latest state."
            }
            AppError::Http { status, .. } if *status >= 500 => {
                "Something went wrong on Meshes' side. Try again in a moment."
            }
            AppError::Http { .. } => "Check the details above and try again.",
            AppError::Decode(_) => "Reload the page around this view to update it.",
        }
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
