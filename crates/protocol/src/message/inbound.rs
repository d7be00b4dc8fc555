//! Inbound messages: the checks each field passes, one decoder for the runtime and the tests,
//! and why a message was dropped.

use super::{
    AUTH, CONFIGURE, HostMessage, MAX_PATH_LEN, MAX_TOKEN_LEN, MAX_TYPE_LEN, NAMESPACE,
    NAVIGATE_TO, REFRESH_FAILED,
};
use crate::appearance::{self, Appearance, Theme};
use crate::locale;

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
    #[error("path is missing, too long or not a string")]
    Path,
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
        AUTH | REFRESH_FAILED | NAVIGATE_TO | CONFIGURE => Ok(ty),
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
    /// `outer[key]` as [`MessageFields::string`] reads it, when `outer` is a plain object.
    fn nested_string(&self, outer: &str, key: &str, max: usize) -> Option<String>;
}

/// Decode a message whose container already passed the shape checks (a plain object).
pub fn decode(fields: &impl MessageFields) -> Result<HostMessage, Reject> {
    let ty = fields
        .string("type", MAX_TYPE_LEN + 1)
        .ok_or(Reject::Shape)?;
    match check_type(&ty)? {
        REFRESH_FAILED => return Ok(HostMessage::RefreshFailed),
        // Only bounded here; which paths may be opened is the route table's call.
        NAVIGATE_TO => {
            let path = fields.string("path", MAX_PATH_LEN).ok_or(Reject::Path)?;
            return Ok(HostMessage::NavigateTo { path });
        }
        CONFIGURE => {
            return Ok(HostMessage::Configure {
                appearance: decode_appearance(fields),
                locale: fields
                    .string("locale", locale::MAX_TAG_LEN)
                    .and_then(|t| locale::check_tag(&t)),
            });
        }
        _ => {}
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

/// Each known key of `appearance` whose value passes its check; the rest is ignored.
fn decode_appearance(fields: &impl MessageFields) -> Appearance {
    let read = |key: &str, max: usize| fields.nested_string("appearance", key, max);
    Appearance {
        theme: read("theme", 8).as_deref().and_then(Theme::parse),
        vars: appearance::VARIABLES
            .iter()
            .filter_map(|&(key, var, kind)| {
                read(key, appearance::MAX_VALUE_LEN)
                    .filter(|v| appearance::valid(kind, v))
                    .map(|v| (var, v))
            })
            .collect(),
    }
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

    fn nested_string(&self, outer: &str, key: &str, max: usize) -> Option<String> {
        self.get(outer)?.as_object()?.string(key, max)
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
#[path = "inbound_tests.rs"]
mod tests;
