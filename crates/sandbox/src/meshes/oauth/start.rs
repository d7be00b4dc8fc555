//! `/oauth/start/{id}?key=…`: the hosted page the embed's window opens. A start link alone is
//! not enough to reach the provider — anyone can be sent a link. The page goes on only when
//!
//! - the window that opened it (same Meshes origin) proves it is the embed that created the
//!   attempt, by handing over the attempt's `start_proof`, which only the embed's memory holds
//!   (`meshes:oauth-hello` → `meshes:oauth-proof`); or
//! - there is no such window (redirect mode, a tab opened without an opener, a forwarded link)
//!   and the user confirms on this page, which names the workspace, the app and the provider.
//!
//! Then (`POST`, same origin only) `state` + PKCE S256 are minted, the browser is bound with a
//! cookie, and the page is told where the provider is. Every step refuses attempts whose session
//! was revoked or ran out.

use super::client::{binding_cookie, client};
use super::pages::{StartContext, refuse, start_page};
use super::{AttemptRow, Outcome, finish, load, session_gone};
use crate::AppState;
use crate::error::ApiResult;
use crate::meshes::api::catalog::integration;
use crate::secrets::{matches_hash, sha256_hex};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use meshes_protocol::api::{AttemptStatus, OauthMode};
use oauth2::{CsrfToken, PkceCodeChallenge, Scope};
use rusqlite::params;
use serde::Deserialize;
use serde_json::json;
use std::collections::HashMap;

/// The attempt behind a start link, if the link may still be used; otherwise the sentence that
/// says why not (heading, text).
fn usable(
    state: &AppState,
    id: &str,
    key: Option<&str>,
) -> ApiResult<Result<AttemptRow, (&'static str, String)>> {
    let row = load(state, "id", id)?;
    let Some(row) = row.filter(|r| matches_hash(Some(&r.start_hash), key.unwrap_or_default()))
    else {
        return Ok(Err((
            "This sign-in link is not valid",
            "Start again from the workspace.".into(),
        )));
    };
    match row.api.status {
        AttemptStatus::Pending => {}
        AttemptStatus::Expired => {
            return Ok(Err((
                "This sign-in link has expired",
                "Sign-in links work for 10 minutes. Start again from the workspace.".into(),
            )));
        }
        _ => {
            return Ok(Err((
                "This sign-in link was already used",
                "Each link works once. Start again from the workspace.".into(),
            )));
        }
    }
    if let Some(why) = session_gone(state, &row.session_id)? {
        finish(
            state,
            id,
            Outcome::failed(AttemptStatus::Failed, "session_ended", why),
        )?;
        return Ok(Err(("This sign-in can't continue", why.into())));
    }
    Ok(Ok(row))
}

/// `GET /oauth/start/{id}?key=…`: the page that runs the handshake (or asks the user).
///
/// Another site never gets this page: a navigation it starts arrives as `Sec-Fetch-Site:
/// cross-site` (or `same-site`), and only the embed's own windows (same origin) or a link the
/// user opened themselves (`none`: typed, pasted, from a mail app) may see it. A browser that
/// sends no fetch metadata gets the page and its confirmation.
pub async fn start(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if matches!(site, Some("cross-site" | "same-site")) {
        return Ok(refuse(
            "This sign-in can only be started from your workspace",
            "Another website opened this sign-in link. Nothing was connected. If you want to connect an app, start from the workspace inside the app you use.",
        ));
    }
    let row = match usable(&state, &id, q.get("key").map(String::as_str))? {
        Ok(row) => row,
        Err((heading, text)) => return Ok(refuse(heading, &text)),
    };
    let ctx = context(&state, &row)?;
    Ok(start_page(&row, &ctx, &state.cfg.embed_origin()))
}

/// What the confirmation names: the workspace, the app that embeds it, the provider.
fn context(state: &AppState, row: &AttemptRow) -> ApiResult<StartContext> {
    let conn = state.db.conn();
    let workspace: String = conn.query_row(
        "SELECT name FROM workspaces WHERE id = ?1",
        [&row.api.workspace],
        |r| r.get("name"),
    )?;
    let origins: String = conn.query_row(
        "SELECT allowed_origins FROM sessions WHERE id = ?1",
        [&row.session_id],
        |r| r.get("allowed_origins"),
    )?;
    let mut hosts: Vec<String> = serde_json::from_str(&origins).unwrap_or_default();
    // Redirect mode comes back to one page of one of them: name that one.
    if row.api.mode == OauthMode::Redirect
        && let Some(back) = row
            .return_to
            .as_deref()
            .and_then(|u| oauth2::url::Url::parse(u).ok())
    {
        hosts = vec![back.origin().ascii_serialization()];
    }
    let reconnect = match &row.api.connection_id {
        Some(cid) => conn
            .query_row("SELECT name FROM connections WHERE id = ?1", [cid], |r| {
                r.get("name")
            })
            .ok(),
        None => None,
    };
    Ok(StartContext {
        provider: integration(&row.api.integration)
            .map(|i| i.name.clone())
            .unwrap_or_else(|| row.api.integration.clone()),
        workspace,
        hosts,
        reconnect,
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Go {
    key: String,
    /// The attempt's `start_proof`, handed over by the embed's window.
    #[serde(default)]
    proof: Option<String>,
    /// The user pressed "Continue" on the confirmation.
    #[serde(default)]
    confirmed: bool,
}

/// Only the start page itself may ask: same origin (`Origin`, and `Sec-Fetch-Site` when the
/// browser sends it), so another site cannot press "Continue" for the user.
fn from_start_page(state: &AppState, headers: &HeaderMap) -> bool {
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    origin == Some(state.cfg.api_origin().as_str()) && site.is_none_or(|s| s == "same-origin")
}

fn answer(status: StatusCode, body: serde_json::Value) -> Response {
    let mut res = (status, Json(body)).into_response();
    let h = res.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    res
}

fn refused(status: StatusCode, message: &str) -> Response {
    answer(status, json!({ "message": message }))
}

/// `POST /oauth/start/{id}` `{key, proof?, confirmed?}` → `{url}` of the provider, with the
/// browser-binding cookie. Single use: the attempt moves from pending to started once.
pub async fn start_go(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Json(go): Json<Go>,
) -> ApiResult<Response> {
    if !from_start_page(&state, &headers) {
        return Ok(refused(
            StatusCode::FORBIDDEN,
            "Continue from the sign-in page itself.",
        ));
    }
    let row = match usable(&state, &id, Some(&go.key))? {
        Ok(row) => row,
        Err((heading, text)) => {
            return Ok(refused(StatusCode::CONFLICT, &format!("{heading}. {text}")));
        }
    };
    let via = match (&go.proof, go.confirmed) {
        (Some(p), _) if matches_hash(row.proof_hash.as_deref(), p) => "handshake",
        (Some(_), _) => {
            return Ok(refused(
                StatusCode::FORBIDDEN,
                "This window could not prove it was opened by your workspace. Start again from the workspace.",
            ));
        }
        (None, true) => "confirmation",
        (None, false) => {
            return Ok(refused(
                StatusCode::BAD_REQUEST,
                "Confirm that you want to continue.",
            ));
        }
    };
    let Some(client) = client(&state, &row.api.integration) else {
        return Ok(refused(
            StatusCode::SERVICE_UNAVAILABLE,
            "This provider is not configured. Contact support.",
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
         binding_hash = ?4, started_via = ?5 WHERE id = ?1 AND status = 'pending'",
        params![
            id,
            sha256_hex(csrf.secret()),
            verifier.secret(),
            sha256_hex(&binding),
            via
        ],
    )?;
    if n != 1 {
        return Ok(refused(
            StatusCode::CONFLICT,
            "This sign-in link was already used. Start again from the workspace.",
        ));
    }
    let mut res = answer(StatusCode::OK, json!({ "url": url.as_str() }));
    if let Some(v) = binding_cookie(&id, &binding) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(res)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decline {
    key: String,
}

/// `POST /oauth/start/{id}/cancel` `{key}`: "Cancel" on the confirmation ends the attempt.
pub async fn start_cancel(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Json(d): Json<Decline>,
) -> ApiResult<Response> {
    if !from_start_page(&state, &headers) {
        return Ok(refused(
            StatusCode::FORBIDDEN,
            "Cancel from the sign-in page itself.",
        ));
    }
    if let Ok(row) = usable(&state, &id, Some(&d.key))? {
        finish(
            &state,
            &row.api.id,
            Outcome::failed(
                AttemptStatus::Cancelled,
                "cancelled",
                "The sign-in was cancelled on the confirmation page.",
            ),
        )?;
    }
    Ok(answer(StatusCode::OK, json!({ "cancelled": true })))
}
