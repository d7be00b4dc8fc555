//! The Meshes-hosted pages of the flow: `/oauth/start/{id}` and `/oauth/callback`. Never framed,
//! no referrer, no third-party anything, and COOP `unsafe-none` so the callback can reach the
//! window that opened it.

use super::pages::{outcome_page, refuse};
use super::{AttemptRow, expired, finish, load};
use crate::AppState;
use crate::db::ts;
use crate::error::ApiResult;
use crate::provider::CLIENT_ID;
use crate::secrets::sha256_hex;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use meshes_protocol::api::AttemptStatus;
use oauth2::basic::BasicClient;
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet, EndpointSet,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse, TokenUrl,
};
use rusqlite::params;
use serde_json::json;
use std::collections::HashMap;
use subtle::ConstantTimeEq;

type Client = BasicClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

fn client(state: &AppState, kind: &str) -> Option<Client> {
    let provider = state.cfg.provider_origin();
    Some(
        BasicClient::new(ClientId::new(CLIENT_ID.into()))
            .set_client_secret(ClientSecret::new(state.provider.client_secret.clone()))
            .set_auth_uri(AuthUrl::new(format!("{provider}/{kind}/authorize")).ok()?)
            .set_token_uri(TokenUrl::new(format!("{provider}/{kind}/token")).ok()?)
            .set_redirect_uri(RedirectUrl::new(state.provider.redirect_uri.clone()).ok()?),
    )
}

pub(super) fn cookie_name(attempt: &str) -> String {
    format!("meshes_oauth_{attempt}")
}

/// `GET /oauth/start/{id}?key=…`: single use; binds this browser and sends it to the provider.
pub async fn start(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let row = load(&state, "id", &id)?;
    let key_hash = sha256_hex(q.get("key").map(String::as_str).unwrap_or(""));
    let Some(row) = row.filter(|r| bool::from(r.start_hash.as_bytes().ct_eq(key_hash.as_bytes())))
    else {
        return Ok(refuse(
            "This sign-in link is not valid",
            "Start again from the workspace.",
        ));
    };
    if row.api.status != AttemptStatus::Pending {
        return Ok(refuse(
            "This sign-in link was already used",
            "Each link works once. Start again from the workspace.",
        ));
    }
    let Some(client) = client(&state, &row.api.integration) else {
        return Ok(refuse(
            "This provider is not configured",
            "Contact support.",
        ));
    };
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, csrf) = client
        .authorize_url(CsrfToken::new_random)
        .add_scope(Scope::new("default".into()))
        .set_pkce_challenge(challenge)
        .url();
    let binding = CsrfToken::new_random().secret().clone();
    let n = state.db.conn().execute(
        "UPDATE oauth_attempts SET status = 'started', state_hash = ?2, pkce_verifier = ?3, \
         binding_hash = ?4 WHERE id = ?1 AND status = 'pending'",
        params![
            id,
            sha256_hex(csrf.secret()),
            verifier.secret(),
            sha256_hex(&binding)
        ],
    )?;
    if n != 1 {
        return Ok(refuse(
            "This sign-in link was already used",
            "Start again from the workspace.",
        ));
    }
    let cookie = format!(
        "{}={binding}; Path=/oauth/callback; HttpOnly; SameSite=Lax; Max-Age=900",
        cookie_name(&id)
    );
    let mut res = Redirect::to(url.as_str()).into_response();
    res.headers_mut().insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(res)
}

fn cookies(headers: &HeaderMap) -> HashMap<String, String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// A callback whose `state` matches no attempt: if this browser holds exactly one binding cookie
/// of a started attempt, that attempt failed with `state_mismatch` (so the embed can say so
/// instead of waiting for the expiry).
fn fail_by_cookie(state: &AppState, jar: &HashMap<String, String>) -> ApiResult<()> {
    let mut hits = vec![];
    for (name, value) in jar {
        if let Some(id) = name.strip_prefix("meshes_oauth_")
            && let Some(row) = load(state, "id", id)?
            && row.api.status == AttemptStatus::Started
            && row.binding_hash.as_deref() == Some(sha256_hex(value).as_str())
        {
            hits.push(row.api.id);
        }
    }
    if let [id] = hits.as_slice() {
        finish(
            state,
            id,
            AttemptStatus::Failed,
            Some((
                "state_mismatch",
                "The provider sent back a sign-in this window did not start. Nothing was connected; start again.",
            )),
            None,
            None,
        )?;
    }
    Ok(())
}

/// `GET /oauth/callback?state=…&code=…` (or `&error=…`).
pub async fn callback(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let jar = cookies(&headers);
    let given = q.get("state").map(String::as_str).unwrap_or("");
    let Some(row) = load(&state, "state_hash", &sha256_hex(given))?.filter(|_| !given.is_empty())
    else {
        fail_by_cookie(&state, &jar)?;
        return Ok(refuse(
            "This sign-in could not be verified",
            "The response from the provider did not match a sign-in started here (state mismatch). Nothing was connected. Start again from the workspace.",
        ));
    };
    let bound = jar
        .get(&cookie_name(&row.api.id))
        .is_some_and(|v| row.binding_hash.as_deref() == Some(sha256_hex(v).as_str()));
    let id = row.api.id.clone();
    if row.api.status.is_final() {
        return Ok(outcome_page(&state, &row, true));
    }
    if !bound {
        finish(
            &state,
            &id,
            AttemptStatus::Failed,
            Some((
                "state_mismatch",
                "The sign-in finished in a different browser than it started in. Nothing was connected; start again.",
            )),
            None,
            None,
        )?;
    } else if expired(&row, &state) {
        // load() already marked it expired.
    } else if let Some(err) = q.get("error") {
        let (status, code, msg) = if err == "access_denied" {
            (
                AttemptStatus::Denied,
                "access_denied",
                "Access was denied at the provider, so nothing was connected.".to_owned(),
            )
        } else {
            let detail: String = q
                .get("error_description")
                .map(|d| d.chars().take(200).collect())
                .unwrap_or_default();
            (
                AttemptStatus::Failed,
                "provider_error",
                format!(
                    "The provider reported an error ({}): {detail}",
                    err.chars().take(40).collect::<String>()
                ),
            )
        };
        finish(&state, &id, status, Some((code, &msg)), None, None)?;
    } else {
        exchange(
            &state,
            &row,
            q.get("code").map(String::as_str).unwrap_or(""),
        )
        .await?;
    }
    let row = load(&state, "id", &id)?.unwrap_or(row);
    Ok(outcome_page(&state, &row, false))
}

/// Code -> tokens (server to server, PKCE verifier), then the provider account, then the
/// connection. Failures end the attempt with a reason; tokens never leave this function except
/// into the connection's server-side secrets.
async fn exchange(state: &AppState, row: &AttemptRow, code: &str) -> ApiResult<()> {
    let id = &row.api.id;
    let (Some(client), Some(verifier)) = (
        client(state, &row.api.integration),
        row.pkce_verifier.clone(),
    ) else {
        finish(
            state,
            id,
            AttemptStatus::Failed,
            Some((
                "code_exchange_failed",
                "The sign-in could not be completed.",
            )),
            None,
            None,
        )?;
        return Ok(());
    };
    let tokens = client
        .exchange_code(AuthorizationCode::new(code.to_owned()))
        .set_pkce_verifier(PkceCodeVerifier::new(verifier))
        .request_async(&state.oauth_http)
        .await;
    let tokens = match tokens {
        Ok(t) => t,
        Err(e) => {
            tracing::warn!(attempt = %id, error = %e, "oauth code exchange failed");
            finish(
                state,
                id,
                AttemptStatus::Failed,
                Some((
                    "code_exchange_failed",
                    "The provider did not accept the sign-in (the code was invalid, reused or expired). Nothing was connected; start again.",
                )),
                None,
                None,
            )?;
            return Ok(());
        }
    };
    let access = tokens.access_token().secret().clone();
    let account = super::store::fetch_account(state, &row.api.integration, &access)
        .await
        .unwrap_or_else(|| "account".into());
    let secrets = json!({"oauth": {
        "access_token": access,
        "refresh_token": tokens.refresh_token().map(|t| t.secret().clone()),
        "expires_at": tokens.expires_in().map(|d| ts(state.clock.now() + time::Duration::seconds(d.as_secs() as i64))),
    }});
    let connection = super::store::store(state, row, &account, secrets)?;
    match connection {
        Some(cid) => {
            finish(
                state,
                id,
                AttemptStatus::Completed,
                None,
                Some(&cid),
                Some(&account),
            )?;
        }
        None => {
            finish(
                state,
                id,
                AttemptStatus::Failed,
                Some((
                    "connection_gone",
                    "The connection to re-authorize was deleted meanwhile. Nothing was changed.",
                )),
                None,
                None,
            )?;
        }
    }
    Ok(())
}
