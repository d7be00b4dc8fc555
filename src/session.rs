//! The live embed session: the context from the launch exchange, the access token (memory
//! only), and where authentication stands.

use crate::bridge::Bridge;
use base64::Engine;
use leptos::prelude::*;
use meshes_protocol::api::SessionContext;
use meshes_protocol::{AccessClaims, EmbedMessage, ExpiredReason, RefreshReason};
use std::fmt;
use std::sync::Arc;

/// Bearer token. Never printed, stored, or put in a URL; only attached as `Authorization`.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken(Arc<str>);

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken([REDACTED])")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthStatus {
    /// Launched; `meshes:ready` sent, waiting for the first `meshes:auth`.
    AwaitingAuth,
    Authed,
    /// `meshes:token-refresh` sent, waiting for the host.
    Refreshing,
    Expired(ExpiredReason),
}

#[derive(Clone)]
pub struct Session {
    pub ctx: Arc<SessionContext>,
    pub bridge: Bridge,
    token: RwSignal<Option<AccessToken>>,
    pub status: RwSignal<AuthStatus>,
}

/// Read a token's claims without verifying it: only to bind it to our session and learn `exp`.
/// The API verifies every request.
pub fn peek_claims(token: &str) -> Option<AccessClaims> {
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

impl Session {
    pub fn new(ctx: SessionContext, bridge: Bridge) -> Session {
        Session {
            ctx: Arc::new(ctx),
            bridge,
            token: RwSignal::new(None),
            status: RwSignal::new(AuthStatus::AwaitingAuth),
        }
    }

    /// Reactive: true while a token is held. Resources key on this, so they load when auth
    /// arrives and reload after a refresh that followed a 401.
    pub fn authed(&self) -> bool {
        self.status.get() == AuthStatus::Authed
    }

    /// The current token, untracked (read at request time).
    pub fn token_value(&self) -> Option<String> {
        self.token.get_untracked().map(|t| t.0.to_string())
    }

    /// Take a token from `meshes:auth` if it belongs to this session (PM-08). A token for any
    /// other session is never used: the host is told, and the current state is kept.
    pub fn accept_auth(&self, token: String) -> bool {
        match peek_claims(&token) {
            Some(c) if c.sid == self.ctx.session_id && c.ws == self.ctx.workspace.id => {
                self.token.set(Some(AccessToken(token.into())));
                self.status.set(AuthStatus::Authed);
                true
            }
            _ => {
                self.bridge.post(&EmbedMessage::TokenExpired {
                    reason: ExpiredReason::SessionMismatch,
                });
                false
            }
        }
    }

    /// Drop the refused token and ask the host for a new one (once until it answers).
    pub fn request_refresh(&self, reason: RefreshReason) {
        if matches!(
            self.status.get_untracked(),
            AuthStatus::Refreshing | AuthStatus::Expired(_)
        ) {
            return;
        }
        self.token.set(None);
        self.status.set(AuthStatus::Refreshing);
        self.bridge.post(&EmbedMessage::TokenRefresh { reason });
    }
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
        assert_eq!(c.sid, "sess_1");
        assert_eq!(peek_claims("not-a-jwt"), None);
    }
}
