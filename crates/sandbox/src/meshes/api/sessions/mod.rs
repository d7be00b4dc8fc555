//! Session API (management): mint, refresh, list, revoke. meshes-spec §1.

mod row;
mod rules;

pub use row::{SESSION_COLUMNS, SessionRow, hash_launch_token};
pub use rules::{NewSession, validate};

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::meshes::api::auth::Management;
use crate::meshes::api::validate::{
    JsonObject, PageQuery, QueryMap, is_resource_token, is_uuid, paginate,
};
use crate::meshes::api::workspaces::require_workspace;
use crate::store::db::{parse_ts, ts};
use axum::Json;
use axum::extract::{Path, State};
use meshes_protocol::api::{
    Page, ParamError, SessionCreated, SessionRecord, SessionRefreshed, SessionRevoked,
    SessionStatus,
};
use rusqlite::params;

routes! {
    GET "/sessions" => list,
    POST "/sessions" => create,
    DELETE "/sessions/{id}" => revoke,
    POST "/sessions/{id}/refresh" => refresh,
}

/// Decision: a logical session can be refreshed for at most 12 hours after it was minted;
/// after that the host must mint a new session (and with it a new launch URL).
pub const MAX_SESSION_LIFETIME_SECS: i64 = 12 * 3600;

pub async fn create(
    State(state): State<AppState>,
    _: Management,
    JsonObject(map): JsonObject,
) -> ApiResult<Json<SessionCreated>> {
    let new = validate(&map, state.cfg.min_ttl_seconds)?;
    let now = state.clock.now();
    require_workspace(&state, &new.workspace_id)?;
    let id = format!("sess_{}", uuid::Uuid::new_v4());
    let launch_token = crate::secrets::random_token::<32>();
    let expires_at = now + time::Duration::seconds(new.ttl_seconds);
    let launch_expires_at = now + time::Duration::seconds(new.launch_ttl_seconds);
    let (resource, resource_id) = new.resource.clone().unzip();
    state.db.conn().execute(
        "INSERT INTO sessions (id, workspace_id, role, session_type, resource, resource_id, external_user_id, \
         scopes, allowed_origins, launch_page, ttl_seconds, created_at, expires_at, launch_hash, launch_expires_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        params![
            id, new.workspace_id, new.role.as_str(), new.session_type.as_str(), resource, resource_id,
            new.external_user_id, serde_json::to_string(&new.scopes).unwrap_or_default(),
            serde_json::to_string(&new.allowed_origins).unwrap_or_default(), new.launch_page.as_str(),
            new.ttl_seconds, ts(now), ts(expires_at), hash_launch_token(&launch_token), ts(launch_expires_at),
        ],
    )?;
    let row =
        SessionRow::load(&state, &id)?.ok_or_else(|| ApiError::internal("session vanished"))?;
    let access_token = state.keys.mint(&row.claims(now))?;
    tracing::info!(session = %id, workspace = %new.workspace_id, "session minted");
    Ok(Json(SessionCreated {
        launch_url: format!(
            "{}/workspace/{}?session={id}#launch={launch_token}",
            state.cfg.embed_origin(),
            new.launch_page
        ),
        session_id: id,
        access_token,
        expires_in: new.ttl_seconds as u32,
        expires_at: ts(expires_at),
        launch_token,
        launch_expires_at: ts(launch_expires_at),
        workspace_id: new.workspace_id,
        role: new.role,
        session_type: new.session_type,
        resource,
        resource_id,
    }))
}

pub async fn refresh(
    State(state): State<AppState>,
    _: Management,
    Path(id): Path<String>,
) -> ApiResult<Json<SessionRefreshed>> {
    let row = SessionRow::load(&state, &id)?.ok_or_else(|| ApiError::not_found("Session"))?;
    let now = state.clock.now();
    if row.status != SessionStatus::Active {
        return Err(ApiError::conflict(
            "Session was revoked; mint a new session",
        ));
    }
    let born = parse_ts(&row.created_at).unwrap_or(now);
    if (now - born).whole_seconds() >= MAX_SESSION_LIFETIME_SECS {
        return Err(ApiError::conflict(
            "Session reached its maximum lifetime of 12 hours; mint a new session",
        ));
    }
    let expires_at = now + time::Duration::seconds(row.ttl_seconds);
    // Bumping the generation is what makes every earlier access token stop working.
    state.db.conn().execute(
        "UPDATE sessions SET generation = generation + 1, expires_at = ?2 WHERE id = ?1",
        params![id, ts(expires_at)],
    )?;
    let row = SessionRow::load(&state, &id)?.ok_or_else(|| ApiError::not_found("Session"))?;
    Ok(Json(SessionRefreshed {
        access_token: state.keys.mint(&row.claims(now))?,
        session_id: row.id,
        expires_in: row.ttl_seconds as u32,
        expires_at: ts(expires_at),
        workspace_id: row.workspace_id,
        role: row.role,
        session_type: row.session_type,
        resource: row.resource,
        resource_id: row.resource_id,
    }))
}

pub async fn list(
    State(state): State<AppState>,
    _: Management,
    QueryMap(q): QueryMap,
) -> ApiResult<Json<Page<SessionRecord>>> {
    let mut errors: Vec<ParamError> = vec![];
    let workspace_id = match q.get("workspace_id") {
        Some(id) if is_uuid(id) => id.clone(),
        Some(_) => {
            errors.push(ParamError::new("workspace_id", "must be a UUID"));
            String::new()
        }
        None => {
            errors.push(ParamError::new("workspace_id", "is required"));
            String::new()
        }
    };
    let status = q.get("status").map(|s| s.as_str());
    if status.is_some_and(|s| s != "active" && s != "revoked") {
        errors.push(ParamError::new("status", "must be one of: active, revoked"));
    }
    for key in ["resource", "resource_id"] {
        if q.get(key).is_some_and(|v| !is_resource_token(v)) {
            errors.push(ParamError::new(key, "must match ^[A-Za-z0-9._:-]{1,64}$"));
        }
    }
    let page = PageQuery::parse(&q, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::bad_request("Invalid query", errors));
    }
    require_workspace(&state, &workspace_id)?;
    let sql = format!(
        "SELECT {SESSION_COLUMNS} FROM sessions WHERE workspace_id = ?1 AND seq < ?2 \
         AND (?3 IS NULL OR status = ?3) AND (?4 IS NULL OR resource = ?4) AND (?5 IS NULL OR resource_id = ?5) \
         ORDER BY seq DESC LIMIT ?6"
    );
    let rows: Vec<(SessionRecord, i64)> = {
        let conn = state.db.conn();
        let mut stmt = conn.prepare(&sql)?;
        let now = ts(state.clock.now());
        stmt.query_map(
            params![
                workspace_id,
                page.before_seq(),
                status,
                q.get("resource"),
                q.get("resource_id"),
                page.limit + 1
            ],
            SessionRow::from_row,
        )?
        .map(|r| {
            r.map(|r| {
                let seq = r.seq;
                (r.record(&now), seq)
            })
        })
        .collect::<Result<_, _>>()?
    };
    Ok(Json(paginate(rows, page.limit)))
}

pub async fn revoke(
    State(state): State<AppState>,
    _: Management,
    Path(id): Path<String>,
) -> ApiResult<Json<SessionRevoked>> {
    let now = ts(state.clock.now());
    let changed = state.db.conn().execute(
        "UPDATE sessions SET status = 'revoked', revoked_at = COALESCE(revoked_at, ?2) WHERE id = ?1",
        params![id, now],
    )?;
    if changed == 0 {
        return Err(ApiError::not_found("Session"));
    }
    tracing::info!(session = %id, "session revoked");
    Ok(Json(SessionRevoked { revoked: true }))
}
