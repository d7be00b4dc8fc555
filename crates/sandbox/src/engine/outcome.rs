//! What an attempt's result means: its outcome code, whether it is tried again, and when.

use meshes_protocol::api::OutcomeCode;
use std::time::Duration;

/// Tries before a delivery fails for good.
pub const MAX_ATTEMPTS: u32 = 5;
/// No retry waits longer than this, whatever the destination asks for.
pub const MAX_DELAY: Duration = Duration::from_secs(3600);

/// How one attempt ended, before it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ended {
    /// The destination answered with this status.
    Answered(u16),
    /// No answer within the attempt's time.
    TimedOut,
    /// No connection, or it broke (DNS, refused, reset, TLS).
    Unreachable,
    /// Decided without an answer on the wire, and final: a blocked address, an inactive
    /// connection, a URL the engine cannot use.
    Decided(OutcomeCode),
}

impl Ended {
    /// The documented outcome codes, from what happened on the wire.
    pub fn code(&self) -> OutcomeCode {
        match *self {
            Ended::Answered(s) if (200..400).contains(&s) => OutcomeCode::Delivered,
            Ended::Answered(401 | 403) => OutcomeCode::AuthFailed,
            Ended::Answered(408) => OutcomeCode::Timeout,
            Ended::Answered(429) => OutcomeCode::RateLimited,
            Ended::Answered(s) if (400..500).contains(&s) => OutcomeCode::RejectedClientError,
            Ended::Answered(_) => OutcomeCode::RejectedServerError,
            Ended::TimedOut => OutcomeCode::Timeout,
            Ended::Unreachable => OutcomeCode::NetworkError,
            Ended::Decided(code) => code,
        }
    }

    /// 5xx, 408, 429, timeouts and network errors may go away; other 4xx and refusals will not.
    pub fn retryable(&self) -> bool {
        match *self {
            Ended::Answered(s) => s >= 500 || s == 408 || s == 429,
            Ended::TimedOut | Ended::Unreachable => true,
            Ended::Decided(_) => false,
        }
    }
}

/// The wait before the try after attempt `n` (1-based): `base · 2^(n-1)` with equal jitter
/// (half fixed, half random, so retries of many deliveries spread out), at least what the
/// destination's `Retry-After` asked for, at most [`MAX_DELAY`].
pub fn delay_after(n: u32, base: Duration, retry_after: Option<Duration>, unit: f64) -> Duration {
    let full = base.saturating_mul(1u32 << n.saturating_sub(1).min(20));
    let jittered = full / 2 + full.mul_f64(unit.clamp(0.0, 1.0) / 2.0);
    jittered.max(retry_after.unwrap_or_default()).min(MAX_DELAY)
}

/// `Retry-After` as delay-seconds or an HTTP date (RFC 9110 §10.2.3), measured from `now`.
pub fn parse_retry_after(value: &str, now: std::time::SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_follow_the_status_classes() {
        let cases = [
            (Ended::Answered(200), OutcomeCode::Delivered, false),
            (Ended::Answered(204), OutcomeCode::Delivered, false),
            (Ended::Answered(302), OutcomeCode::Delivered, false),
            (
                Ended::Answered(400),
                OutcomeCode::RejectedClientError,
                false,
            ),
            (Ended::Answered(401), OutcomeCode::AuthFailed, false),
            (Ended::Answered(403), OutcomeCode::AuthFailed, false),
            (
                Ended::Answered(404),
                OutcomeCode::RejectedClientError,
                false,
            ),
            (Ended::Answered(408), OutcomeCode::Timeout, true),
            (
                Ended::Answered(410),
                OutcomeCode::RejectedClientError,
                false,
            ),
            (Ended::Answered(429), OutcomeCode::RateLimited, true),
            (Ended::Answered(500), OutcomeCode::RejectedServerError, true),
            (Ended::Answered(503), OutcomeCode::RejectedServerError, true),
            (Ended::TimedOut, OutcomeCode::Timeout, true),
            (Ended::Unreachable, OutcomeCode::NetworkError, true),
            (
                Ended::Decided(OutcomeCode::NetworkError),
                OutcomeCode::NetworkError,
                false,
            ),
        ];
        for (ended, code, retry) in cases {
            assert_eq!(
                (ended.code(), ended.retryable()),
                (code, retry),
                "{ended:?}"
            );
        }
    }

    #[test]
    fn delays_double_with_jitter_and_honour_retry_after() {
        let base = Duration::from_secs(2);
        assert_eq!(delay_after(1, base, None, 0.0), Duration::from_secs(1));
        assert_eq!(delay_after(1, base, None, 1.0), Duration::from_secs(2));
        assert_eq!(delay_after(3, base, None, 1.0), Duration::from_secs(8));
        assert_eq!(delay_after(3, base, None, 0.5), Duration::from_secs(6));
        let asked = Some(Duration::from_secs(30));
        assert_eq!(delay_after(1, base, asked, 1.0), Duration::from_secs(30));
        assert_eq!(delay_after(40, base, None, 1.0), MAX_DELAY);
        assert_eq!(
            delay_after(1, base, Some(Duration::from_secs(86_400)), 0.0),
            MAX_DELAY
        );
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = std::time::UNIX_EPOCH + Duration::from_secs(1_774_137_600);
        assert_eq!(parse_retry_after(" 7 ", now), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(90));
        assert_eq!(
            parse_retry_after(&later, now),
            Some(Duration::from_secs(90))
        );
        let past = httpdate::fmt_http_date(now - Duration::from_secs(90));
        assert_eq!(parse_retry_after(&past, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-3", now), None);
    }
}
