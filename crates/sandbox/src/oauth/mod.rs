//! The Meshes-hosted OAuth flow. The embed creates an attempt (bound to its session and
//! workspace) and opens `/oauth/start/{id}?key=…`; that page mints `state` + PKCE S256, binds the
//! browser with a cookie and sends the user to the provider; `/oauth/callback` checks all three,
//! exchanges the code server-to-server with the `oauth2` crate, keeps the tokens server-side and
//! creates (or re-authorizes) the connection. The attempt's status is what the embed trusts.

mod attempts;
mod hosted;
mod pages;
mod store;

pub use attempts::{cancel, create, get};
pub use hosted::{callback, start};
pub use pages::done_js;
pub use store::provider_action_data;

use crate::AppState;
use crate::db::{parse_ts, ts};
use crate::error::{ApiError, ApiResult};
use meshes_protocol::api::{AttemptError, AttemptStatus, OauthAttempt, OauthMode};
use rusqlite::{OptionalExtension, Row, params};

/// Attempt row columns, in `from_row` order.
const COLUMNS: &str = "id, workspace_id, integration, mode, status, connection_id, reauthorize, \
    account, error_code, error_message, created_at, expires_at, completed_at, session_id, \
    return_to, nonce, pkce_verifier, binding_hash, start_hash";

pub(crate) struct AttemptRow {
    pub api: OauthAttempt,
    pub session_id: String,
    pub return_to: Option<String>,
    pub nonce: Option<String>,
    pub pkce_verifier: Option<String>,
    pub binding_hash: Option<String>,
    pub start_hash: String,
}

fn from_row(r: &Row) -> rusqlite::Result<AttemptRow> {
    let mode: String = r.get(3)?;
    let status: String = r.get(4)?;
    let code: Option<String> = r.get(8)?;
    let message: Option<String> = r.get(9)?;
    Ok(AttemptRow {
        api: OauthAttempt {
            id: r.get(0)?,
            workspace: r.get(1)?,
            integration: r.get(2)?,
            mode: match mode.as_str() {
                "tab" => OauthMode::Tab,
                "redirect" => OauthMode::Redirect,
                _ => OauthMode::Popup,
            },
            status: AttemptStatus::parse(&status).unwrap_or(AttemptStatus::Failed),
            connection_id: r.get(5)?,
            reauthorize: r.get(6)?,
            account: r.get(7)?,
            error: code.map(|code| AttemptError {
                code,
                message: message.unwrap_or_default(),
            }),
            start_url: None,
            created_at: r.get(10)?,
            expires_at: r.get(11)?,
            completed_at: r.get(12)?,
        },
        session_id: r.get(13)?,
        return_to: r.get(14)?,
        nonce: r.get(15)?,
        pkce_verifier: r.get(16)?,
        binding_hash: r.get(17)?,
        start_hash: r.get(18)?,
    })
}

/// Load by a column (`id` or `state_hash`), expiring it first if its time is up.
pub(crate) fn load(state: &AppState, column: &str, value: &str) -> ApiResult<Option<AttemptRow>> {
    let now = state.clock.now();
    let conn = state.db.conn();
    conn.execute(
        &format!(
            "UPDATE oauth_attempts SET status = 'expired', error_code = 'expired', \
             error_message = ?2, completed_at = ?3 \
             WHERE {column} = ?1 AND status IN ('pending', 'started') AND expires_at < ?3"
        ),
        params![
            value,
            "The sign-in took longer than 10 minutes. Start again.",
            ts(now)
        ],
    )?;
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM oauth_attempts WHERE {column} = ?1"),
            [value],
            from_row,
        )
        .optional()?)
}

/// Move an unfinished attempt to a final status. Returns false if something else finished it
/// first (the database is the arbiter between the callback and a cancel).
pub(crate) fn finish(
    state: &AppState,
    id: &str,
    status: AttemptStatus,
    error: Option<(&str, &str)>,
    connection_id: Option<&str>,
    account: Option<&str>,
) -> ApiResult<bool> {
    let n = state.db.conn().execute(
        "UPDATE oauth_attempts SET status = ?2, error_code = ?3, error_message = ?4, \
         connection_id = COALESCE(?5, connection_id), account = COALESCE(?6, account), \
         completed_at = ?7, pkce_verifier = NULL \
         WHERE id = ?1 AND status IN ('pending', 'started')",
        params![
            id,
            status.as_str(),
            error.map(|e| e.0),
            error.map(|e| e.1),
            connection_id,
            account,
            ts(state.clock.now())
        ],
    )?;
    Ok(n == 1)
}

pub(crate) fn expired(row: &AttemptRow, state: &AppState) -> bool {
    parse_ts(&row.api.expires_at).is_none_or(|t| t < state.clock.now())
}

pub(crate) fn not_found() -> ApiError {
    ApiError::not_found("OAuth attempt")
}
