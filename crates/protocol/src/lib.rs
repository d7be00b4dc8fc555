//! Every wire type and message of meshes-embed, in one place.
//!
//! No web or server dependencies: the runtime (wasm), the sandbox (native) and the tests all use
//! the same definitions, so a shape can only change here.

pub mod access;
pub mod api;
pub mod appearance;
pub mod locale;
pub mod message;
pub mod navigation;
pub mod origin;
pub mod query;
pub mod route;

pub use access::{EmbedPage, LaunchPage, Role, Scope, SessionType};
pub use message::{EmbedMessage, ExpiredReason, HostMessage, RefreshReason};
pub use origin::Origin;
pub use route::EmbedRoute;

/// Claims inside a session access token (HS256 JWT). The runtime reads `sid` and `exp` without
/// verifying (only to bind the token to its session and schedule refreshes); the API verifies.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AccessClaims {
    pub iss: String,
    pub aud: String,
    /// Session id.
    pub sid: String,
    /// Workspace id.
    pub ws: String,
    pub role: Role,
    pub st: SessionType,
    #[serde(default)]
    pub scp: Vec<Scope>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub res: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rid: Option<String>,
    /// Token generation: a refresh bumps it, and older generations stop working.
    #[serde(rename = "gen")]
    pub generation: u32,
    pub iat: i64,
    pub exp: i64,
}

/// The part of [`AccessClaims`] the runtime reads before the API has checked a token: which
/// session and workspace it names, and its generation. Reading only these keeps the claims
/// reader (on the first page's critical path) small; other fields are ignored, not checked,
/// because the API verifies every request anyway.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct ClaimedSession {
    pub sid: String,
    pub ws: String,
    #[serde(rename = "gen")]
    pub generation: u32,
}

pub const TOKEN_ISSUER: &str = "meshes-sandbox";
pub const TOKEN_AUDIENCE: &str = "meshes-embed";
