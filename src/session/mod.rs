//! The live embed session: context from the launch exchange, the access token (memory only),
//! its timing on the monotonic clock, and where authentication stands.
//!
//! Requests ask `token()` for a credential and wait while there is none (before the first
//! `meshes:auth`, during a 401-triggered refresh, after expiry); nothing on screen is cleared
//! meanwhile, so a late `meshes:auth` recovers without a reload and without losing input.

mod refresh;
pub mod timing;
mod token;

use crate::host::bridge::Bridge;
use crate::i18n::tf;
use futures::channel::oneshot;
use leptos::prelude::*;
use meshes_protocol::access::{Action, can_perform};
use meshes_protocol::api::SessionContext;
use meshes_protocol::{ClaimedSession, ExpiredReason};
use meshes_protocol::{Role, SessionType};
use std::sync::Arc;
use timing::{Reask, Timing};
use token::AccessToken;
pub use token::peek_claims;

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

/// A `Copy` handle: views and tasks take it by value (every part is an arena handle).
#[derive(Clone, Copy)]
pub struct Session {
    /// What the launch exchange said, and where messages to the host go.
    shared: StoredValue<Shared>,
    pub status: RwSignal<AuthStatus>,
    /// Reactive: may the user change things right now? (Writes pause while no token is held.)
    pub can_write: Memo<bool>,
    /// Inbound `meshes:auth` tokens installed, and messages dropped by the bridge checks.
    /// Exposed as `data-` attributes (counts only) so tests can see what the bridge did.
    pub auth_installed: RwSignal<u32>,
    pub messages_dropped: RwSignal<u32>,
    /// Hosts' `meshes:navigate-to` paths, in arrival order, until the shell has checked and
    /// followed or refused each (`host::navigate`); they may arrive before the shell exists.
    pub navigate_to: RwSignal<Vec<String>>,
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
    waiters: StoredValue<Vec<oneshot::Sender<()>>>,
}

struct Shared {
    ctx: Arc<SessionContext>,
    bridge: Bridge,
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
        let status = RwSignal::new(AuthStatus::AwaitingAuth);
        Session {
            shared: StoredValue::new(Shared {
                ctx: Arc::new(ctx),
                bridge,
            }),
            status,
            can_write: Memo::new(move |_| status.get() == AuthStatus::Authed),
            auth_installed: RwSignal::new(0),
            messages_dropped: RwSignal::new(0),
            navigate_to: RwSignal::new(vec![]),
            token: RwSignal::new(None),
            timing: RwSignal::new(None),
            refreshing: RwSignal::new(false),
            generation: RwSignal::new(0),
            newest_claimed: RwSignal::new(0),
            provisional: RwSignal::new(None),
            reask: StoredValue::new(Reask::default()),
            epoch: RwSignal::new(0),
            waiters: StoredValue::new(vec![]),
        }
    }

    /// The session's context from the launch exchange (fixed for its life).
    pub fn ctx(&self) -> Arc<SessionContext> {
        self.shared.with_value(|s| s.ctx.clone())
    }

    /// Where messages to the host go.
    pub fn bridge(&self) -> Bridge {
        self.shared.with_value(|s| s.bridge.clone())
    }

    /// Does this token claim to belong to our session? (decision 17; the API confirms afterwards.)
    pub fn claims_match(&self, claims: &ClaimedSession) -> bool {
        let ctx = self.ctx();
        claims.sid == ctx.session_id && claims.ws == ctx.workspace.id
    }

    /// Whether this session's type and role allow `action` (the API checks again); if not, why
    /// ([`Refusal::sentence`], shown instead of the controls).
    pub fn permits(&self, action: Action) -> Result<(), Refusal> {
        let ctx = self.ctx();
        if can_perform(ctx.session_type, ctx.role, action) {
            return Ok(());
        }
        let key = match (ctx.session_type, action) {
            (SessionType::Dashboard, _) => "session.read_only",
            (_, Action::Delete) => "session.delete_needs_owner",
            _ => "session.changes_need_admin",
        };
        Err(Refusal {
            key,
            role: ctx.role,
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
            self.waiters.update_value(|w| w.push(tx));
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
        for w in self
            .waiters
            .try_update_value(std::mem::take)
            .unwrap_or_default()
        {
            let _ = w.send(());
        }
    }
}

/// Why this session may not do something: read in the viewer's language when shown (so it
/// follows a switch).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal {
    key: &'static str,
    role: Role,
}

impl Refusal {
    pub fn sentence(self) -> String {
        let role = crate::i18n::t(match self.role {
            Role::Member => "role.member",
            Role::Admin => "role.admin",
            Role::Owner => "role.owner",
        });
        tf(self.key, &[("role", &role)])
    }
}
