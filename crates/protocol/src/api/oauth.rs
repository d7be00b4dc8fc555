//! OAuth connection setup through the Meshes-hosted flow (meshes-spec §5.1; the endpoint shapes
//! are decided here, see docs/decisions.md). The embed creates an *attempt*, opens the hosted
//! start page for it, and learns the outcome from the attempt's status — never from the window.

use serde::{Deserialize, Serialize};

/// How long an attempt may take from creation to callback.
pub const ATTEMPT_TTL_SECONDS: i64 = 10 * 60;
/// Longest accepted `return_to` URL.
pub const MAX_RETURN_TO_LEN: usize = 2048;
/// The fast-path message the hosted callback page posts to its opener (never to the host).
pub const OAUTH_DONE: &str = "meshes:oauth-done";
/// The hosted start page asks the window that opened it: "is this attempt yours?"
/// (`{type, attempt}`, posted to the embed origin only).
pub const OAUTH_HELLO: &str = "meshes:oauth-hello";
/// The embed's answer, to the start page's exact origin, from the window it opened:
/// `{type, attempt, proof}` with the attempt's `start_proof`.
pub const OAUTH_PROOF: &str = "meshes:oauth-proof";

/// Where the hosted flow runs. Popup and tab differ only in how the embed opened the window;
/// redirect leaves the host page and comes back to `return_to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OauthMode {
    #[default]
    Popup,
    Tab,
    Redirect,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttemptStatus {
    /// Created; nobody has opened the start page yet.
    Pending,
    /// The start page sent the user to the provider.
    Started,
    Completed,
    /// The user said no at the provider.
    Denied,
    /// The provider or the code exchange failed; `error` says how.
    Failed,
    Expired,
    Cancelled,
}

impl AttemptStatus {
    pub fn is_final(self) -> bool {
        !matches!(self, AttemptStatus::Pending | AttemptStatus::Started)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AttemptStatus::Pending => "pending",
            AttemptStatus::Started => "started",
            AttemptStatus::Completed => "completed",
            AttemptStatus::Denied => "denied",
            AttemptStatus::Failed => "failed",
            AttemptStatus::Expired => "expired",
            AttemptStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<AttemptStatus> {
        [
            AttemptStatus::Pending,
            AttemptStatus::Started,
            AttemptStatus::Completed,
            AttemptStatus::Denied,
            AttemptStatus::Failed,
            AttemptStatus::Expired,
            AttemptStatus::Cancelled,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }
}

/// `POST /api/v1/embed/oauth/attempts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateAttempt {
    /// An integration whose `authentication.type` is `oauth`.
    pub integration: String,
    /// Re-authorize this (inactive) connection instead of creating a new one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection_id: Option<String>,
    #[serde(default)]
    pub mode: OauthMode,
    /// Redirect mode only: the host page to come back to; its origin must be one of the
    /// session's `allowed_origins`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_to: Option<String>,
    /// Echoed by the callback page's fast-path message so the embed can tell its own attempt's
    /// message from any other (16–64 URL-safe characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
}

/// Why an attempt did not complete, in words for the person who can fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptError {
    /// `access_denied`, `provider_error`, `state_mismatch`, `code_exchange_failed`, `expired`,
    /// `cancelled`, `connection_gone`, `account_mismatch`, `session_ended`.
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OauthAttempt {
    pub id: String,
    pub workspace: String,
    pub integration: String,
    pub mode: OauthMode,
    pub status: AttemptStatus,
    /// The connection re-authorized, or created on completion.
    #[serde(default)]
    pub connection_id: Option<String>,
    /// True when the attempt re-authorizes an existing connection.
    pub reauthorize: bool,
    /// The provider account that authorized (display only).
    #[serde(default)]
    pub account: Option<String>,
    #[serde(default)]
    pub error: Option<AttemptError>,
    /// Only in the create response: the hosted page to open. Single use; it carries no token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_url: Option<String>,
    /// Only in the create response, kept in the embed's memory: what the embed hands the start
    /// page (which its window opened) to prove the attempt is its own. Never in a URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_proof: Option<String>,
    pub created_at: String,
    pub expires_at: String,
    #[serde(default)]
    pub completed_at: Option<String>,
}

/// The fast-path hint from the hosted callback page to the window that opened it. Only a hint:
/// the embed confirms through the attempt's status before showing anything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OauthDone {
    #[serde(rename = "type")]
    pub kind: String,
    pub attempt: String,
    pub nonce: String,
    pub status: AttemptStatus,
}

/// A nonce the runtime may send: URL-safe, 16–64 characters.
pub fn valid_nonce(n: &str) -> bool {
    (16..=64).contains(&n.len())
        && n.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A redirect-mode `return_to`: an absolute http(s) URL without credentials or fragment whose
/// origin is exactly one of `allowed` (the session's `allowed_origins`; none means no redirect).
pub fn check_return_to(url: &str, allowed: &[crate::Origin]) -> Result<(), &'static str> {
    if url.len() > MAX_RETURN_TO_LEN || url.bytes().any(|b| !b.is_ascii_graphic()) {
        return Err("must be a URL of at most 2048 printable characters");
    }
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err("must be an absolute http(s) URL");
    };
    if url.contains('#') {
        return Err("must not contain a fragment");
    }
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let origin = crate::Origin::parse(&format!("{scheme}://{}", &rest[..end]))
        .map_err(|_| "must start with a valid http(s) origin and carry no credentials")?;
    if allowed.is_empty() || !allowed.contains(&origin) {
        return Err("its origin must be one of the session's allowed_origins");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Origin;

    #[test]
    fn return_to_is_exactly_an_allowed_origin() {
        let allowed = [Origin::parse("https://app.example.com").unwrap()];
        assert!(check_return_to("https://app.example.com/settings?tab=x", &allowed).is_ok());
        assert!(check_return_to("https://app.example.com", &allowed).is_ok());
        for bad in [
            "https://app.example.com.evil.com/",
            "https://evil.com/?https://app.example.com",
            "https://user@app.example.com/",
            "https://app.example.com:444/",
            "http://app.example.com/",
            "https://app.example.com/#x",
            "javascript:alert(1)",
            "//app.example.com/",
            "https://app.example.com/\n",
        ] {
            assert!(check_return_to(bad, &allowed).is_err(), "{bad}");
        }
        assert!(check_return_to("https://app.example.com/", &[]).is_err());
    }

    #[test]
    fn statuses_round_trip_and_nonces_are_bounded() {
        for s in [
            "pending",
            "started",
            "completed",
            "denied",
            "failed",
            "expired",
            "cancelled",
        ] {
            assert_eq!(AttemptStatus::parse(s).unwrap().as_str(), s);
        }
        assert!(!AttemptStatus::Started.is_final() && AttemptStatus::Denied.is_final());
        assert!(valid_nonce("abcdefghijklmnop") && !valid_nonce("short"));
        assert!(!valid_nonce("abcdefghijklmnop<script>"));
    }
}
