//! The access token as the session holds it (never printed), and reading its claims.

use base64::Engine;
use meshes_protocol::ClaimedSession;
use std::fmt;
use std::sync::Arc;

/// Bearer token. Never printed, stored, or put in a URL; only attached as `Authorization`.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken(pub(super) Arc<str>);

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken([REDACTED])")
    }
}

/// Read a token's claims without verifying it: only to bind it to our session before asking
/// the API. The API verifies every request.
pub fn peek_claims(token: &str) -> Option<ClaimedSession> {
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .ok()?;
    // `from_str`, like every other read: one deserializer per type in the wasm, not two.
    serde_json::from_str(std::str::from_utf8(&bytes).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_debug_is_redacted() {
        let t = AccessToken("eyJ.secret.sig".into());
        assert_eq!(format!("{t:?}"), "AccessToken([REDACTED])");
    }

    #[test]
    fn claims_are_read_from_the_payload() {
        let claims = r#"{"iss":"i","aud":"a","sid":"sess_1","ws":"w","role":"admin","st":"workspace","scp":[],"gen":1,"iat":1,"exp":2}"#;
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(claims);
        let c = peek_claims(&format!("eyJhbGciOiJIUzI1NiJ9.{payload}.sig")).unwrap();
        assert_eq!(
            (c.sid.as_str(), c.ws.as_str(), c.generation),
            ("sess_1", "w", 1)
        );
        assert_eq!(peek_claims("not-a-jwt"), None);
        // A payload without the session binding is not ours.
        let partial =
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(r#"{"sid":"sess_1"}"#);
        assert_eq!(peek_claims(&format!("h.{partial}.sig")), None);
    }
}
