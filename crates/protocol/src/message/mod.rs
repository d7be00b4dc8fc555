//! The host <-> iframe postMessage contract (meshes-spec §2).
//!
//! Documented fields are kept exactly; additive fields (marked below) are optional for hosts to
//! read and never carry secrets, because every script on the host page can observe them (docs/contract.md §3).

mod inbound;

use crate::access::EmbedPage;
use crate::appearance::Appearance;
pub use inbound::{MessageFields, Num, Reject, check_expires_in, check_token, check_type, decode};
use serde::{Deserialize, Serialize};

/// Upper bound on an access token delivered through `meshes:auth` (docs/contract.md §3).
pub const MAX_TOKEN_LEN: usize = 8 * 1024;
/// Upper bound on a message `type` string we bother to look at.
pub const MAX_TYPE_LEN: usize = 64;
/// Every contract message type starts with this; anything else is another library's traffic.
pub const NAMESPACE: &str = "meshes:";

/// Parent -> iframe.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum HostMessage {
    /// `{"type":"meshes:auth","token":"<access_token>"}`; `expires_in` (seconds) is additive and
    /// optional — the runtime otherwise reads `exp` from the token.
    #[serde(rename = "meshes:auth")]
    Auth {
        token: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        expires_in: Option<u32>,
    },
    /// Additive: the host could not get a new token (its refresh failed, after its own retries),
    /// so the runtime explains the pause at once instead of after its 30 s timeout. No fields.
    #[serde(rename = "meshes:refresh-failed")]
    RefreshFailed,
    /// Additive: open an in-app path (`/workspace/...`, the Events filters may ride along as a
    /// query). Checked like a deep link (`route::host_target`); a refusal is answered with
    /// `meshes:navigate-refused`, never followed.
    #[serde(rename = "meshes:navigate-to")]
    NavigateTo { path: String },
    /// Additive: `{"type":"meshes:configure","appearance":{...},"locale":"fr-CA"}`, the host's
    /// look and language, applied live. Decoded key by key (`appearance::VARIABLES`,
    /// `locale::check_tag`), never as a whole, so it has no serde shape of its own.
    #[serde(skip)]
    Configure {
        appearance: Appearance,
        /// A well-formed tag, or `None` (absent or malformed: the language stays as it is).
        locale: Option<String>,
    },
}

pub const AUTH: &str = "meshes:auth";
pub const REFRESH_FAILED: &str = "meshes:refresh-failed";
pub const NAVIGATE_TO: &str = "meshes:navigate-to";
pub const CONFIGURE: &str = "meshes:configure";
/// Upper bound on a `meshes:navigate-to` path (the longest real one, Events with every filter,
/// is well under it).
pub const MAX_PATH_LEN: usize = 2048;

/// The contract version `meshes:ready` announces (docs/contract.md §3).
pub const CONTRACT_VERSION: u32 = 1;
/// What this runtime takes and sends beyond the documented core (`auth`, `ready`,
/// `token-refresh`, `token-expired`, `navigate`, `resize`), so hosts feature-detect. The loader
/// (`assets/boot.js`) announces the same list; a test holds them together.
pub const CAPABILITIES: [&str; 7] = [
    "refresh-failed",
    "navigate-to",
    "scroll-into-view",
    "connection",
    "error",
    "appearance",
    "locale",
];

/// Iframe -> parent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum EmbedMessage {
    /// The runtime is listening and wants `meshes:auth`. `version` and `capabilities` are
    /// additive ([`EmbedMessage::ready`]).
    #[serde(rename = "meshes:ready")]
    Ready {
        /// 0 (absent): an embed from before the contract was versioned.
        #[serde(default, skip_serializing_if = "is_zero")]
        version: u32,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        capabilities: Vec<String>,
    },
    /// The runtime needs a fresh access token. `reason` is additive.
    #[serde(rename = "meshes:token-refresh")]
    TokenRefresh { reason: RefreshReason },
    /// The runtime has no usable credential. `reason` is additive.
    #[serde(rename = "meshes:token-expired")]
    TokenExpired { reason: ExpiredReason },
    /// The runtime moved to another page (fields undocumented upstream; decided here).
    #[serde(rename = "meshes:navigate")]
    Navigate { path: String, page: EmbedPage },
    /// Content height in CSS pixels.
    #[serde(rename = "meshes:resize")]
    Resize { height: u32 },
    /// Additive: something the user needs to see (a notice, an error, a form that just opened)
    /// is at this box of the frame's viewport, in whole CSS pixels; the host scrolls its page
    /// only if the box is out of view. The embed cannot scroll the host page itself.
    #[serde(rename = "meshes:scroll-into-view")]
    ScrollIntoView { top: i32, height: u32 },
    /// Additive: an OAuth connection was set up or re-authorized in the embed. Ids only, never
    /// a token; hosts may refresh their own view or record it.
    #[serde(rename = "meshes:connection")]
    Connection {
        connection_id: String,
        integration: String,
        outcome: ConnectionOutcome,
    },
    /// Additive: a `meshes:navigate-to` that was not followed; `path` is the host's own.
    #[serde(rename = "meshes:navigate-refused")]
    NavigateRefused {
        path: String,
        reason: NavigateRefusal,
    },
    /// Additive: the embed document is running and starting its launch (sent by the loader,
    /// before `meshes:ready`), so a host that never hears `ready` can tell a refused frame
    /// from a launch that stalls. No fields.
    #[serde(rename = "meshes:loading")]
    Loading,
    /// Additive: a fatal state the embed is about to show (its launch could not reach the
    /// API), said to the host first.
    #[serde(rename = "meshes:error")]
    Error { code: EmbedErrorCode },
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl EmbedMessage {
    /// `meshes:ready` as this runtime sends it.
    pub fn ready() -> EmbedMessage {
        EmbedMessage::Ready {
            version: CONTRACT_VERSION,
            capabilities: CAPABILITIES.map(str::to_owned).to_vec(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NavigateRefusal {
    /// Not one of the embed's paths.
    UnknownPath,
    /// A page this session type may not open.
    NotAllowed,
    /// The user is deciding whether to leave unsaved changes; ask again later.
    Busy,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmbedErrorCode {
    /// The launch exchange could not reach the API (network or timeout).
    Network,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionOutcome {
    Created,
    Reauthorized,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefreshReason {
    /// Ahead of expiry.
    Scheduled,
    /// The API answered 401 to the current token.
    Unauthorized,
    /// The token ran out before a refresh arrived (e.g. the device slept).
    Expired,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExpiredReason {
    /// No launch token in the URL (e.g. a hard reload after it was stripped).
    LaunchTokenMissing,
    /// Unknown, malformed or tampered launch token.
    LaunchTokenInvalid,
    LaunchTokenExpired,
    LaunchTokenUsed,
    /// The session was revoked or reached its end.
    SessionEnded,
    /// `meshes:auth` carried a token for another session.
    SessionMismatch,
    /// No fresh token arrived in time after `meshes:token-refresh`.
    RefreshTimeout,
    /// The access token passed its expiry before a new one arrived.
    AccessTokenExpired,
    /// The host reported that its refresh failed (`meshes:refresh-failed`).
    RefreshFailed,
}

impl ExpiredReason {
    pub fn as_str(self) -> &'static str {
        match self {
            ExpiredReason::LaunchTokenMissing => "launch_token_missing",
            ExpiredReason::LaunchTokenInvalid => "launch_token_invalid",
            ExpiredReason::LaunchTokenExpired => "launch_token_expired",
            ExpiredReason::LaunchTokenUsed => "launch_token_used",
            ExpiredReason::SessionEnded => "session_ended",
            ExpiredReason::SessionMismatch => "session_mismatch",
            ExpiredReason::RefreshTimeout => "refresh_timeout",
            ExpiredReason::AccessTokenExpired => "access_token_expired",
            ExpiredReason::RefreshFailed => "refresh_failed",
        }
    }

    pub fn from_code(code: &str) -> Option<ExpiredReason> {
        [
            ExpiredReason::LaunchTokenMissing,
            ExpiredReason::LaunchTokenInvalid,
            ExpiredReason::LaunchTokenExpired,
            ExpiredReason::LaunchTokenUsed,
            ExpiredReason::SessionEnded,
            ExpiredReason::SessionMismatch,
            ExpiredReason::RefreshTimeout,
            ExpiredReason::AccessTokenExpired,
            ExpiredReason::RefreshFailed,
        ]
        .into_iter()
        .find(|r| r.as_str() == code)
    }
}

#[cfg(test)]
mod tests;
