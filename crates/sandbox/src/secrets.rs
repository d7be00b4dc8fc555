//! Random tokens, their stored hashes, and HTML escaping: shared by sessions, the hosted OAuth
//! pages and the fake providers, so each is written once.

use base64::Engine;
use sha2::{Digest, Sha256};

/// `N` random bytes as URL-safe base64 (launch tokens, start keys, provider codes).
pub fn random_token<const N: usize>() -> String {
    let bytes: [u8; N] = rand::random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Hex SHA-256: secrets are stored and compared only in this form.
pub fn sha256_hex(s: &str) -> String {
    Sha256::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Constant-time equality of two secrets whose lengths may differ: compares their SHA-256
/// digests (always 32 bytes), so neither the content nor the length of the expected secret
/// shows in the timing.
pub fn same_secret(given: &str, expected: &str) -> bool {
    use subtle::ConstantTimeEq;
    Sha256::digest(given.as_bytes())
        .ct_eq(&Sha256::digest(expected.as_bytes()))
        .into()
}

/// `given` hashes to `stored_hex` (a `sha256_hex` we stored), in constant time.
pub fn matches_hash(stored_hex: Option<&str>, given: &str) -> bool {
    use subtle::ConstantTimeEq;
    stored_hex.is_some_and(|h| h.as_bytes().ct_eq(sha256_hex(given).as_bytes()).into())
}

/// Text for an HTML text node or a quoted attribute.
pub fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// A query-string value (`application/x-www-form-urlencoded`).
pub fn query_value(s: &str) -> String {
    oauth2::url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_by_content_only() {
        assert!(same_secret(
            "sandbox-management-key",
            "sandbox-management-key"
        ));
        for other in [
            "",
            "s",
            "sandbox-management-ke",
            "sandbox-management-keyX",
            "x".repeat(5000).as_str(),
        ] {
            assert!(!same_secret(other, "sandbox-management-key"), "{other:.20}");
        }
        assert!(matches_hash(Some(&sha256_hex("k")), "k"));
        assert!(!matches_hash(Some(&sha256_hex("k")), "K") && !matches_hash(None, "k"));
    }
}
