//! The provider's back channel: the token endpoint (code + PKCE S256, refresh) and the API that
//! accepts the tokens it issued.

use super::{CLIENT_ID, CODE_TTL, Provider};
use crate::meshes::api::catalog::live_action_data;
use crate::secrets::random_token;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use base64::Engine;
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::Instant;

#[derive(Deserialize)]
pub(super) struct TokenForm {
    grant_type: String,
    code: Option<String>,
    redirect_uri: Option<String>,
    code_verifier: Option<String>,
    refresh_token: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
}

fn oauth_error(code: &str, description: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({"error": code, "error_description": description})),
    )
        .into_response()
}

/// Client authentication: HTTP Basic (what the oauth2 crate sends) or body parameters.
fn client_ok(p: &Provider, headers: &HeaderMap, f: &TokenForm) -> bool {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
        .and_then(|b| String::from_utf8(b).ok());
    let expected = format!("{CLIENT_ID}:{}", p.client_secret);
    match basic {
        Some(pair) => pair == expected,
        None => {
            f.client_id.as_deref() == Some(CLIENT_ID)
                && f.client_secret.as_deref() == Some(p.client_secret.as_str())
        }
    }
}

pub(super) async fn token(
    State(p): State<Arc<Provider>>,
    Path(kind): Path<String>,
    headers: HeaderMap,
    Form(f): Form<TokenForm>,
) -> Response {
    let slow = p.token_slow_ms.load(std::sync::atomic::Ordering::Relaxed);
    if slow > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(slow)).await;
    }
    if !client_ok(&p, &headers, &f) {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": "invalid_client"})),
        )
            .into_response();
    }
    let mut inner = p.lock();
    let account = match f.grant_type.as_str() {
        "authorization_code" => {
            let Some(grant) = f.code.as_deref().and_then(|c| inner.codes.get_mut(c)) else {
                return oauth_error("invalid_grant", "unknown authorization code");
            };
            if grant.used {
                // Replay: refuse, and revoke what the first use obtained.
                let minted = std::mem::take(&mut grant.minted);
                for t in minted {
                    inner.tokens.remove(&t);
                }
                return oauth_error("invalid_grant", "authorization code already used");
            }
            grant.used = true;
            if grant.issued.elapsed() > CODE_TTL || grant.req.kind != kind {
                return oauth_error("invalid_grant", "authorization code expired");
            }
            if f.redirect_uri.as_deref() != Some(grant.req.redirect_uri.as_str()) {
                return oauth_error("invalid_grant", "redirect_uri does not match");
            }
            let verifier = f.code_verifier.as_deref().unwrap_or_default();
            let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(Sha256::digest(verifier.as_bytes()));
            if verifier.len() < 43 || challenge != grant.req.challenge {
                return oauth_error("invalid_grant", "PKCE verification failed");
            }
            grant.account.clone()
        }
        "refresh_token" => match f.refresh_token.as_deref().and_then(|t| inner.tokens.get(t)) {
            Some((k, a, true)) if *k == kind => a.clone(),
            _ => return oauth_error("invalid_grant", "unknown refresh token"),
        },
        _ => return oauth_error("unsupported_grant_type", "use authorization_code"),
    };
    let (access, refresh) = inner.issue(&kind, &account);
    if let Some(grant) = f.code.as_deref().and_then(|c| inner.codes.get_mut(c)) {
        grant.minted.extend([access.clone(), refresh.clone()]);
    }
    Json(json!({
        "access_token": access,
        "token_type": "bearer",
        "expires_in": 3600,
        "refresh_token": refresh,
        "scope": "default",
    }))
    .into_response()
}

/// The account a bearer token belongs to, for this provider.
fn bearer_account(p: &Provider, kind: &str, headers: &HeaderMap) -> Option<String> {
    let token = headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")?;
    let inner = p.lock();
    let live = inner
        .expires
        .get(token)
        .is_some_and(|t| *t > Instant::now());
    match inner.tokens.get(token) {
        Some((k, a, false)) if k == kind && live => Some(a.clone()),
        _ => None,
    }
}

fn unauthorized() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        Json(json!({"error": "invalid_token"})),
    )
        .into_response()
}

pub(super) async fn me(
    State(p): State<Arc<Provider>>,
    Path(kind): Path<String>,
    headers: HeaderMap,
) -> Response {
    match bearer_account(&p, &kind, &headers) {
        Some(account) => Json(json!({"account": account})).into_response(),
        None => unauthorized(),
    }
}

pub(super) async fn action_data(
    State(p): State<Arc<Provider>>,
    Path(kind): Path<String>,
    headers: HeaderMap,
) -> Response {
    match bearer_account(&p, &kind, &headers) {
        Some(_) => Json(live_action_data(&kind)).into_response(),
        None => unauthorized(),
    }
}

/// `POST /{kind}/api/deliver`: the provider API a delivery writes to (a contact, a message…).
/// Accepts the record for the token's account; 401 for a token it did not issue or that expired.
pub(super) async fn deliver(
    State(p): State<Arc<Provider>>,
    Path(kind): Path<String>,
    headers: HeaderMap,
    Json(body): Json<serde_json::Value>,
) -> Response {
    let Some(account) = bearer_account(&p, &kind, &headers) else {
        return unauthorized();
    };
    let mut inner = p.lock();
    if inner.delivered.len() >= super::MAX_DELIVERED {
        inner.delivered.pop_front();
    }
    inner.delivered.push_back(super::Delivered {
        kind,
        account: account.clone(),
        body,
    });
    let id = format!("rec_{}", random_token::<9>());
    Json(json!({"id": id, "account": account})).into_response()
}
