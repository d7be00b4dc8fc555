//! `/api/v1/embed/oauth/attempts`: create (admin|owner on a session that shows Connections),
//! read its status, cancel. Sessions only — an attempt belongs to the person in the embed.

use super::{AttemptRow, Outcome, finish, load, not_found};
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::meshes::api::auth::SessionAuth;
use crate::meshes::api::caller::Caller;
use crate::meshes::api::catalog::integration;
use crate::meshes::api::validate::{Fields, JsonObject};
use crate::secrets::{random_token, sha256_hex};
use crate::store::db::ts;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use meshes_protocol::Origin;
use meshes_protocol::access::{Action, EmbedPage};
use meshes_protocol::api::{
    ATTEMPT_TTL_SECONDS, AttemptStatus, AuthType, OauthAttempt, OauthMode, check_return_to,
    valid_nonce,
};
use rusqlite::params;

crate::meshes::api::routes! {
    POST "/embed/oauth/attempts" => create,
    GET "/embed/oauth/attempts/{id}" => get,
    POST "/embed/oauth/attempts/{id}/cancel" => cancel,
}

fn allowed_origins(state: &AppState, session_id: &str) -> ApiResult<Vec<Origin>> {
    let raw: String = state.db.conn().query_row(
        "SELECT allowed_origins FROM sessions WHERE id = ?1",
        [session_id],
        |r| r.get("allowed_origins"),
    )?;
    Ok(serde_json::from_str(&raw).unwrap_or_default())
}

/// `POST /api/v1/embed/oauth/attempts` -> 201 attempt with its single-use `start_url`.
pub async fn create(
    State(state): State<AppState>,
    auth: SessionAuth,
    JsonObject(map): JsonObject,
) -> ApiResult<(StatusCode, Json<OauthAttempt>)> {
    let caller = Caller::Session(auth.clone());
    caller.require(EmbedPage::Connections, Action::Write)?;
    let mut f = Fields::new(
        &map,
        &["integration", "connection_id", "mode", "return_to", "nonce"],
    );
    let kind = f.string("integration", 1, 64);
    let connection_id = f.string("connection_id", 36, 36);
    let mode = f.string("mode", 1, 16).unwrap_or_else(|| "popup".into());
    if !["popup", "tab", "redirect"].contains(&mode.as_str()) {
        f.fail("mode", "must be one of: popup, tab, redirect");
    }
    let return_to = f.string("return_to", 1, 4096);
    let nonce = f.string("nonce", 1, 128);
    if nonce.as_deref().is_some_and(|n| !valid_nonce(n)) {
        f.fail("nonce", "must be 16-64 URL-safe characters");
    }
    match kind.as_deref().map(|k| (k, integration(k))) {
        None => f.fail("integration", "is required"),
        Some((k, None)) => f.fail("integration", format!("{k:?} is not an integration")),
        Some((_, Some(i))) if i.authentication.kind != AuthType::Oauth => f.fail(
            "integration",
            format!("{} connects with credentials, not OAuth", i.name),
        ),
        _ => {}
    }
    match (mode.as_str(), return_to.as_deref()) {
        ("redirect", None) => f.fail("return_to", "is required in redirect mode"),
        ("redirect", Some(url)) => {
            if let Err(msg) = check_return_to(url, &allowed_origins(&state, &auth.session_id)?) {
                f.fail("return_to", msg);
            }
        }
        (_, Some(_)) => f.fail("return_to", "is only used in redirect mode"),
        _ => {}
    }
    f.finish("Invalid OAuth attempt")?;
    let Some(kind) = kind else {
        return Err(ApiError::param("integration", "is required"));
    };
    if let Some(cid) = &connection_id {
        let found: Option<String> = state
            .db
            .conn()
            .query_row(
                "SELECT type FROM connections WHERE id = ?1 AND workspace_id = ?2 AND deleted_at IS NULL",
                params![cid, auth.workspace_id],
                |r| r.get("type"),
            )
            .ok();
        match found {
            None => return Err(ApiError::not_found("Connection")),
            Some(t) if t != kind => {
                return Err(ApiError::param(
                    "connection_id",
                    format!("is a {t} connection, not {kind}"),
                ));
            }
            _ => {}
        }
    }
    let id = uuid::Uuid::new_v4().to_string();
    let key = random_token::<32>();
    let proof = random_token::<32>();
    let now = state.clock.now();
    state.db.conn().execute(
        "INSERT INTO oauth_attempts (id, workspace_id, session_id, integration, mode, connection_id, \
         reauthorize, return_to, nonce, start_hash, proof_hash, status, created_by, created_at, expires_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'pending', ?12, ?13, ?14)",
        params![
            id,
            auth.workspace_id,
            auth.session_id,
            kind,
            mode,
            connection_id,
            connection_id.is_some(),
            return_to,
            nonce,
            sha256_hex(&key),
            sha256_hex(&proof),
            caller.created_by(),
            ts(now),
            ts(now + time::Duration::seconds(ATTEMPT_TTL_SECONDS)),
        ],
    )?;
    let mut attempt = load(&state, "id", &id)?.ok_or_else(not_found)?.api;
    attempt.start_url = Some(format!(
        "{}/oauth/start/{id}?key={key}",
        state.cfg.api_origin()
    ));
    attempt.start_proof = Some(proof);
    Ok((StatusCode::CREATED, Json(attempt)))
}

/// Who may see an attempt: the session that created it. After a redirect round trip the host
/// mints a new session to show the outcome, so a finished redirect-mode attempt is also visible
/// to a later session of the same workspace for the same end user (the same, non-empty
/// `external_user_id`: the host backend minted both); nobody else learns it exists.
fn visible(state: &AppState, auth: &SessionAuth, id: &str) -> ApiResult<AttemptRow> {
    Caller::Session(auth.clone()).require(EmbedPage::Connections, Action::Read)?;
    let Some(row) = load(state, "id", id)? else {
        return Err(not_found());
    };
    if row.api.workspace != auth.workspace_id {
        return Err(not_found());
    }
    if row.session_id == auth.session_id {
        return Ok(row);
    }
    let handed_over = row.api.mode == OauthMode::Redirect && row.api.status.is_final() && {
        let user = |sid: &str| -> ApiResult<Option<(Option<String>, String)>> {
            Ok(crate::meshes::api::sessions::SessionRow::load(state, sid)?
                .map(|s| (s.external_user_id, s.created_at)))
        };
        match (user(&row.session_id)?, user(&auth.session_id)?) {
            // Same end user only when the host said who it is, both times.
            (Some((Some(creator), _)), Some((Some(reader), minted))) => {
                creator == reader && minted >= row.api.created_at
            }
            _ => false,
        }
    };
    if handed_over {
        Ok(row)
    } else {
        Err(not_found())
    }
}

/// `GET /api/v1/embed/oauth/attempts/{id}`.
pub async fn get(
    State(state): State<AppState>,
    auth: SessionAuth,
    Path(id): Path<String>,
) -> ApiResult<Json<OauthAttempt>> {
    Ok(Json(visible(&state, &auth, &id)?.api))
}

/// `POST /api/v1/embed/oauth/attempts/{id}/cancel` -> the attempt as it ends: `cancelled`, or
/// whatever it reached first (a completed attempt stays completed). Only the creating session.
pub async fn cancel(
    State(state): State<AppState>,
    auth: SessionAuth,
    Path(id): Path<String>,
) -> ApiResult<Json<OauthAttempt>> {
    Caller::Session(auth.clone()).require(EmbedPage::Connections, Action::Write)?;
    let row = visible(&state, &auth, &id)?;
    if row.session_id != auth.session_id {
        return Err(not_found());
    }
    finish(
        &state,
        &id,
        Outcome::failed(
            AttemptStatus::Cancelled,
            "cancelled",
            "The sign-in was cancelled before it finished.",
        ),
    )?;
    Ok(Json(visible(&state, &auth, &id)?.api))
}
