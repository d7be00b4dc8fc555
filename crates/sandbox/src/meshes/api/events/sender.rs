//! Who sends events in (meshes-spec §6.11): a workspace's publishable key
//! (`X-Meshes-Publishable-Key`, accepted only here), the management key, or an embed session
//! that may write. Each is its own rate-limit key.

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::meshes::api::auth::SessionAuth;
use crate::meshes::api::caller::Caller;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use meshes_protocol::EmbedPage;
use meshes_protocol::access::Action;
use rusqlite::OptionalExtension;

pub const PUBLISHABLE_KEY_HEADER: &str = "x-meshes-publishable-key";

pub enum Sender {
    /// A publishable key: its workspace only.
    Publishable {
        workspace: String,
        key: String,
    },
    Management,
    Session(SessionAuth),
}

impl Sender {
    /// The workspace a key is bound to (the management key has none).
    pub fn own_workspace(&self) -> Option<&str> {
        match self {
            Sender::Publishable { workspace, .. } => Some(workspace),
            Sender::Session(s) => Some(&s.workspace_id),
            Sender::Management => None,
        }
    }

    pub fn created_by(&self) -> String {
        match self {
            Sender::Publishable { .. } => "publishable_key".into(),
            Sender::Management => "api".into(),
            Sender::Session(s) => format!("embed:{}", s.session_id),
        }
    }

    fn limit_key(&self) -> String {
        match self {
            Sender::Publishable { key, .. } => format!("pk:{key}"),
            Sender::Management => "management".into(),
            Sender::Session(s) => format!("session:{}", s.session_id),
        }
    }
}

impl FromRequestParts<AppState> for Sender {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Self> {
        let publishable = parts.headers.get(PUBLISHABLE_KEY_HEADER).cloned();
        let authorization = parts
            .headers
            .contains_key(axum::http::header::AUTHORIZATION);
        let sender = match (publishable, authorization) {
            (Some(_), true) => {
                return Err(ApiError::param(
                    "authorization",
                    "send either a publishable key or an Authorization header, not both",
                ));
            }
            (Some(key), false) => {
                let key = key
                    .to_str()
                    .map_err(|_| ApiError::unauthorized("Invalid publishable key"))?
                    .to_owned();
                let workspace: Option<String> = state
                    .db
                    .read()
                    .query_row(
                        "SELECT id FROM workspaces WHERE public_key = ?1",
                        [&key],
                        |r| r.get("id"),
                    )
                    .optional()?;
                let workspace =
                    workspace.ok_or_else(|| ApiError::unauthorized("Invalid publishable key"))?;
                Sender::Publishable { workspace, key }
            }
            (None, _) => {
                let caller = Caller::from_request_parts(parts, state).await?;
                caller.require(EmbedPage::Events, Action::Write)?;
                match caller {
                    Caller::Management => Sender::Management,
                    Caller::Session(s) => Sender::Session(s),
                }
            }
        };
        state.ingest_limits.check(&sender.limit_key())?;
        Ok(sender)
    }
}
