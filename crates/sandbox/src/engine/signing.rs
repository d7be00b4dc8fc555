//! Payload signing (meshes-spec §5.4; format decided in decision 100): HMAC over
//! `"{timestamp}.{exact body bytes}"`, sent as `t=<unix seconds>,<alg>=<hex>` in the
//! connection's signature header, so a receiver can refuse a replayed or altered request.

use hmac::{Hmac, Mac};
use sha2::{Sha256, Sha512};

/// A receiver should refuse signatures older (or newer) than this.
pub const TOLERANCE_SECONDS: i64 = 300;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    Sha256,
    Sha512,
}

impl Algorithm {
    /// The connection's `signing_algorithm` value (`none` and anything else: no signing).
    pub fn from_setting(s: &str) -> Option<Algorithm> {
        match s {
            "hmac_sha256" => Some(Algorithm::Sha256),
            "hmac_sha512" => Some(Algorithm::Sha512),
            _ => None,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Algorithm::Sha256 => "sha256",
            Algorithm::Sha512 => "sha512",
        }
    }
}

fn mac(alg: Algorithm, secret: &str, timestamp: i64, body: &[u8]) -> Vec<u8> {
    fn run<M: Mac + hmac::digest::KeyInit>(secret: &str, parts: [&[u8]; 3]) -> Vec<u8> {
        let mut m = <M as Mac>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
        for p in parts {
            m.update(p);
        }
        m.finalize().into_bytes().to_vec()
    }
    let ts = timestamp.to_string();
    let parts = [ts.as_bytes(), b".", body];
    match alg {
        Algorithm::Sha256 => run::<Hmac<Sha256>>(secret, parts),
        Algorithm::Sha512 => run::<Hmac<Sha512>>(secret, parts),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The header value for `body` signed at `timestamp`.
pub fn sign(alg: Algorithm, secret: &str, timestamp: i64, body: &[u8]) -> String {
    format!(
        "t={timestamp},{}={}",
        alg.label(),
        hex(&mac(alg, secret, timestamp, body))
    )
}

/// Check a signature header as a receiver would: the format, the timestamp within
/// [`TOLERANCE_SECONDS`] of `now`, and the MAC in constant time. Returns the algorithm used.
pub fn verify(header: &str, secret: &str, body: &[u8], now: i64) -> Result<Algorithm, String> {
    use subtle::ConstantTimeEq;
    let mut timestamp = None;
    let mut given = None;
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => timestamp = v.parse::<i64>().ok(),
            Some((label @ ("sha256" | "sha512"), v)) => given = Some((label, v.to_owned())),
            _ => {}
        }
    }
    let (Some(ts), Some((label, sig))) = (timestamp, given) else {
        return Err("not a t=…,sha256=… signature".into());
    };
    if now.abs_diff(ts) > TOLERANCE_SECONDS.unsigned_abs() {
        return Err(format!(
            "timestamp {ts} is more than {TOLERANCE_SECONDS} s from now"
        ));
    }
    let alg = if label == "sha256" {
        Algorithm::Sha256
    } else {
        Algorithm::Sha512
    };
    let expected = hex(&mac(alg, secret, ts, body));
    if bool::from(expected.as_bytes().ct_eq(sig.as_bytes())) {
        Ok(alg)
    } else {
        Err("the signature does not match the body".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_verify_and_refuse_changes_and_replays() {
        let body = br#"{"event":"invoice.paid"}"#;
        for alg in [Algorithm::Sha256, Algorithm::Sha512] {
            let h = sign(alg, "whsec_1", 1_774_137_600, body);
            assert_eq!(verify(&h, "whsec_1", body, 1_774_137_650), Ok(alg));
            assert!(verify(&h, "whsec_2", body, 1_774_137_650).is_err());
            assert!(verify(&h, "whsec_1", b"{}", 1_774_137_650).is_err());
            assert!(verify(&h, "whsec_1", body, 1_774_137_600 + 301).is_err());
            let moved = h.replace("t=1774137600", "t=1774137601");
            assert!(verify(&moved, "whsec_1", body, 1_774_137_650).is_err());
            let far = format!("t={},sha256=00", i64::MIN);
            assert!(verify(&far, "whsec_1", body, 1_774_137_650).is_err());
        }
        // Known answer (Python's hmac module): HMAC-SHA256("k", "1.x").
        assert_eq!(
            sign(Algorithm::Sha256, "k", 1, b"x"),
            "t=1,sha256=976cb87e4f568d1c0f03f32859e90af8597cf00b978ba37c229c97d3a15b8449"
        );
    }
}
