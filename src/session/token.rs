//! The access token as the session holds it (never printed), and reading its claims.

use js_sys::{JSON, Reflect};
use meshes_protocol::ClaimedSession;
use std::fmt;
use std::sync::Arc;
use wasm_bindgen::JsValue;

/// Bearer token. Never printed, stored, or put in a URL; only attached as `Authorization`.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken(pub(super) Arc<str>);

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken([REDACTED])")
    }
}

/// Read a token's claims without verifying it: only to bind it to our session before asking
/// the API. The API verifies every request. The browser decodes it (`atob`, `JSON.parse`): a
/// base64 decoder and a deserializer in the wasm cost 4 kB on the critical path for three fields.
/// Tokens reach here bounded in length (`message::check_token`).
pub fn peek_claims(token: &str) -> Option<ClaimedSession> {
    let payload = token.split('.').nth(1)?;
    // base64url to base64; `atob` accepts it unpadded.
    let b64: String = payload
        .chars()
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            c => c,
        })
        .collect();
    let text = web_sys::window()?.atob(&b64).ok()?;
    let claims = JSON::parse(&text).ok().filter(JsValue::is_object)?;
    let field = |k: &str| Reflect::get(&claims, &JsValue::from_str(k)).ok();
    let generation = field("gen")?
        .as_f64()
        .filter(|g| g.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(g))?;
    Some(ClaimedSession {
        sid: field("sid")?.as_string()?,
        ws: field("ws")?.as_string()?,
        generation: generation as u32,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn token_debug_is_redacted() {
        let t = AccessToken("eyJ.secret.sig".into());
        assert_eq!(format!("{t:?}"), "AccessToken([REDACTED])");
    }
}
