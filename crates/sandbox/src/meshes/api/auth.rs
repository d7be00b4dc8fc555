//! Credentials: the management key (host backends) and session access tokens (the embed).

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::secrets::same_secret;
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use meshes_protocol::{AccessClaims, Role, Scope, SessionType, TOKEN_AUDIENCE, TOKEN_ISSUER};

pub struct Keys {
    enc: EncodingKey,
    dec: DecodingKey,
}

impl Keys {
    pub fn new(secret: &[u8]) -> Keys {
        Keys {
            enc: EncodingKey::from_secret(secret),
            dec: DecodingKey::from_secret(secret),
        }
    }

    pub fn mint(&self, claims: &AccessClaims) -> ApiResult<String> {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.enc)
            .map_err(ApiError::internal)
    }

    /// Signature, algorithm, issuer and audience. Expiry is checked against the sandbox clock by
    /// the caller, so tests can move time.
    pub fn verify(&self, token: &str) -> Option<AccessClaims> {
        let mut v = Validation::new(Algorithm::HS256);
        v.set_audience(&[TOKEN_AUDIENCE]);
        v.set_issuer(&[TOKEN_ISSUER]);
        v.validate_exp = false;
        v.required_spec_claims.clear();
        jsonwebtoken::decode::<AccessClaims>(token, &self.dec, &v)
            .ok()
            .map(|d| d.claims)
    }
}

/// Exactly one `Authorization: Bearer <token>` header; tokens in query strings are refused.
pub(super) fn bearer(parts: &Parts) -> ApiResult<&str> {
    if parts
        .uri
        .query()
        .is_some_and(|q| q.split('&').any(|kv| kv.starts_with("access_token=")))
    {
        return Err(ApiError::param(
            "access_token",
            "send credentials in the Authorization header, never in the URL",
        ));
    }
    let mut values = parts.headers.get_all(AUTHORIZATION).iter();
    let (Some(value), None) = (values.next(), values.next()) else {
        return Err(ApiError::unauthorized("Authentication required"));
    };
    let value = value
        .to_str()
        .map_err(|_| ApiError::unauthorized("Authentication required"))?;
    let (scheme, token) = value
        .split_once(' ')
        .ok_or_else(|| ApiError::unauthorized("Authentication required"))?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() || token.contains(' ') {
        return Err(ApiError::unauthorized("Authentication required"));
    }
    Ok(token)
}

/// A caller holding the management key (a host backend).
pub struct Management;

impl FromRequestParts<AppState> for Management {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Self> {
        let token = bearer(parts)?;
        if same_secret(token, &state.cfg.management_key) {
            Ok(Management)
        } else {
            Err(ApiError::unauthorized("Invalid management credentials"))
        }
    }
}

/// An embed session, verified on every request: signature, expiry, and the session's live state
/// (not revoked, token generation current).
#[derive(Debug, Clone)]
pub struct SessionAuth {
    pub session_id: String,
    pub workspace_id: String,
    pub role: Role,
    pub session_type: SessionType,
    pub scopes: Vec<Scope>,
    pub resource: Option<String>,
    pub resource_id: Option<String>,
    /// Token expiry (unix seconds).
    pub exp: i64,
}

impl SessionAuth {
    /// The resource pair a resource session is locked to.
    pub fn resource_scope(&self) -> Option<(&str, &str)> {
        match (self.session_type, &self.resource, &self.resource_id) {
            (SessionType::Resource, Some(r), Some(id)) => Some((r, id)),
            _ => None,
        }
    }
}

impl FromRequestParts<AppState> for SessionAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Self> {
        let token = bearer(parts)?;
        let claims = state
            .keys
            .verify(token)
            .ok_or_else(|| ApiError::unauthorized("Authentication required"))?;
        if claims.exp <= state.clock.now().unix_timestamp() {
            return Err(ApiError::unauthorized(
                "Session token expired; request a refresh",
            ));
        }
        let row = state.db.read().query_row(
            "SELECT status, generation, workspace_id FROM sessions WHERE id = ?1",
            [&claims.sid],
            |r| {
                Ok((
                    r.get::<_, String>("status")?,
                    r.get::<_, u32>("generation")?,
                    r.get::<_, String>("workspace_id")?,
                ))
            },
        );
        let Ok((status, generation, workspace_id)) = row else {
            return Err(ApiError::unauthorized("Authentication required"));
        };
        if status != "active" {
            return Err(ApiError::unauthorized("Session revoked"));
        }
        if generation != claims.generation || workspace_id != claims.ws {
            return Err(ApiError::unauthorized(
                "Session token was replaced by a newer one; request a refresh",
            ));
        }
        Ok(SessionAuth {
            session_id: claims.sid,
            workspace_id: claims.ws,
            role: claims.role,
            session_type: claims.st,
            scopes: claims.scp,
            resource: claims.res,
            resource_id: claims.rid,
            exp: claims.exp,
        })
    }
}
