//! The `oauth2` client for one integration's provider, and the browser-binding cookie (built with
//! the `cookie` crate).

use crate::AppState;
use crate::provider::CLIENT_ID;
use axum::http::HeaderValue;
use cookie::{Cookie, SameSite};
use oauth2::basic::BasicClient;
use oauth2::{AuthUrl, ClientId, ClientSecret, EndpointNotSet, EndpointSet, RedirectUrl, TokenUrl};

pub(super) type Client =
    BasicClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

pub(super) fn client(state: &AppState, kind: &str) -> Option<Client> {
    let provider = state.cfg.provider_origin();
    Some(
        BasicClient::new(ClientId::new(CLIENT_ID.into()))
            .set_client_secret(ClientSecret::new(state.provider.client_secret.clone()))
            .set_auth_uri(AuthUrl::new(format!("{provider}/{kind}/authorize")).ok()?)
            .set_token_uri(TokenUrl::new(format!("{provider}/{kind}/token")).ok()?)
            .set_redirect_uri(RedirectUrl::new(state.provider.redirect_uri.clone()).ok()?),
    )
}

/// One cookie per attempt, so a browser running two flows keeps both bindings.
pub(super) fn cookie_name(attempt: &str) -> String {
    format!("meshes_oauth_{attempt}")
}

/// The browser-binding cookie for `attempt`: only sent back to the callback, never readable by
/// scripts, sent on the provider's top-level redirect back (Lax), gone after 15 minutes.
pub(super) fn binding_cookie(attempt: &str, binding: &str) -> Option<HeaderValue> {
    let c = Cookie::build((cookie_name(attempt), binding.to_owned()))
        .path(CALLBACK_PATH)
        .http_only(true)
        .same_site(SameSite::Lax)
        .max_age(time::Duration::minutes(15));
    HeaderValue::from_str(&c.to_string()).ok()
}

/// Clears `attempt`'s binding cookie once the callback has used it.
pub(super) fn cleared_cookie(attempt: &str) -> Option<HeaderValue> {
    let c = Cookie::build((cookie_name(attempt), ""))
        .path(CALLBACK_PATH)
        .max_age(time::Duration::ZERO);
    HeaderValue::from_str(&c.to_string()).ok()
}

const CALLBACK_PATH: &str = "/oauth/callback";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_binding_cookie_goes_only_to_the_callback_and_not_to_scripts() {
        let set = binding_cookie("att_1", "b1nd").unwrap();
        let set = set.to_str().unwrap();
        for part in [
            "meshes_oauth_att_1=b1nd",
            "HttpOnly",
            "SameSite=Lax",
            "Path=/oauth/callback",
            "Max-Age=900",
        ] {
            assert!(set.contains(part), "{part} in {set}");
        }
        let clear = cleared_cookie("att_1").unwrap();
        assert!(clear.to_str().unwrap().contains("Max-Age=0"));
    }
}
