//! Session API (management): mint, refresh, list, revoke. meshes-spec §1.

use crate::AppState;
use crate::auth::Management;
use crate::db::{encode_cursor, parse_ts, ts};
use crate::error::{ApiError, ApiResult};
use crate::validate::{Fields, JsonObject, PageQuery, QueryMap, is_resource_token, is_uuid};
use axum::Json;
use axum::extract::{Path, State};
use base64::Engine;
use meshes_protocol::access::{LaunchPage, Role, Scope, SessionType, can_launch_on};
use meshes_protocol::api::{
    Page, ParamError, SessionCreated, SessionRecord, SessionRefreshed, SessionRevoked,
    SessionStatus, limits,
};
use meshes_protocol::{AccessClaims, Origin, TOKEN_AUDIENCE, TOKEN_ISSUER};
use rusqlite::{OptionalExtension, Row, params};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

/// Decision: a logical session can be refreshed for at most 12 hours after it was minted;
/// after that the host must mint a new session (and with it a new launch URL).
pub const MAX_SESSION_LIFETIME_SECS: i64 = 12 * 3600;

const FIELDS: &[&str] = &[
    "workspace_id",
    "role",
    "session_type",
    "external_user_id",
    "ttl_seconds",
    "launch_ttl_seconds",
    "launch_page",
    "resource",
    "resource_id",
    "allowed_origins",
    "scopes",
    "launch_path",
];

pub struct NewSession {
    pub workspace_id: String,
    pub role: Role,
    pub session_type: SessionType,
    pub external_user_id: Option<String>,
    pub ttl_seconds: i64,
    pub launch_ttl_seconds: i64,
    pub launch_page: LaunchPage,
    pub resource: Option<(String, String)>,
    pub allowed_origins: Vec<Origin>,
    pub scopes: Vec<Scope>,
}

/// Every field, range, default and per-session-type rule of `POST /api/v1/sessions` (v2).
pub fn validate(map: &serde_json::Map<String, serde_json::Value>) -> ApiResult<NewSession> {
    let mut f = Fields::new(map, FIELDS);
    if f.present("launch_path") {
        f.fail(
            "launch_path",
            "was replaced by launch_page (dashboard, connections, rules, events)",
        );
    }
    let workspace_id = match f.string("workspace_id", 1, 64) {
        Some(id) if is_uuid(&id) => Some(id),
        Some(_) => {
            f.fail("workspace_id", "must be a UUID");
            None
        }
        None if !f.present("workspace_id") => {
            f.fail("workspace_id", "is required");
            None
        }
        None => None,
    };
    let role = f.enumeration("role", Role::VALUES).unwrap_or_default();
    let session_type: SessionType = f
        .enumeration("session_type", SessionType::VALUES)
        .unwrap_or_default();
    let external_user_id = f.string("external_user_id", 1, limits::EXTERNAL_USER_ID_MAX);
    let ttl_seconds = f
        .int_in("ttl_seconds", limits::TTL_SECONDS)
        .unwrap_or(limits::TTL_DEFAULT);
    let launch_ttl_seconds = f
        .int_in("launch_ttl_seconds", limits::LAUNCH_TTL_SECONDS)
        .unwrap_or(limits::LAUNCH_TTL_DEFAULT);
    let page_given = f.present("launch_page");
    let launch_page: LaunchPage = f
        .enumeration("launch_page", LaunchPage::VALUES)
        .unwrap_or_default();
    if page_given && !can_launch_on(session_type, launch_page) {
        let allowed = LaunchPage::VALUES
            .iter()
            .filter(|p| p.parse().is_ok_and(|p| can_launch_on(session_type, p)))
            .copied()
            .collect::<Vec<_>>()
            .join(", ");
        f.fail(
            "launch_page",
            format!("{session_type} sessions can launch on: {allowed}"),
        );
    }

    let mut resource_pair = [("resource", None), ("resource_id", None)];
    for (key, slot) in resource_pair.iter_mut() {
        let given = f.present(key);
        match (session_type, given) {
            (SessionType::Resource, false) => f.fail(key, "is required for resource sessions"),
            (SessionType::Resource, true) => match f.string(key, 1, limits::RESOURCE_MAX) {
                Some(v) if is_resource_token(&v) => *slot = Some(v),
                Some(_) => f.fail(key, "must match ^[A-Za-z0-9._:-]{1,64}$"),
                None => {}
            },
            (_, true) => f.fail(key, "is only allowed for resource sessions"),
            (_, false) => {}
        }
    }
    let [(_, resource), (_, resource_id)] = resource_pair;

    let mut allowed_origins: Vec<Origin> = vec![];
    for (i, raw) in f
        .string_array("allowed_origins", limits::ALLOWED_ORIGINS_MAX)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        match Origin::parse(raw) {
            Ok(o) if !allowed_origins.contains(&o) => allowed_origins.push(o),
            Ok(_) => {}
            Err(e) => f.fail(&format!("allowed_origins[{i}]"), e.to_string()),
        }
    }
    let mut scopes: Vec<Scope> = vec![];
    for raw in f
        .string_array("scopes", limits::SCOPES_MAX)
        .unwrap_or_default()
    {
        match raw.parse::<Scope>() {
            Ok(s) if !scopes.contains(&s) => scopes.push(s),
            Ok(_) => {}
            Err(()) => f.fail(
                "scopes",
                format!(
                    "unknown scope {raw:?}; allowed: {}",
                    Scope::VALUES.join(", ")
                ),
            ),
        }
    }
    f.finish("Invalid session request")?;
    Ok(NewSession {
        workspace_id: workspace_id.unwrap_or_default(),
        role,
        session_type,
        external_user_id,
        ttl_seconds,
        launch_ttl_seconds,
        launch_page,
        resource: resource.zip(resource_id),
        allowed_origins,
        scopes,
    })
}

pub fn hash_launch_token(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Stored session, as needed for tokens, records and launches.
pub struct SessionRow {
    pub id: String,
    pub workspace_id: String,
    pub role: Role,
    pub session_type: SessionType,
    pub resource: Option<String>,
    pub resource_id: Option<String>,
    pub external_user_id: Option<String>,
    pub scopes: Vec<Scope>,
    pub allowed_origins: Vec<Origin>,
    pub launch_page: LaunchPage,
    pub ttl_seconds: i64,
    pub status: SessionStatus,
    pub generation: u32,
    pub created_at: String,
    pub expires_at: String,
    pub launch_expires_at: String,
    pub launch_used: bool,
    pub seq: i64,
}

pub const SESSION_COLUMNS: &str = "id, workspace_id, role, session_type, resource, resource_id, \
    external_user_id, scopes, allowed_origins, launch_page, ttl_seconds, status, generation, \
    created_at, expires_at, launch_expires_at, launch_used_at IS NOT NULL, seq";

fn parse_col<T: std::str::FromStr>(s: String) -> rusqlite::Result<T> {
    s.parse().map_err(|_| rusqlite::Error::InvalidQuery)
}

impl SessionRow {
    pub fn from_row(r: &Row) -> rusqlite::Result<SessionRow> {
        Ok(SessionRow {
            id: r.get(0)?,
            workspace_id: r.get(1)?,
            role: parse_col(r.get(2)?)?,
            session_type: parse_col(r.get(3)?)?,
            resource: r.get(4)?,
            resource_id: r.get(5)?,
            external_user_id: r.get(6)?,
            scopes: serde_json::from_str(&r.get::<_, String>(7)?).unwrap_or_default(),
            allowed_origins: serde_json::from_str(&r.get::<_, String>(8)?).unwrap_or_default(),
            launch_page: parse_col(r.get(9)?)?,
            ttl_seconds: r.get(10)?,
            status: if r.get::<_, String>(11)? == "active" {
                SessionStatus::Active
            } else {
                SessionStatus::Revoked
            },
            generation: r.get(12)?,
            created_at: r.get(13)?,
            expires_at: r.get(14)?,
            launch_expires_at: r.get(15)?,
            launch_used: r.get(16)?,
            seq: r.get(17)?,
        })
    }

    pub fn load(state: &AppState, id: &str) -> ApiResult<Option<SessionRow>> {
        let sql = format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE id = ?1");
        Ok(state
            .db
            .conn()
            .query_row(&sql, [id], SessionRow::from_row)
            .optional()?)
    }

    fn claims(&self, now: OffsetDateTime) -> AccessClaims {
        AccessClaims {
            iss: TOKEN_ISSUER.into(),
            aud: TOKEN_AUDIENCE.into(),
            sid: self.id.clone(),
            ws: self.workspace_id.clone(),
            role: self.role,
            st: self.session_type,
            scp: self.scopes.clone(),
            res: self.resource.clone(),
            rid: self.resource_id.clone(),
            generation: self.generation,
            iat: now.unix_timestamp(),
            exp: now.unix_timestamp() + self.ttl_seconds,
        }
    }
}

pub async fn create(
    State(state): State<AppState>,
    _: Management,
    JsonObject(map): JsonObject,
) -> ApiResult<Json<SessionCreated>> {
    let new = validate(&map)?;
    let now = state.clock.now();
    let exists: bool = state.db.conn().query_row(
        "SELECT EXISTS(SELECT 1 FROM workspaces WHERE id = ?1)",
        [&new.workspace_id],
        |r| r.get(0),
    )?;
    if !exists {
        return Err(ApiError::not_found("Workspace"));
    }
    let id = format!("sess_{}", uuid::Uuid::new_v4());
    let secret: [u8; 32] = rand::random();
    let launch_token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret);
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
    let exists: bool = state.db.conn().query_row(
        "SELECT EXISTS(SELECT 1 FROM workspaces WHERE id = ?1)",
        [&workspace_id],
        |r| r.get(0),
    )?;
    if !exists {
        return Err(ApiError::not_found("Workspace"));
    }
    let sql = format!(
        "SELECT {SESSION_COLUMNS} FROM sessions WHERE workspace_id = ?1 AND seq < ?2 \
         AND (?3 IS NULL OR status = ?3) AND (?4 IS NULL OR resource = ?4) AND (?5 IS NULL OR resource_id = ?5) \
         ORDER BY seq DESC LIMIT ?6"
    );
    let rows: Vec<SessionRow> = {
        let conn = state.db.conn();
        let mut stmt = conn.prepare(&sql)?;
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
        .collect::<Result<_, _>>()?
    };
    let now = ts(state.clock.now());
    let more = rows.len() > page.limit as usize;
    let rows = &rows[..rows.len().min(page.limit as usize)];
    let records: Vec<SessionRecord> = rows
        .iter()
        .map(|r| SessionRecord {
            session_id: r.id.clone(),
            workspace_id: r.workspace_id.clone(),
            role: r.role,
            external_user_id: r.external_user_id.clone(),
            status: r.status,
            created_at: r.created_at.clone(),
            expires_at: r.expires_at.clone(),
            is_expired: r.expires_at <= now,
            session_type: r.session_type,
            resource: r.resource.clone(),
            resource_id: r.resource_id.clone(),
        })
        .collect();
    Ok(Json(Page {
        count: records.len() as u32,
        limit: page.limit,
        next_cursor: more
            .then(|| rows.last().map(|r| encode_cursor(r.seq)))
            .flatten(),
        records,
    }))
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
