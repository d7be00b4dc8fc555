//! Session API (management) and the embed launch exchange.

use crate::access::{LaunchPage, Role, Scope, SessionType};
use crate::origin::Origin;
use serde::{Deserialize, Serialize};

/// Documented ranges and limits of `POST /api/v1/sessions` (v2).
pub mod limits {
    pub const TTL_SECONDS: (i64, i64) = (300, 3600);
    pub const TTL_DEFAULT: i64 = 1800;
    pub const LAUNCH_TTL_SECONDS: (i64, i64) = (15, 60);
    pub const LAUNCH_TTL_DEFAULT: i64 = 30;
    pub const EXTERNAL_USER_ID_MAX: usize = 255;
    pub const ALLOWED_ORIGINS_MAX: usize = 10;
    pub const SCOPES_MAX: usize = 20;
    /// Decision: resource keys and ids use the rule `resource_id` alphabet, 1–64 chars.
    pub const RESOURCE_MAX: usize = 64;
}

/// Request body of `POST /api/v1/sessions`. The sandbox validates the raw JSON field by field
/// (so every error names its param); this typed form is what hosts and tests send.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CreateSession {
    pub workspace_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_type: Option<SessionType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_user_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ttl_seconds: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub launch_ttl_seconds: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub launch_page: Option<LaunchPage>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_origins: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Vec<String>>,
}

/// Response of `POST /api/v1/sessions` (HTTP 200).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionCreated {
    pub session_id: String,
    pub access_token: String,
    pub expires_in: u32,
    pub expires_at: String,
    pub launch_token: String,
    pub launch_expires_at: String,
    pub launch_url: String,
    pub workspace_id: String,
    pub role: Role,
    pub session_type: SessionType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
}

/// Response of `POST /api/v1/sessions/{id}/refresh`: same session, new access token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionRefreshed {
    pub session_id: String,
    pub access_token: String,
    pub expires_in: u32,
    pub expires_at: String,
    pub workspace_id: String,
    pub role: Role,
    pub session_type: SessionType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SessionStatus {
    Active,
    Revoked,
}

/// One record of `GET /api/v1/sessions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionRecord {
    pub session_id: String,
    pub workspace_id: String,
    pub role: Role,
    pub external_user_id: Option<String>,
    pub status: SessionStatus,
    pub created_at: String,
    pub expires_at: String,
    pub is_expired: bool,
    pub session_type: SessionType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
}

/// `DELETE /api/v1/sessions/{id}` -> `{"revoked": true}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRevoked {
    pub revoked: bool,
}

/// `POST /api/v1/embed/launch` body. The launch secret travels in the body, never in a URL the
/// server logs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LaunchExchange {
    pub launch_token: String,
    /// The non-secret `?session=` reference of the document that runs the exchange: it must name
    /// the token's session (the one whose `frame-ancestors` the document was served with).
    pub session_id: String,
    /// The embedding page's origin as the browser reports it. Checked against the session's
    /// `allowed_origins` before the token is spent, so a refused parent does not burn the launch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_origin: Option<String>,
}

/// What the runtime learns from a successful launch exchange. No credential: the access token
/// arrives separately through `meshes:auth`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionContext {
    pub session_id: String,
    pub workspace: WorkspaceRef,
    pub role: Role,
    pub scopes: Vec<Scope>,
    pub session_type: SessionType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    pub allowed_origins: Vec<Origin>,
    pub launch_page: LaunchPage,
}

/// `GET /api/v1/embed/session`: what the API knows about the presented session token. The
/// runtime calls it for every `meshes:auth` before using the token (binding + exact expiry).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub session_id: String,
    pub workspace_id: String,
    pub role: Role,
    pub session_type: SessionType,
    pub scopes: Vec<Scope>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    /// Seconds this token remains valid, by the server's clock (immune to client skew).
    pub expires_in: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceRef {
    pub id: String,
    pub name: String,
}

/// Query parameter carrying the non-secret session reference in launch URLs.
pub const LAUNCH_SESSION_PARAM: &str = "session";
/// Fragment/query key carrying the launch secret.
pub const LAUNCH_TOKEN_PARAM: &str = "launch";
