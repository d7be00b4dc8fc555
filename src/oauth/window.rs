//! The browser side of the flow: opening the window, the attempt's nonce, origins of URLs.

/// A popup the size of a sign-in page, named so a second Connect reuses it.
pub const POPUP_FEATURES: &str = "popup,width=520,height=720";
pub const WINDOW_NAME: &str = "meshes-oauth";

pub fn open_window(url: &str, target: &str, features: &str) -> Option<web_sys::Window> {
    web_sys::window()?
        .open_with_url_and_target_and_features(url, target, features)
        .ok()
        .flatten()
}

pub fn nonce() -> String {
    use base64::Engine;
    let mut bytes = [0u8; 18];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .and_then(|c| c.get_random_values_with_u8_array(&mut bytes).ok())
        .is_some();
    if !filled {
        // No Web Crypto: the nonce only pairs a message with its attempt (the server decides).
        let t = js_sys::Math::random().to_bits().to_le_bytes();
        bytes[..8].copy_from_slice(&t);
    }
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub fn origin_of(url: &str) -> Option<String> {
    web_sys::Url::new(url).ok().map(|u| u.origin())
}
