//! Taking a token the host delivered (`meshes:auth`): bound to our session, checked by the API,
//! installed by generation.

use super::Api;
use crate::session::peek_claims;
use meshes_protocol::api::SessionInfo;
use meshes_protocol::{EmbedMessage, ExpiredReason};

/// Checking a delivered token keeps trying through outages: 2 s, doubling to 30 s, between
/// rounds of the read retries.
const VERIFY_FIRST_PAUSE_MS: u32 = 2_000;
const VERIFY_MAX_PAUSE_MS: u32 = 30_000;

impl Api {
    /// Take a token from `meshes:auth`: it must claim our session (else it is reported and never
    /// used), and the API must accept it for that session; its answer also gives the exact
    /// remaining lifetime. Tokens are verified each on their own; a verified token is installed
    /// unless one of a newer generation already is, so neither a junk message arriving later nor
    /// an older token verified later can displace a good one. A session check that fails for a
    /// passing reason (network, 5xx, 429) is retried, with backoff, until it gets an answer or a
    /// newer token (delivered or installed) makes the question moot — a good token is never
    /// dropped for a hiccup, and an outage never piles up checks of superseded tokens.
    pub async fn accept_auth(self, token: String) -> bool {
        let ctx = self.session.ctx();
        let Some(claims) = peek_claims(&token).filter(|c| self.session.claims_match(c)) else {
            self.session.bridge().post(&EmbedMessage::TokenExpired {
                reason: ExpiredReason::SessionMismatch,
            });
            return false;
        };
        self.session.claimed(claims.generation);
        self.session.provisional(&token);
        let mut pause = VERIFY_FIRST_PAUSE_MS;
        let info = loop {
            match self.session_info(&token).await {
                Ok(info) => break Ok(info),
                Err(e) if e.is_retryable() && self.session.still_current(claims.generation) => {
                    gloo_timers::future::TimeoutFuture::new(pause).await;
                    pause = (pause * 2).min(VERIFY_MAX_PAUSE_MS);
                }
                // Refused (401/403): not used. A pending refresh keeps waiting (and times out).
                Err(e) => break Err(e),
            }
        };
        let ours =
            |i: &SessionInfo| i.session_id == ctx.session_id && i.workspace_id == ctx.workspace.id;
        if !info.as_ref().is_ok_and(ours) {
            self.session.drop_provisional(&token);
        }
        match info {
            Ok(info) if ours(&info) => {
                self.session
                    .install(token, claims.generation, info.expires_in)
            }
            Ok(_) => {
                self.session.bridge().post(&EmbedMessage::TokenExpired {
                    reason: ExpiredReason::SessionMismatch,
                });
                false
            }
            Err(_) => false,
        }
    }
}
