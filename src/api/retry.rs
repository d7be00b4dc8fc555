//! Retry policy for reads, as pure functions so it is tested natively: which failures are worth
//! another try, and how long to wait before it.

/// Reads are retried at most this many times in total (the first try included).
pub const MAX_ATTEMPTS: u32 = 3;
const BACKOFF_BASE_MS: f64 = 250.0;
const BACKOFF_CAP_MS: f64 = 2_000.0;
/// A `Retry-After` longer than this is not waited for: the user sees the error and can retry.
const MAX_RETRY_AFTER_MS: f64 = 10_000.0;

/// Is this outcome worth another try? Network errors, timeouts, 408, 429 and 5xx (not 501).
pub fn is_transient(status: Option<u16>) -> bool {
    match status {
        None => true,
        Some(s) => matches!(s, 408 | 429 | 500 | 502 | 503 | 504),
    }
}

/// Delay before attempt `attempt + 1` (attempt counts from 1), or None to stop. Full jitter:
/// uniform in [0, min(cap, base·2^(attempt-1))], where `random` is in [0, 1). A server's
/// `Retry-After` (seconds) wins when it is reasonable.
pub fn retry_delay(attempt: u32, retry_after_s: Option<f64>, random: f64) -> Option<f64> {
    if attempt >= MAX_ATTEMPTS {
        return None;
    }
    if let Some(s) = retry_after_s.filter(|s| s.is_finite() && *s >= 0.0) {
        let ms = s * 1000.0;
        return (ms <= MAX_RETRY_AFTER_MS).then_some(ms);
    }
    let ceiling = (BACKOFF_BASE_MS * 2f64.powi(attempt as i32 - 1)).min(BACKOFF_CAP_MS);
    Some(random.clamp(0.0, 1.0) * ceiling)
}

/// `Retry-After` as seconds: delta-seconds, or an HTTP date relative to `now_unix_s`.
pub fn parse_retry_after(
    value: &str,
    http_date_to_unix: impl Fn(&str) -> Option<f64>,
    now_unix_s: f64,
) -> Option<f64> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u32>() {
        return Some(f64::from(secs));
    }
    http_date_to_unix(v).map(|t| (t - now_unix_s).max(0.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;
    #[wasm_bindgen_test(unsupported = test)]
    fn transient_failures() {
        for s in [
            None,
            Some(408),
            Some(429),
            Some(500),
            Some(502),
            Some(503),
            Some(504),
        ] {
            assert!(is_transient(s), "{s:?}");
        }
        for s in [
            Some(400),
            Some(401),
            Some(403),
            Some(404),
            Some(409),
            Some(422),
            Some(501),
        ] {
            assert!(!is_transient(s), "{s:?}");
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn backoff_is_capped_jittered_and_bounded() {
        assert_eq!(retry_delay(1, None, 0.999).map(|d| d.round()), Some(250.0));
        assert_eq!(retry_delay(2, None, 0.5), Some(250.0));
        assert_eq!(retry_delay(1, None, 0.0), Some(0.0));
        assert_eq!(
            retry_delay(MAX_ATTEMPTS, None, 0.5),
            None,
            "three tries, never four"
        );
        assert_eq!(
            retry_delay(1, Some(2.0), 0.5),
            Some(2_000.0),
            "Retry-After wins"
        );
        assert_eq!(
            retry_delay(1, Some(120.0), 0.5),
            None,
            "too long to wait in place"
        );
        for attempt in 1..MAX_ATTEMPTS {
            for r in [0.0, 0.3, 0.99] {
                let d = retry_delay(attempt, None, r).unwrap();
                assert!((0.0..=BACKOFF_CAP_MS).contains(&d));
            }
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn retry_after_forms() {
        let date = |s: &str| (s == "Wed, 21 Oct 2026 07:28:00 GMT").then_some(1_000_030.0);
        assert_eq!(parse_retry_after("120", date, 1_000_000.0), Some(120.0));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2026 07:28:00 GMT", date, 1_000_000.0),
            Some(30.0)
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2026 07:28:00 GMT", date, 2_000_000.0),
            Some(0.0)
        );
        assert_eq!(parse_retry_after("soon", date, 0.0), None);
    }
}
