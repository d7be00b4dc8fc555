//! What a completed attempt leaves behind: the provider account's name, and a connection holding
//! the tokens server-side (created, or an existing one re-authorized and reactivated).

use super::AttemptRow;
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::meshes::api::catalog::integration;
use crate::store::db::ts;
use axum::http::StatusCode;
use meshes_protocol::api::Connection;
use rusqlite::{OptionalExtension, params};
use serde_json::{Value, json};

/// The provider account behind an access token (the name the user typed at the provider).
pub async fn fetch_account(state: &AppState, kind: &str, access: &str) -> Option<String> {
    let url = format!("{}/{kind}/api/me", state.cfg.provider_origin());
    let res = state
        .oauth_http
        .get(url)
        .bearer_auth(access)
        .send()
        .await
        .ok()?;
    let body: Value = res.error_for_status().ok()?.json().await.ok()?;
    body["account"]
        .as_str()
        .map(|a| a.chars().take(60).collect())
}

/// Why a completed sign-in stores nothing.
pub enum Refusal {
    /// The connection to re-authorize was deleted meanwhile.
    ConnectionGone,
    /// Re-authorizing with a different provider account than the connection's.
    AccountMismatch { connected: String },
}

impl Refusal {
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::ConnectionGone => "connection_gone",
            Refusal::AccountMismatch { .. } => "account_mismatch",
        }
    }

    pub fn message(&self, signed_in_as: &str) -> String {
        match self {
            Refusal::ConnectionGone => {
                "The connection to re-authorize was deleted meanwhile. Nothing was changed.".into()
            }
            Refusal::AccountMismatch { connected } => format!(
                "You signed in as {signed_in_as}, but this connection belongs to {connected}. Nothing was changed: reconnect with {connected}, or connect {signed_in_as} as a new connection."
            ),
        }
    }
}

/// Create the connection, or re-authorize the attempt's one, inside the caller's transaction.
/// A re-authorization keeps the connection's name and account, so it must be the same account.
pub fn store(
    conn: &rusqlite::Connection,
    now: &str,
    row: &AttemptRow,
    account: &str,
    secrets: Value,
) -> ApiResult<Result<String, Refusal>> {
    if let Some(cid) = &row.api.connection_id {
        let metadata: Option<String> = conn
            .query_row(
                "SELECT metadata FROM connections WHERE id = ?1 AND deleted_at IS NULL",
                [cid],
                |r| r.get("metadata"),
            )
            .optional()?;
        let Some(metadata) = metadata else {
            return Ok(Err(Refusal::ConnectionGone));
        };
        let mut metadata: Value = serde_json::from_str(&metadata).unwrap_or(json!({}));
        match metadata["account"].as_str() {
            Some(connected) if connected != account => {
                return Ok(Err(Refusal::AccountMismatch {
                    connected: connected.to_owned(),
                }));
            }
            // First account on record (seeded connections have none): remember it.
            _ => metadata["account"] = account.into(),
        }
        conn.execute(
            "UPDATE connections SET secrets = ?2, metadata = ?3, active = 1, inactive_reason = NULL, \
             updated_at = ?4 WHERE id = ?1 AND deleted_at IS NULL",
            params![cid, secrets.to_string(), metadata.to_string(), now],
        )?;
        return Ok(Ok(cid.clone()));
    }
    let base = format!(
        "{} ({account})",
        integration(&row.api.integration)
            .map(|i| i.name.as_str())
            .unwrap_or(&row.api.integration)
    );
    // Names are unique per workspace: a second account of the same app gets " 2", " 3", …
    let mut name = base.clone();
    for n in 2.. {
        let taken: Option<i64> = conn
            .query_row(
                "SELECT 1 AS taken FROM connections WHERE workspace_id = ?1 AND name = ?2 AND deleted_at IS NULL",
                params![row.api.workspace, name],
                |r| r.get("taken"),
            )
            .optional()?;
        if taken.is_none() {
            break;
        }
        name = format!("{base} {n}");
    }
    let id = uuid::Uuid::new_v4().to_string();
    conn.execute(
        "INSERT INTO connections (id, workspace_id, type, name, metadata, secrets, created_by, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
        params![
            id,
            row.api.workspace,
            row.api.integration,
            name,
            json!({ "account": account }).to_string(),
            secrets.to_string(),
            format!("embed:{}", row.session_id),
            now
        ],
    )?;
    Ok(Ok(id))
}

/// The provider no longer accepts the connection's authorization: it needs reconnecting.
pub(crate) fn mark_revoked(state: &AppState, connection: &str) -> rusqlite::Result<usize> {
    state.db.conn().execute(
        "UPDATE connections SET active = 0, inactive_reason = 'oauth_authorization_revoked', \
         updated_at = ?2 WHERE id = ?1",
        params![connection, ts(state.clock.now())],
    )
}

/// Live action data of an OAuth connection, from the provider's API with its stored token. A
/// token the provider no longer accepts marks the connection `oauth_authorization_revoked`, so
/// the Connections page offers to reconnect it.
pub async fn provider_action_data(
    state: &AppState,
    c: &Connection,
    token: &str,
) -> ApiResult<Value> {
    let url = format!("{}/{}/api/action-data", state.cfg.provider_origin(), c.kind);
    let res = state.oauth_http.get(url).bearer_auth(token).send().await;
    let name = integration(&c.kind)
        .map(|i| i.name.as_str())
        .unwrap_or("The provider");
    match res {
        Ok(r) if r.status() == StatusCode::UNAUTHORIZED => {
            mark_revoked(state, &c.id)?;
            Err(ApiError::conflict(format!(
                "{name} no longer accepts this connection's authorization; reconnect it"
            )))
        }
        Ok(r) if r.status().is_success() => r.json().await.map_err(ApiError::internal),
        _ => Err(ApiError::new(
            StatusCode::BAD_GATEWAY,
            format!("{name} did not answer; try again in a moment"),
        )),
    }
}
