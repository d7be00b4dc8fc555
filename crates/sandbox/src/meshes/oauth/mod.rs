//! The Meshes-hosted OAuth flow. The embed creates an attempt (bound to its session and
//! workspace) and opens `/oauth/start/{id}?key=…`. That page goes on to the provider only once
//! it knows who is asking: the window that opened it proves it is the embed that created the
//! attempt (a secret only the embed's memory holds), or the user confirms on a page that names
//! the workspace, the app and the provider. Then `state` + PKCE S256 are minted and the browser
//! is bound with a cookie; `/oauth/callback` checks all three, claims the attempt, exchanges the
//! code server-to-server with the `oauth2` crate, and stores the tokens server-side with the
//! connection in one transaction. The attempt's status is what the embed trusts.

pub mod attempts;
mod callback;
pub(crate) mod client;
mod pages;
mod start;
mod store;

pub use attempts::{cancel, create, get};
pub use callback::callback;
pub use pages::{done_js, start_js};
pub use start::{start, start_cancel, start_go};
pub(crate) use store::mark_revoked;
pub use store::provider_action_data;

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::store::db::{parse_ts, ts};
use meshes_protocol::api::{AttemptError, AttemptStatus, OauthAttempt, OauthMode};
use rusqlite::{OptionalExtension, Row, params};

/// Attempt row columns, read by name in `from_row`.
const COLUMNS: &str = "id, workspace_id, integration, mode, status, connection_id, reauthorize, \
    account, error_code, error_message, created_at, expires_at, completed_at, session_id, \
    return_to, nonce, pkce_verifier, binding_hash, start_hash, proof_hash";

/// The callback's claim on an attempt while it talks to the provider: shown as `started` on the
/// wire, but no second callback (a reload, a replay) can run the exchange again.
const EXCHANGING: &str = "exchanging";

#[derive(Clone)]
pub(crate) struct AttemptRow {
    pub api: OauthAttempt,
    pub session_id: String,
    pub return_to: Option<String>,
    pub nonce: Option<String>,
    pub pkce_verifier: Option<String>,
    pub binding_hash: Option<String>,
    pub start_hash: String,
    /// Hash of the secret the embed proves it holds at the start page.
    pub proof_hash: Option<String>,
    /// A callback is exchanging the code right now.
    pub exchanging: bool,
}

fn from_row(r: &Row) -> rusqlite::Result<AttemptRow> {
    let mode: String = r.get("mode")?;
    let status: String = r.get("status")?;
    let exchanging = status == EXCHANGING;
    let status = if exchanging {
        "started"
    } else {
        status.as_str()
    };
    let code: Option<String> = r.get("error_code")?;
    let message: Option<String> = r.get("error_message")?;
    Ok(AttemptRow {
        api: OauthAttempt {
            id: r.get("id")?,
            workspace: r.get("workspace_id")?,
            integration: r.get("integration")?,
            mode: match mode.as_str() {
                "tab" => OauthMode::Tab,
                "redirect" => OauthMode::Redirect,
                _ => OauthMode::Popup,
            },
            status: AttemptStatus::parse(status).unwrap_or(AttemptStatus::Failed),
            connection_id: r.get("connection_id")?,
            reauthorize: r.get("reauthorize")?,
            account: r.get("account")?,
            error: code.map(|code| AttemptError {
                code,
                message: message.unwrap_or_default(),
            }),
            start_url: None,
            start_proof: None,
            created_at: r.get("created_at")?,
            expires_at: r.get("expires_at")?,
            completed_at: r.get("completed_at")?,
        },
        session_id: r.get("session_id")?,
        return_to: r.get("return_to")?,
        nonce: r.get("nonce")?,
        pkce_verifier: r.get("pkce_verifier")?,
        binding_hash: r.get("binding_hash")?,
        start_hash: r.get("start_hash")?,
        proof_hash: r.get("proof_hash")?,
        exchanging,
    })
}

/// Load by a column (`id` or `state_hash`), expiring it first if its time is up. An exchange
/// in progress gets a minute more: it is bounded by the provider timeouts, and ending it under
/// a running exchange would throw away tokens the provider already issued.
pub(crate) fn load(state: &AppState, column: &str, value: &str) -> ApiResult<Option<AttemptRow>> {
    let now = state.clock.now();
    let conn = state.db.conn();
    conn.execute(
        &format!(
            "UPDATE oauth_attempts SET status = 'expired', error_code = 'expired', \
             error_message = ?2, completed_at = ?3, pkce_verifier = NULL \
             WHERE {column} = ?1 AND ((status IN ('pending', 'started') AND expires_at < ?3) \
             OR (status = '{EXCHANGING}' AND expires_at < ?4))"
        ),
        params![
            value,
            "The sign-in took longer than 10 minutes. Start again.",
            ts(now),
            ts(now - time::Duration::seconds(60))
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

/// How an unfinished attempt ends.
pub(crate) struct Outcome<'a> {
    pub status: AttemptStatus,
    /// `(code, message)` for every status but `completed`.
    pub error: Option<(&'a str, &'a str)>,
    pub connection_id: Option<&'a str>,
    pub account: Option<&'a str>,
}

impl<'a> Outcome<'a> {
    pub fn failed(status: AttemptStatus, code: &'a str, message: &'a str) -> Outcome<'a> {
        Outcome {
            status,
            error: Some((code, message)),
            connection_id: None,
            account: None,
        }
    }
}

/// Move an unfinished attempt (pending, started or exchanging) to a final status. Returns false
/// if something else finished it first: the database is the arbiter between the callback, a
/// cancel and the expiry.
pub(crate) fn finish(state: &AppState, id: &str, outcome: Outcome) -> ApiResult<bool> {
    finish_in(&state.db.conn(), ts(state.clock.now()), id, outcome)
}

pub(crate) fn finish_in(
    conn: &rusqlite::Connection,
    now: String,
    id: &str,
    o: Outcome,
) -> ApiResult<bool> {
    let n = conn.execute(
        &format!(
            "UPDATE oauth_attempts SET status = ?2, error_code = ?3, error_message = ?4, \
             connection_id = COALESCE(?5, connection_id), account = COALESCE(?6, account), \
             completed_at = ?7, pkce_verifier = NULL \
             WHERE id = ?1 AND status IN ('pending', 'started', '{EXCHANGING}')"
        ),
        params![
            id,
            o.status.as_str(),
            o.error.map(|e| e.0),
            o.error.map(|e| e.1),
            o.connection_id,
            o.account,
            now
        ],
    )?;
    Ok(n == 1)
}

/// Claim a started attempt for the one callback that may exchange its code.
pub(crate) fn claim(state: &AppState, id: &str) -> ApiResult<bool> {
    let n = state.db.conn().execute(
        &format!(
            "UPDATE oauth_attempts SET status = '{EXCHANGING}' WHERE id = ?1 AND status = 'started'"
        ),
        [id],
    )?;
    Ok(n == 1)
}

/// Why the session that created an attempt can no longer use it, in words for the hosted page;
/// `None` while it is alive (not revoked, within its 12-hour lifetime).
pub(crate) fn session_gone(state: &AppState, session_id: &str) -> ApiResult<Option<&'static str>> {
    let Some(row) = crate::meshes::api::sessions::SessionRow::load(state, session_id)? else {
        return Ok(Some(
            "The workspace session that started this sign-in no longer exists.",
        ));
    };
    if row.status != meshes_protocol::api::SessionStatus::Active {
        return Ok(Some(
            "The app ended the workspace session that started this sign-in (it was revoked), so nothing can be connected with it.",
        ));
    }
    let born = parse_ts(&row.created_at).unwrap_or_else(|| state.clock.now());
    if (state.clock.now() - born).whole_seconds()
        >= crate::meshes::api::sessions::MAX_SESSION_LIFETIME_SECS
    {
        return Ok(Some(
            "The workspace session that started this sign-in has expired (sessions last 12 hours).",
        ));
    }
    Ok(None)
}

pub(crate) fn expired(row: &AttemptRow, state: &AppState) -> bool {
    parse_ts(&row.api.expires_at).is_none_or(|t| t < state.clock.now())
}

pub(crate) fn not_found() -> ApiError {
    ApiError::not_found("OAuth attempt")
}
