//! The host <-> iframe postMessage contract (meshes-spec §2).
//!
//! Documented fields are kept exactly; additive fields (marked below) are optional for hosts to
//! read and never carry secrets, because every script on the host page can observe them (docs/contract.md §3).

use crate::access::EmbedPage;
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
}

pub const AUTH: &str = "meshes:auth";
pub const REFRESH_FAILED: &str = "meshes:refresh-failed";

/// Iframe -> parent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum EmbedMessage {
    /// The runtime is listening and wants `meshes:auth`.
    #[serde(rename = "meshes:ready")]
    Ready,
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
    /// Additive: an OAuth connection was set up or re-authorized in the embed. Ids only, never
    /// a token; hosts may refresh their own view or record it.
    #[serde(rename = "meshes:connection")]
    Connection {
        connection_id: String,
        integration: String,
        outcome: ConnectionOutcome,
    },
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

/// Why an inbound message was dropped. Dropping is silent (no reply); this is for tests and
/// for the runtime's debug counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Reject {
    #[error("message from an unexpected origin")]
    Origin,
    #[error("message from a window other than the parent")]
    Source,
    #[error("message data is not a plain object with a string type")]
    Shape,
    #[error("message is not part of the meshes: namespace")]
    Foreign,
    #[error("unknown meshes: message type")]
    UnknownType,
    #[error("token is missing, too long or not a JWT")]
    Token,
    #[error("expires_in is not a whole number of seconds in range")]
    ExpiresIn,
}

/// Classify a message `type` before reading any other field.
pub fn check_type(ty: &str) -> Result<&str, Reject> {
    if !ty.starts_with(NAMESPACE) {
        return Err(Reject::Foreign);
    }
    if ty.len() > MAX_TYPE_LEN {
        return Err(Reject::UnknownType);
    }
    match ty {
        AUTH | REFRESH_FAILED => Ok(ty),
        _ => Err(Reject::UnknownType),
    }
}

/// A token must look like a compact JWS: three non-empty base64url segments, bounded length.
/// This keeps header-injection and "Bearer Bearer" mistakes out before the server even sees it.
pub fn check_token(token: &str) -> Result<(), Reject> {
    let ok = (1..=MAX_TOKEN_LEN).contains(&token.len())
        && token.split('.').count() == 3
        && token.split('.').all(|seg| {
            !seg.is_empty()
                && seg
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        });
    if ok { Ok(()) } else { Err(Reject::Token) }
}

/// `expires_in` clamp (docs/contract.md §4): whole seconds between 30 s and 24 h.
pub fn check_expires_in(v: f64) -> Result<u32, Reject> {
    if v.is_finite() && v.fract() == 0.0 && (30.0..=86_400.0).contains(&v) {
        Ok(v as u32)
    } else {
        Err(Reject::ExpiresIn)
    }
}

/// A numeric field as found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Num {
    Absent,
    Number(f64),
    NotANumber,
}

/// Read access to one inbound message's own fields, whatever holds them: a JS object in the
/// runtime (`bridge::inspect`), a JSON object in native tests. One decoder (`decode`) runs on
/// both, so what the tests prove is what the runtime does.
pub trait MessageFields {
    /// An own string field of at most `max` UTF-16 units / bytes; `None` if absent, not a
    /// string, or longer.
    fn string(&self, key: &str, max: usize) -> Option<String>;
    fn number(&self, key: &str) -> Num;
}

/// Decode a message whose container already passed the shape checks (a plain object).
pub fn decode(fields: &impl MessageFields) -> Result<HostMessage, Reject> {
    let ty = fields
        .string("type", MAX_TYPE_LEN + 1)
        .ok_or(Reject::Shape)?;
    if check_type(&ty)? == REFRESH_FAILED {
        return Ok(HostMessage::RefreshFailed);
    }
    let token = fields.string("token", MAX_TOKEN_LEN).ok_or(Reject::Token)?;
    check_token(&token)?;
    let expires_in = match fields.number("expires_in") {
        Num::Absent => None,
        Num::Number(v) => Some(check_expires_in(v)?),
        Num::NotANumber => return Err(Reject::ExpiresIn),
    };
    Ok(HostMessage::Auth { token, expires_in })
}

impl MessageFields for serde_json::Map<String, serde_json::Value> {
    fn string(&self, key: &str, max: usize) -> Option<String> {
        let s = self.get(key)?.as_str()?;
        (s.encode_utf16().count() <= max).then(|| s.to_owned())
    }

    fn number(&self, key: &str) -> Num {
        match self.get(key) {
            None | Some(serde_json::Value::Null) => Num::Absent,
            Some(v) => v.as_f64().map_or(Num::NotANumber, Num::Number),
        }
    }
}

impl HostMessage {
    /// Decode from JSON text (tests, fuzzing): the shape checks, then the runtime's `decode`.
    /// serde_json's recursion limit bounds depth; the length check bounds size.
    pub fn from_json(text: &str) -> Result<HostMessage, Reject> {
        if text.len() > MAX_TOKEN_LEN + 1024 {
            return Err(Reject::Shape);
        }
        let value: serde_json::Value = serde_json::from_str(text).map_err(|_| Reject::Shape)?;
        decode(value.as_object().ok_or(Reject::Shape)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzaWQiOiJzZXNzXzEifQ.c2lnbmF0dXJl";

    #[test]
    fn outbound_shapes_are_exact() {
        let cases = [
            (EmbedMessage::Ready, r#"{"type":"meshes:ready"}"#),
            (
                EmbedMessage::Resize { height: 842 },
                r#"{"type":"meshes:resize","height":842}"#,
            ),
            (
                EmbedMessage::TokenExpired {
                    reason: ExpiredReason::LaunchTokenUsed,
                },
                r#"{"type":"meshes:token-expired","reason":"launch_token_used"}"#,
            ),
            (
                EmbedMessage::Navigate {
                    path: "/workspace/rules".into(),
                    page: EmbedPage::Rules,
                },
                r#"{"type":"meshes:navigate","path":"/workspace/rules","page":"rules"}"#,
            ),
        ];
        for (msg, json) in cases {
            assert_eq!(serde_json::to_string(&msg).unwrap(), json);
        }
    }

    #[test]
    fn expired_reason_codes_match_serde() {
        for code in [
            "launch_token_missing",
            "launch_token_used",
            "session_mismatch",
            "refresh_timeout",
        ] {
            let r = ExpiredReason::from_code(code).unwrap();
            assert_eq!(serde_json::to_string(&r).unwrap(), format!("\"{code}\""));
        }
    }

    #[test]
    fn accepts_documented_auth() {
        let m = HostMessage::from_json(&format!(r#"{{"type":"meshes:auth","token":"{JWT}"}}"#));
        assert_eq!(
            m,
            Ok(HostMessage::Auth {
                token: JWT.into(),
                expires_in: None
            })
        );
    }

    #[test]
    fn rejects_bad_inbound() {
        let long = "a".repeat(MAX_TOKEN_LEN);
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let cases: Vec<(String, Reject)> = vec![
            (r#""meshes:auth""#.into(), Reject::Shape),
            ("42".into(), Reject::Shape),
            ("null".into(), Reject::Shape),
            ("[]".into(), Reject::Shape),
            (deep, Reject::Shape),
            (
                r#"{"type":"MESHES:AUTH","token":"a.b.c"}"#.into(),
                Reject::Foreign,
            ),
            (
                r#"{"type":" meshes:auth","token":"a.b.c"}"#.into(),
                Reject::Foreign,
            ),
            (
                r#"{"type":"meshes:authx","token":"a.b.c"}"#.into(),
                Reject::UnknownType,
            ),
            (
                r#"{"type":"meshes:auth\u0000","token":"a.b.c"}"#.into(),
                Reject::UnknownType,
            ),
            (r#"{"type":"meshes:__proto__"}"#.into(), Reject::UnknownType),
            (r#"{"type":"pendo:guide"}"#.into(), Reject::Foreign),
            (r#"{"type":"meshes:auth"}"#.into(), Reject::Token),
            (r#"{"type":"meshes:auth","token":42}"#.into(), Reject::Token),
            (r#"{"type":"meshes:auth","token":""}"#.into(), Reject::Token),
            (
                r#"{"type":"meshes:auth","token":"Bearer a.b.c"}"#.into(),
                Reject::Token,
            ),
            (
                r#"{"type":"meshes:auth","token":"a.b.c\r\nX-Injected: 1"}"#.into(),
                Reject::Token,
            ),
            (
                format!(r#"{{"type":"meshes:auth","token":"{long}.b.c"}}"#),
                Reject::Token,
            ),
            (
                format!(r#"{{"type":"meshes:auth","token":"{JWT}","expires_in":-1}}"#),
                Reject::ExpiresIn,
            ),
            (
                format!(r#"{{"type":"meshes:auth","token":"{JWT}","expires_in":"3600"}}"#),
                Reject::ExpiresIn,
            ),
            (
                format!(r#"{{"type":"meshes:auth","token":"{JWT}","expires_in":3600.9}}"#),
                Reject::ExpiresIn,
            ),
            (
                format!(r#"{{"type":"meshes:auth","token":"{JWT}","expires_in":1e308}}"#),
                Reject::ExpiresIn,
            ),
        ];
        for (text, want) in cases {
            let preview: String = text.chars().take(60).collect();
            assert_eq!(HostMessage::from_json(&text), Err(want), "{preview}");
        }
    }

    #[test]
    fn outbound_messages_carry_no_secrets() {
        // Nothing the iframe posts may name or contain a token, payload or email.
        let all = [
            EmbedMessage::Ready,
            EmbedMessage::TokenRefresh {
                reason: RefreshReason::Scheduled,
            },
            EmbedMessage::TokenExpired {
                reason: ExpiredReason::SessionMismatch,
            },
            EmbedMessage::Navigate {
                path: "/workspace/events/e-1".into(),
                page: EmbedPage::EventDetail,
            },
            EmbedMessage::Resize { height: 10 },
        ];
        for m in all {
            let json = serde_json::to_string(&m).unwrap();
            for word in ["\"token\"", "secret", "payload", "email", "access"] {
                assert!(!json.contains(word), "{json} contains {word}");
            }
        }
    }
}
