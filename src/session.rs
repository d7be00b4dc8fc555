//! The live embed session: context from the launch exchange, the access token (memory only),
//! its timing on the monotonic clock, and where authentication stands.
//!
//! Requests ask `token()` for a credential and wait while there is none (before the first
//! `meshes:auth`, during a 401-triggered refresh, after expiry); nothing on screen is cleared
//! meanwhile, so a late `meshes:auth` recovers without a reload and without losing input.

use crate::bridge::Bridge;
use crate::lifecycle::{REFRESH_TIMEOUT_MS, Timing};
use base64::Engine;
use futures::channel::oneshot;
use leptos::prelude::*;
use meshes_protocol::SessionType;
use meshes_protocol::access::{Action, can_perform};
use meshes_protocol::api::SessionContext;
use meshes_protocol::{AccessClaims, EmbedMessage, ExpiredReason, RefreshReason};
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

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
    /// A `meshes:token-refresh` is outstanding (single flight).
    refreshing: RwSignal<bool>,
    /// Bumped on every installed token, so stale timers know to stand down.
    epoch: RwSignal<u64>,
    waiters: Arc<Mutex<Vec<oneshot::Sender<()>>>>,
}

/// Read a token's claims without verifying it: only to bind it to our session before asking
/// the API. The API verifies every request.
pub fn peek_claims(token: &str) -> Option<AccessClaims> {
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .ok()?;
    serde_json::from_slice(&bytes).ok()
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
            epoch: RwSignal::new(0),
            waiters: Arc::new(Mutex::new(vec![])),
        }
    }

    /// Does this token claim to belong to our session? (PM-08; the API confirms afterwards.)
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

    /// Start using a verified token that is valid for `expires_in` more seconds.
    pub fn install(&self, token: String, expires_in: u32) {
        let epoch = self.epoch.get_untracked() + 1;
        let timing = Timing::new(now_ms(), f64::from(expires_in));
        self.epoch.set(epoch);
        self.token.set(Some(AccessToken(token.into())));
        self.timing.set(Some(timing));
        self.refreshing.set(false);
        self.status.set(AuthStatus::Authed);
        self.auth_installed.update(|n| *n += 1);
        if let Ok(mut waiters) = self.waiters.lock() {
            for w in waiters.drain(..) {
                let _ = w.send(());
            }
        }
        self.schedule_refresh(epoch);
    }

    /// Check the clock when the token is due for refresh and again when it dies (a token that
    /// died while its refresh was unanswered must not wait for the 30 s timeout to be reported).
    fn schedule_refresh(&self, epoch: u64) {
        if let Some(t) = self.timing.get_untracked() {
            self.wake_at(epoch, t.refresh_at);
            self.wake_at(epoch, t.deadline);
        }
    }

    /// Run `check_clock` once `at` (monotonic ms) has passed, for this token only. Timers can
    /// fire early (and are rounded to whole milliseconds), so an early wake-up re-arms.
    fn wake_at(&self, epoch: u64, at: f64) {
        let this = self.clone();
        let delay = (at - now_ms()).max(0.0).ceil() + 1.0;
        let wake = move || {
            this.if_epoch(epoch, |s| {
                if now_ms() >= at {
                    s.check_clock()
                } else {
                    s.wake_at(epoch, at)
                }
            })
        };
        set_timeout(wake, Duration::from_millis(delay as u64));
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
        loop {
            if let Some(t) = self.usable() {
                return t;
            }
            let (tx, rx) = oneshot::channel();
            if let Ok(mut waiters) = self.waiters.lock() {
                waiters.push(tx);
            }
            // Re-check: a token may have been installed between the two steps.
            if let Some(t) = self.usable() {
                return t;
            }
            let _ = rx.await;
        }
    }

    /// Re-evaluate the token against the clock: on timers, and when the page becomes visible,
    /// regains focus or the network, or is restored from the back/forward cache (timers in
    /// hidden pages are throttled, so they alone cannot be trusted).
    pub fn check_clock(&self) {
        let Some(timing) = self.timing.get_untracked() else {
            return;
        };
        let now = now_ms();
        if timing.is_dead(now) && self.token.get_untracked().is_some() {
            self.expire(ExpiredReason::AccessTokenExpired);
            // Still ask: a host that can refresh brings us straight back.
            self.request_refresh(RefreshReason::Expired);
        } else if timing.wants_refresh(now) && self.status.get_untracked() == AuthStatus::Authed {
            self.request_refresh(RefreshReason::Scheduled);
        }
    }

    /// Ask the host for a new token, once until it answers or 30 s pass.
    pub fn request_refresh(&self, reason: RefreshReason) {
        if reason == RefreshReason::Unauthorized {
            self.token.set(None);
        }
        if self.refreshing.get_untracked() {
            return;
        }
        self.refreshing.set(true);
        if !matches!(self.status.get_untracked(), AuthStatus::Expired(_)) {
            self.status.set(AuthStatus::Refreshing);
        }
        self.bridge.post(&EmbedMessage::TokenRefresh { reason });
        self.arm_timeout();
    }

    /// No answer within 30 s (to `meshes:ready` or `meshes:token-refresh`) ends the session.
    pub fn arm_timeout(&self) {
        let this = self.clone();
        let epoch = self.epoch.get_untracked();
        set_timeout(
            move || {
                this.if_epoch(epoch, |s| {
                    if !matches!(
                        s.status.get_untracked(),
                        AuthStatus::Authed | AuthStatus::Expired(_)
                    ) {
                        s.expire(ExpiredReason::RefreshTimeout);
                    }
                })
            },
            Duration::from_millis(REFRESH_TIMEOUT_MS as u64),
        );
    }

    /// The API refused `used` (401). Refresh, unless a newer token already replaced it.
    pub fn refused(&self, used: &str) {
        if self.token_value().as_deref() == Some(used) {
            self.request_refresh(RefreshReason::Unauthorized);
        }
    }

    /// Drop the credential and tell the host; what is on screen stays (read-only grace state).
    pub fn expire(&self, reason: ExpiredReason) {
        if matches!(self.status.get_untracked(), AuthStatus::Expired(_)) {
            return;
        }
        self.token.set(None);
        self.refreshing.set(false);
        self.status.set(AuthStatus::Expired(reason));
        self.bridge.post(&EmbedMessage::TokenExpired { reason });
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
