//! The `oauth2` client for one integration's provider, and the browser-binding cookie's name.

use crate::AppState;
use crate::provider::CLIENT_ID;
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
