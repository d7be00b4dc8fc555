//! Stored sessions: the row, how it is read, and the claims its access tokens carry.

use crate::AppState;
use crate::error::ApiResult;
use meshes_protocol::access::{LaunchPage, Role, Scope, SessionType};
use meshes_protocol::api::{SessionRecord, SessionStatus};
use meshes_protocol::{AccessClaims, Origin, TOKEN_AUDIENCE, TOKEN_ISSUER};
use rusqlite::{OptionalExtension, Row};
use time::OffsetDateTime;

pub fn hash_launch_token(token: &str) -> String {
    crate::secrets::sha256_hex(token)
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
    created_at, expires_at, launch_expires_at, launch_used_at IS NOT NULL AS launch_used, seq";

fn parse_col<T: std::str::FromStr>(s: String) -> rusqlite::Result<T> {
    s.parse().map_err(|_| rusqlite::Error::InvalidQuery)
}

impl SessionRow {
    pub fn from_row(r: &Row) -> rusqlite::Result<SessionRow> {
        Ok(SessionRow {
            id: r.get("id")?,
            workspace_id: r.get("workspace_id")?,
            role: parse_col(r.get("role")?)?,
            session_type: parse_col(r.get("session_type")?)?,
            resource: r.get("resource")?,
            resource_id: r.get("resource_id")?,
            external_user_id: r.get("external_user_id")?,
            scopes: serde_json::from_str(&r.get::<_, String>("scopes")?).unwrap_or_default(),
            allowed_origins: serde_json::from_str(&r.get::<_, String>("allowed_origins")?)
                .unwrap_or_default(),
            launch_page: parse_col(r.get("launch_page")?)?,
            ttl_seconds: r.get("ttl_seconds")?,
            status: if r.get::<_, String>("status")? == "active" {
                SessionStatus::Active
            } else {
                SessionStatus::Revoked
            },
            generation: r.get("generation")?,
            created_at: r.get("created_at")?,
            expires_at: r.get("expires_at")?,
            launch_expires_at: r.get("launch_expires_at")?,
            launch_used: r.get("launch_used")?,
            seq: r.get("seq")?,
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

    pub(crate) fn claims(&self, now: OffsetDateTime) -> AccessClaims {
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

    /// The list-endpoint view; `now` is an RFC 3339 timestamp.
    pub fn record(self, now: &str) -> SessionRecord {
        SessionRecord {
            is_expired: self.expires_at.as_str() <= now,
            session_id: self.id,
            workspace_id: self.workspace_id,
            role: self.role,
            external_user_id: self.external_user_id,
            status: self.status,
            created_at: self.created_at,
            expires_at: self.expires_at,
            session_type: self.session_type,
            resource: self.resource,
            resource_id: self.resource_id,
        }
    }
}
