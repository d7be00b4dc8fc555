//! The live embed session: context from the launch exchange, the access token (memory only),
//! its timing on the monotonic clock, and where authentication stands.
//!
//! Requests ask `token()` for a credential and wait while there is none (before the first
//! `meshes:auth`, during a 401-triggered refresh, after expiry); nothing on screen is cleared
//! meanwhile, so a late `meshes:auth` recovers without a reload and without losing input.

mod refresh;

use crate::bridge::Bridge;
use crate::lifecycle::{Reask, Timing};
use base64::Engine;
use futures::channel::oneshot;
use leptos::prelude::*;
use meshes_protocol::SessionType;
use meshes_protocol::access::{Action, can_perform};
use meshes_protocol::api::SessionContext;
use meshes_protocol::{ClaimedSession, ExpiredReason};
use std::fmt;
use std::sync::{Arc, Mutex};

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
    /// No usable token: read-only grace state until a new `meshes:auth` arrives.
    Expired(ExpiredReason),
}

#[derive(Clone)]
pub struct Session {
    pub ctx: Arc<SessionContext>,
    pub bridge: Bridge,
    pub status: RwSignal<AuthStatus>,
    /// Inbound `meshes:auth` tokens installed, and messages dropped by the bridge checks.
    /// Exposed as `data-` attributes (counts only) so tests can see what the bridge did.
    pub auth_installed: RwSignal<u32>,
    pub messages_dropped: RwSignal<u32>,
    token: RwSignal<Option<AccessToken>>,
    timing: RwSignal<Option<Timing>>,
    /// A `meshes:token-refresh` is outstanding (single flight) until it is answered, the host
    /// says it failed, or it times out.
    refreshing: RwSignal<bool>,
    /// Generation (`gen` claim) of the installed token: tokens only ever move forward.
    generation: RwSignal<u32>,
    /// The first token while its session check is out (reads only; see `read_token`).
    provisional: RwSignal<Option<AccessToken>>,
    /// The newest generation a delivered token claimed (checked or not): a check of an older
    /// token that keeps failing for a passing reason stops retrying once a newer one arrived.
    newest_claimed: RwSignal<u32>,
    /// Asking again after an unanswered or failed refresh (backoff, last ask).
    reask: StoredValue<Reask>,
    /// Bumped on every installed token, so stale timers know to stand down.
    epoch: RwSignal<u64>,
    waiters: Arc<Mutex<Vec<oneshot::Sender<()>>>>,
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

/// Monotonic milliseconds (`performance.now()`); immune to wall-clock changes.
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

impl Session {
    pub fn new(ctx: SessionContext, bridge: Bridge) -> Session {
        Session {
            ctx: Arc::new(ctx),
            bridge,
            status: RwSignal::new(AuthStatus::AwaitingAuth),
            auth_installed: RwSignal::new(0),
            messages_dropped: RwSignal::new(0),
            token: RwSignal::new(None),
            timing: RwSignal::new(None),
            refreshing: RwSignal::new(false),
            generation: RwSignal::new(0),
            newest_claimed: RwSignal::new(0),
            provisional: RwSignal::new(None),
            reask: StoredValue::new(Reask::default()),
            epoch: RwSignal::new(0),
            waiters: Arc::new(Mutex::new(vec![])),
        }
    }

    /// Does this token claim to belong to our session? (decision 17; the API confirms afterwards.)
    pub fn claims_match(&self, token: &str) -> bool {
        peek_claims(token)
            .is_some_and(|c| c.sid == self.ctx.session_id && c.ws == self.ctx.workspace.id)
    }

    /// Reactive: may the user change things right now? (Writes pause while no token is held.)
    pub fn can_write(&self) -> bool {
        self.status.get() == AuthStatus::Authed
    }

    /// Whether this session's type and role allow `action` (the API checks again); if not, the
    /// sentence shown instead of the controls.
    pub fn permits(&self, action: Action) -> Result<(), String> {
        let ctx = &self.ctx;
        if can_perform(ctx.session_type, ctx.role, action) {
            return Ok(());
        }
        Err(match (ctx.session_type, action) {
            (SessionType::Dashboard, _) => "This view is read-only.".to_owned(),
            (_, Action::Delete) => format!(
                "You're signed in as {}: deleting needs the owner role. Ask a workspace owner.",
                ctx.role
            ),
            _ => format!(
                "You're signed in as {}: you can look around, but changes need the admin or owner role. Ask a workspace admin.",
                ctx.role
            ),
        })
    }

    /// The current token without waiting, untracked (tests and diagnostics).
    pub fn token_value(&self) -> Option<String> {
        self.token.get_untracked().map(|t| t.0.to_string())
    }

    /// Start using a verified token of token generation `generation` that is valid for
    /// `expires_in` more seconds. Never goes back: a token of an older generation than the one
    /// in use (a late verification of a token the host has since replaced) is not installed.
    pub fn install(&self, token: String, generation: u32, expires_in: u32) -> bool {
        if generation < self.generation.get_untracked() {
            return false;
        }
        let epoch = self.epoch.get_untracked() + 1;
        let timing = Timing::new(now_ms(), f64::from(expires_in));
        self.epoch.set(epoch);
        self.generation.set(generation);
        self.token.set(Some(AccessToken(token.into())));
        self.timing.set(Some(timing));
        self.refreshing.set(false);
        self.reask.update_value(Reask::settled);
        self.status.set(AuthStatus::Authed);
        self.auth_installed.update(|n| *n += 1);
        self.provisional.set(None);
        self.wake_waiters();
        self.schedule_refresh(epoch);
        true
    }

    /// The generation of the token in use (0 before the first one).
    pub fn generation(&self) -> u32 {
        self.generation.get_untracked()
    }

    /// A token claiming `generation` was delivered (before it is checked).
    pub fn claimed(&self, generation: u32) {
        self.newest_claimed.update(|g| *g = (*g).max(generation));
    }

    /// Is a check of a token of `generation` still worth retrying?
    pub fn still_current(&self, generation: u32) -> bool {
        self.generation.get_untracked() < generation
            && self.newest_claimed.get_untracked() <= generation
    }

    fn if_epoch(&self, epoch: u64, f: impl FnOnce(&Session)) {
        if self.epoch.get_untracked() == epoch {
            f(self);
        }
    }

    /// A token usable right now, kicking off a scheduled refresh when it is due.
    fn usable(&self) -> Option<String> {
        self.check_clock();
        let token = self.token.get_untracked()?;
        // While a refresh is out, wait for its token: the host's refresh retires this one.
        (self.status.get_untracked() == AuthStatus::Authed).then(|| token.0.to_string())
    }

    /// Wait for a usable token. Requests made while there is none are queued here.
    pub async fn token(&self) -> String {
        self.wait_for(Session::usable).await
    }

    /// A token for a read: the checked one, or the first token while its check is still out.
    /// The API checks every request anyway, so the first page needs one round trip after
    /// `meshes:auth`, not two; writes always wait for the check (`token`).
    pub async fn read_token(&self) -> String {
        self.wait_for(|s| {
            s.usable()
                .or_else(|| s.provisional.get_untracked().map(|t| t.0.to_string()))
        })
        .await
    }

    async fn wait_for(&self, usable: impl Fn(&Session) -> Option<String>) -> String {
        loop {
            if let Some(t) = usable(self) {
                return t;
            }
            let (tx, rx) = oneshot::channel();
            if let Ok(mut waiters) = self.waiters.lock() {
                waiters.push(tx);
            }
            // Re-check: a token may have been installed between the two steps.
            if let Some(t) = usable(self) {
                return t;
            }
            let _ = rx.await;
        }
    }

    /// The first `meshes:auth` token claims our session and its check has started: reads may
    /// use it meanwhile. Only ever before the first checked token.
    pub fn provisional(&self, token: &str) {
        if self.generation.get_untracked() == 0 && self.token.get_untracked().is_none() {
            self.provisional.set(Some(AccessToken(token.into())));
            self.wake_waiters();
        }
    }

    /// Its check refused (or superseded) a provisional token: nothing uses it any more.
    pub fn drop_provisional(&self, token: &str) {
        if self
            .provisional
            .with_untracked(|p| p.as_ref().is_some_and(|p| &*p.0 == token))
        {
            self.provisional.set(None);
        }
    }

    fn wake_waiters(&self) {
        if let Ok(mut waiters) = self.waiters.lock() {
            for w in waiters.drain(..) {
                let _ = w.send(());
            }
        }
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
