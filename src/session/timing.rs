//! Token timing, as pure functions so it is tested natively: when to refresh a token, when it
//! is dead, when to ask the host again. All times are milliseconds on
//! the monotonic clock (`performance.now()`), never the wall clock.

/// How long the host has to answer `meshes:token-refresh` before we give up (issue contract).
pub const REFRESH_TIMEOUT_MS: f64 = 30_000.0;
/// Never schedule a refresh sooner than this after receiving a token.
pub const MIN_REFRESH_DELAY_MS: f64 = 5_000.0;

/// Deadlines of one access token, measured from when we received it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timing {
    /// Ask for a new token from here on.
    pub refresh_at: f64,
    /// The token is dead from here on.
    pub deadline: f64,
}

impl Timing {
    /// Lead = max(60 s, 20 % of the lifetime), capped at half the lifetime so short tokens are
    /// not refreshed in a loop, and never earlier than 5 s after receipt.
    pub fn new(received_at: f64, expires_in_s: f64) -> Timing {
        let life = expires_in_s.max(0.0) * 1000.0;
        let lead = (60_000.0f64).max(0.2 * life).min(0.5 * life);
        Timing {
            refresh_at: received_at + (life - lead).max(MIN_REFRESH_DELAY_MS.min(life)),
            deadline: received_at + life,
        }
    }

    pub fn wants_refresh(&self, now: f64) -> bool {
        now >= self.refresh_at
    }

    pub fn is_dead(&self, now: f64) -> bool {
        now >= self.deadline
    }
}

/// After an unanswered or failed refresh the runtime asks again: first after 5 s, doubling to
/// a minute, and at once on a sign of life (network back, focus, visible, a user action) — but
/// never twice within 2 s.
pub const REASK_FIRST_MS: f64 = 5_000.0;
pub const REASK_MAX_MS: f64 = 60_000.0;
pub const REASK_MIN_GAP_MS: f64 = 2_000.0;

/// Bookkeeping of the asks for a token (`meshes:ready`, `meshes:token-refresh`).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Reask {
    /// Asks sent so far; a timeout belongs to one ask and stands down once a newer one is out.
    pub asks: u32,
    /// Bumped by every ask and every scheduled re-ask, so only the latest timer acts.
    pub timer: u32,
    last_ask_ms: Option<f64>,
    next_ms: f64,
}

impl Reask {
    /// Record an ask at `now`; returns its number.
    pub fn asked(&mut self, now: f64) -> u32 {
        self.asks += 1;
        self.timer += 1;
        self.last_ask_ms = Some(now);
        self.asks
    }

    /// The delay before the next scheduled ask, advancing the backoff.
    pub fn next_delay(&mut self) -> f64 {
        self.timer += 1;
        let d = if self.next_ms > 0.0 {
            self.next_ms
        } else {
            REASK_FIRST_MS
        };
        self.next_ms = (d * 2.0).min(REASK_MAX_MS);
        d
    }

    pub fn may_ask_now(&self, now: f64) -> bool {
        self.last_ask_ms.is_none_or(|t| now - t >= REASK_MIN_GAP_MS)
    }

    /// A token arrived: the next pause starts the backoff from the beginning.
    pub fn settled(&mut self) {
        self.next_ms = 0.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;
    #[wasm_bindgen_test(unsupported = test)]
    fn refresh_lead_follows_the_lifetime() {
        // (lifetime s, refresh after s)
        for (life, at) in [
            (3600.0, 2880.0),
            (1800.0, 1440.0),
            (300.0, 240.0),
            (120.0, 60.0),
            (30.0, 15.0),
            (6.0, 5.0),
        ] {
            let t = Timing::new(1_000.0, life);
            assert_eq!(t.refresh_at, 1_000.0 + at * 1000.0, "lifetime {life}");
            assert_eq!(t.deadline, 1_000.0 + life * 1000.0);
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn timing_is_relative_to_receipt_not_the_wall_clock() {
        // A wall clock skewed by ±10 min changes nothing: only receipt time and lifetime count.
        let a = Timing::new(0.0, 600.0);
        let b = Timing::new(600_000.0, 600.0);
        assert_eq!(b.refresh_at - a.refresh_at, 600_000.0);
        assert!(!a.wants_refresh(479_999.0) && a.wants_refresh(480_000.0));
        assert!(!a.is_dead(599_999.0) && a.is_dead(600_000.0));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn reasks_back_off_to_a_minute_and_restart_after_a_token() {
        let mut r = Reask::default();
        let delays: Vec<f64> = (0..6).map(|_| r.next_delay()).collect();
        assert_eq!(
            delays,
            [5_000.0, 10_000.0, 20_000.0, 40_000.0, 60_000.0, 60_000.0]
        );
        r.settled();
        assert_eq!(r.next_delay(), 5_000.0);
        assert!(r.may_ask_now(0.0));
        assert_eq!(r.asked(1_000.0), 1);
        assert!(!r.may_ask_now(2_999.0) && r.may_ask_now(3_000.0));
        let t = r.timer;
        r.next_delay();
        assert_ne!(r.timer, t, "a newer schedule retires the older timer");
    }
}
