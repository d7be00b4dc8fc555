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

/// Why a refresh gave no tokens.
pub(crate) enum RefreshError {
    /// The provider answered no (`invalid_grant`…): the user took the grant back.
    Refused(String),
    /// No usable answer: try again later.
    Unavailable(String),
}

/// New tokens for a connection whose access token stopped working: `(access, refresh,
/// expires_in seconds)`. The provider may keep the old refresh token (then `refresh` is `None`).
pub(crate) async fn refresh(
    state: &AppState,
    kind: &str,
    refresh_token: &str,
) -> Result<(String, Option<String>, Option<u64>), RefreshError> {
    use oauth2::{RequestTokenError, TokenResponse};
    let client = client(state, kind)
        .ok_or_else(|| RefreshError::Refused("no OAuth client for this integration".into()))?;
    let tokens = client
        .exchange_refresh_token(&oauth2::RefreshToken::new(refresh_token.to_owned()))
        .request_async(&state.oauth_http)
        .await
        .map_err(|e| match e {
            RequestTokenError::ServerResponse(r) => RefreshError::Refused(r.error().to_string()),
            other => RefreshError::Unavailable(other.to_string()),
        })?;
    Ok((
        tokens.access_token().secret().clone(),
        tokens.refresh_token().map(|t| t.secret().clone()),
        tokens.expires_in().map(|d| d.as_secs()),
    ))
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
