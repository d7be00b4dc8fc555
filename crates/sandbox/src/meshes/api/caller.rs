//! Who is calling an endpoint both host backends and embed sessions may call, what they may do,
//! and [`WorkspaceScope`]: a `/workspaces/{id}/…` route's caller and workspace in one step.

use super::auth::{SessionAuth, bearer};
use super::workspaces::require_workspace;
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::secrets::same_secret;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use meshes_protocol::access::{Action, can_open, can_perform};
use meshes_protocol::api::Workspace;
use meshes_protocol::{EmbedPage, SessionType};

/// Endpoints that both a host backend and an embed session may call.
pub enum Caller {
    Management,
    Session(SessionAuth),
}

impl Caller {
    /// Sessions are bound to one workspace; any other id is "not found" (no existence oracle).
    pub fn check_workspace(&self, workspace_id: &str) -> ApiResult<()> {
        match self {
            Caller::Session(s) if s.workspace_id != workspace_id => {
                Err(ApiError::not_found("Workspace"))
            }
            _ => Ok(()),
        }
    }

    /// Refuse pages the session type may not open, on the server, whatever the UI shows.
    pub fn require_page(&self, page: EmbedPage) -> ApiResult<()> {
        match self.session() {
            Some(s) if !can_open(s.session_type, page) => Err(ApiError::forbidden(format!(
                "{} are not available in {} sessions",
                page.title(),
                s.session_type
            ))),
            _ => Ok(()),
        }
    }

    /// Embed sessions need the page and the role for the action (meshes_protocol::access);
    /// the management key may do anything in any workspace.
    pub fn require(&self, page: EmbedPage, action: Action) -> ApiResult<()> {
        let Some(s) = self.session() else {
            return Ok(());
        };
        self.require_page(page)?;
        if can_perform(s.session_type, s.role, action) {
            return Ok(());
        }
        let needs = match (s.session_type, action) {
            (SessionType::Dashboard, _) => "Dashboard sessions are read-only".to_owned(),
            (_, Action::Delete) => format!(
                "Deleting needs the owner role; this session has the {} role",
                s.role
            ),
            _ => format!(
                "Making changes needs the admin or owner role; this session has the {} role",
                s.role
            ),
        };
        Err(ApiError::forbidden(needs))
    }

    /// The `(resource, resource_id)` a list is narrowed to: a resource session's own pair,
    /// whatever the query asks for; otherwise the query's.
    pub fn resource_filter(
        &self,
        q: &std::collections::HashMap<String, String>,
    ) -> (Option<String>, Option<String>) {
        match self.session().and_then(|s| s.resource_scope()) {
            Some((r, i)) => (Some(r.to_owned()), Some(i.to_owned())),
            None => (q.get("resource").cloned(), q.get("resource_id").cloned()),
        }
    }

    pub fn created_by(&self) -> String {
        match self {
            Caller::Management => "api".into(),
            Caller::Session(s) => format!("embed:{}", s.session_id),
        }
    }

    pub fn session(&self) -> Option<&SessionAuth> {
        match self {
            Caller::Session(s) => Some(s),
            Caller::Management => None,
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Self> {
        let token = bearer(parts)?;
        if same_secret(token, &state.cfg.management_key) {
            return Ok(Caller::Management);
        }
        SessionAuth::from_request_parts(parts, state)
            .await
            .map(Caller::Session)
    }
}

/// A `/workspaces/{id}/…` route: the caller, and the workspace `id` as they may see it.
pub struct WorkspaceScope {
    pub caller: Caller,
    pub workspace: Workspace,
}

impl Caller {
    /// Workspace `id` as this caller may see it: a session sees only its own, and any other id,
    /// like one that does not exist, is the Meshes 404 (no existence oracle).
    pub fn workspace(&self, state: &AppState, id: &str) -> ApiResult<Workspace> {
        self.check_workspace(id)?;
        require_workspace(state, id)
    }
}

impl FromRequestParts<AppState> for WorkspaceScope {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Self> {
        let caller = Caller::from_request_parts(parts, state).await?;
        let Path(id) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::not_found("Workspace"))?;
        let workspace = caller.workspace(state, &id)?;
        Ok(WorkspaceScope { caller, workspace })
    }
}
