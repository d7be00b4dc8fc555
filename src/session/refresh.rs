//! Keeping the session supplied with tokens: refresh ahead of expiry, ask again when an ask goes
//! unanswered or the host says its refresh failed, and pause (read-only) meanwhile. A session
//! never gives up asking while its page is open: a later `meshes:auth` recovers it at any time.

use super::timing::REFRESH_TIMEOUT_MS;
use super::{AuthStatus, Session, now_ms};
use leptos::prelude::*;
use meshes_protocol::{EmbedMessage, ExpiredReason, RefreshReason};
use std::time::Duration;

/// Can a new `meshes:auth` for this session end this pause? (Launch failures need a new session.)
fn recoverable(reason: ExpiredReason) -> bool {
    matches!(
        reason,
        ExpiredReason::RefreshTimeout
            | ExpiredReason::RefreshFailed
            | ExpiredReason::AccessTokenExpired
            | ExpiredReason::SessionEnded
    )
}

impl Session {
    /// Check the clock when the token is due for refresh and again when it dies (a token that
    /// died while its refresh was unanswered must not wait for the 30 s timeout to be reported).
    pub(super) fn schedule_refresh(&self, epoch: u64) {
        if let Some(t) = self.timing.get_untracked() {
            self.wake_at(epoch, t.refresh_at);
            self.wake_at(epoch, t.deadline);
        }
    }

    /// Run `check_clock` once `at` (monotonic ms) has passed, for this token only. Timers can
    /// fire early (and are rounded to whole milliseconds), so an early wake-up re-arms.
    fn wake_at(&self, epoch: u64, at: f64) {
        let this = *self;
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

    /// A sign of life (network back, focus, visible again, the user doing something): check
    /// the clock, and a paused session asks at once instead of waiting for its backoff.
    pub fn nudge(&self) {
        self.check_clock();
        let paused =
            matches!(self.status.get_untracked(), AuthStatus::Expired(r) if recoverable(r));
        if paused
            && !self.refreshing.get_untracked()
            && self.reask.with_value(|r| r.may_ask_now(now_ms()))
        {
            self.request_refresh(RefreshReason::Expired);
        }
    }

    /// Ask the host for a new token: one ask at a time, until it is answered, fails or times out.
    pub fn request_refresh(&self, reason: RefreshReason) {
        if reason == RefreshReason::Unauthorized {
            self.token.set(None);
        }
        if self.refreshing.get_untracked() {
            return;
        }
        if !matches!(self.status.get_untracked(), AuthStatus::Expired(_)) {
            self.status.set(AuthStatus::Refreshing);
        }
        self.bridge().post(&EmbedMessage::TokenRefresh { reason });
        self.asked();
    }

    /// `meshes:ready` is the first ask: it too must be answered within 30 s. `told`: the loader
    /// already posted it to the bound origin (`assets/boot.js`), so the host hears it once.
    pub fn announce_ready(&self, told: bool) {
        if !told {
            self.bridge().post(&EmbedMessage::ready());
            crate::perf::mark_once("meshes:ready");
        }
        self.asked();
    }

    /// An ask went out: it is outstanding until answered, and lost after 30 s without one.
    fn asked(&self) {
        self.refreshing.set(true);
        let ask = self
            .reask
            .try_update_value(|r| r.asked(now_ms()))
            .unwrap_or(0);
        let this = *self;
        set_timeout(
            move || {
                let latest = this.reask.try_with_value(|r| r.asks) == Some(ask);
                if latest && this.refreshing.get_untracked() {
                    this.refreshing.set(false);
                    match this.status.get_untracked() {
                        AuthStatus::Expired(_) => this.schedule_reask(),
                        _ => this.expire(ExpiredReason::RefreshTimeout),
                    }
                }
            },
            Duration::from_millis(REFRESH_TIMEOUT_MS as u64),
        );
    }

    /// The host kit reports that its refresh failed (`meshes:refresh-failed`): pause now, with
    /// the reason, instead of after the 30 s timeout; keep asking with backoff. Ignored while
    /// nothing is outstanding, so the message alone cannot pause a working session.
    pub fn host_refresh_failed(&self) {
        let asked = self.refreshing.get_untracked();
        match self.status.get_untracked() {
            // Already paused (the report came after our own timeout): say the better reason.
            AuthStatus::Expired(r) if recoverable(r) => {
                self.status
                    .set(AuthStatus::Expired(ExpiredReason::RefreshFailed));
                if asked {
                    self.refreshing.set(false);
                    self.schedule_reask();
                }
            }
            _ if asked => {
                self.refreshing.set(false);
                self.expire(ExpiredReason::RefreshFailed);
            }
            _ => {}
        }
    }

    /// Ask again after the current backoff (5 s doubling to 60 s), unless something answered
    /// or asked meanwhile.
    fn schedule_reask(&self) {
        let Some((delay, timer)) = self.reask.try_update_value(|r| (r.next_delay(), r.timer))
        else {
            return;
        };
        let this = *self;
        set_timeout(
            move || {
                let current = this.reask.try_with_value(|r| r.timer) == Some(timer);
                let paused = matches!(this.status.get_untracked(), AuthStatus::Expired(_));
                if current && paused && !this.refreshing.get_untracked() {
                    this.request_refresh(RefreshReason::Expired);
                }
            },
            Duration::from_millis(delay as u64),
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
        self.bridge().post(&EmbedMessage::TokenExpired { reason });
        if recoverable(reason) {
            self.schedule_reask();
        }
    }
}
