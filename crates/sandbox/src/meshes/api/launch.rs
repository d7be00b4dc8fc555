//! The launch exchange: the runtime trades the one-time launch secret for its session context.

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::meshes::api::auth::SessionAuth;
use crate::meshes::api::sessions::{SessionRow, hash_launch_token};
use crate::meshes::api::validate::JsonObject;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use meshes_protocol::ExpiredReason;
use meshes_protocol::api::{ParamError, SessionContext, SessionInfo, SessionStatus, WorkspaceRef};
use meshes_protocol::origin::choose_parent;
use rusqlite::{OptionalExtension, params};

routes! {
    POST "/embed/launch" => exchange,
    GET "/embed/session" => whoami,
}

/// The documented user-facing wording.
pub const INVALID_LAUNCH: &str = "Invalid or expired embed launch token";

/// 401 with the documented message; the machine-readable reason rides in `data[0].msg` under
/// `param: "launch_token"` so the runtime can pass it on in `meshes:token-expired`.
fn refused(reason: ExpiredReason) -> ApiError {
    tracing::info!(reason = reason.as_str(), "launch exchange refused");
    ApiError {
        params: vec![ParamError::new("launch_token", reason.as_str())],
        bearer_error: None,
        ..ApiError::new(StatusCode::UNAUTHORIZED, INVALID_LAUNCH)
    }
    .named("InvalidLaunchToken")
}

/// A launch token is 32 random bytes, base64url without padding (43 characters).
fn well_formed(token: &str) -> bool {
    token.len() == 43
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Spend the launch: one compare-and-set statement, so of any number of exchanges that passed
/// the checks above (each read "unused"), exactly one wins.
pub fn consume(state: &AppState, session_id: &str, now: &str) -> ApiResult<bool> {
    let won = state.db.conn().execute(
        "UPDATE sessions SET launch_used_at = ?2 WHERE id = ?1 AND launch_used_at IS NULL",
        params![session_id, now],
    )?;
    Ok(won == 1)
}

pub async fn exchange(
    State(state): State<AppState>,
    JsonObject(map): JsonObject,
) -> ApiResult<Json<SessionContext>> {
    let token = map
        .get("launch_token")
        .and_then(|v| v.as_str())
        .unwrap_or_default();
    let Some(reference) = map.get("session_id").and_then(|v| v.as_str()) else {
        return Err(ApiError::param(
            "session_id",
            "is required: the `session` reference of the launch URL",
        ));
    };
    let parent = match map.get("parent_origin") {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(o)) if o.len() <= 512 => Some(o.as_str()),
        Some(_) => return Err(ApiError::param("parent_origin", "must be an origin string")),
    };
    if !well_formed(token) {
        return Err(refused(ExpiredReason::LaunchTokenInvalid));
    }
    let hash = hash_launch_token(token);
    let sql = format!(
        "SELECT {} FROM sessions WHERE launch_hash = ?1",
        crate::meshes::api::sessions::SESSION_COLUMNS
    );
    let row = state
        .db
        .conn()
        .query_row(&sql, [&hash], SessionRow::from_row)
        .optional()?;
    let Some(row) = row else {
        return Err(refused(ExpiredReason::LaunchTokenInvalid));
    };
    if reference != row.id {
        return Err(refused(ExpiredReason::LaunchTokenInvalid));
    }
    if row.status != SessionStatus::Active {
        return Err(refused(ExpiredReason::SessionEnded));
    }
    if row.launch_used {
        return Err(refused(ExpiredReason::LaunchTokenUsed));
    }
    let now = crate::store::db::ts(state.clock.now());
    if row.launch_expires_at <= now {
        return Err(refused(ExpiredReason::LaunchTokenExpired));
    }
    // What can be checked before spending the token is checked first: a parent the session does
    // not allow (or cannot be told apart among several) leaves the launch usable.
    if let Err(e) = choose_parent(parent, &row.allowed_origins) {
        return Err(ApiError {
            params: vec![ParamError::new("parent_origin", e.to_string())],
            ..ApiError::new(
                StatusCode::FORBIDDEN,
                "This page may not embed this workspace session",
            )
        }
        .named("ParentNotAllowed"));
    }
    if !consume(&state, &row.id, &now)? {
        return Err(refused(ExpiredReason::LaunchTokenUsed));
    }
    let name: String = state.db.conn().query_row(
        "SELECT name FROM workspaces WHERE id = ?1",
        [&row.workspace_id],
        |r| r.get("name"),
    )?;
    tracing::info!(session = %row.id, "launch exchanged");
    Ok(Json(SessionContext {
        session_id: row.id,
        workspace: WorkspaceRef {
            id: row.workspace_id,
            name,
        },
        role: row.role,
        scopes: row.scopes,
        session_type: row.session_type,
        resource: row.resource,
        resource_id: row.resource_id,
        allowed_origins: row.allowed_origins,
        launch_page: row.launch_page,
    }))
}

/// `GET /api/v1/embed/session`: the runtime's check of every token `meshes:auth` delivers.
pub async fn whoami(State(state): State<AppState>, auth: SessionAuth) -> Json<SessionInfo> {
    let left = auth.exp - state.clock.now().unix_timestamp();
    Json(SessionInfo {
        session_id: auth.session_id,
        workspace_id: auth.workspace_id,
        role: auth.role,
        session_type: auth.session_type,
        scopes: auth.scopes,
        resource: auth.resource,
        resource_id: auth.resource_id,
        expires_in: u32::try_from(left.max(0)).unwrap_or(0),
    })
}
