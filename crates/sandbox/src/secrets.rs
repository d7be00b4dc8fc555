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
