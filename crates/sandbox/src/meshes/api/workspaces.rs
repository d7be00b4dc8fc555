//! Workspaces (management) and the workspace-scoped reads the embed pages need.

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::meshes::api::auth::Management;
use crate::meshes::api::caller::WorkspaceScope;
use crate::meshes::api::validate::{Fields, JsonObject, PageQuery, QueryMap, paginate};
use crate::store::db::ts;
use crate::store::rows::{WORKSPACE_COLUMNS, workspace_from_row};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use meshes_protocol::api::{Page, PublishableKey, Workspace, WorkspaceCreated, WorkspaceDetail};
use rusqlite::{OptionalExtension, params};

routes! {
    GET "/workspaces" => list,
    POST "/workspaces" => create,
    GET "/workspaces/{id}" => get,
}

pub async fn list(
    State(state): State<AppState>,
    _: Management,
    QueryMap(q): QueryMap,
) -> ApiResult<Json<Page<Workspace>>> {
    let page = PageQuery::from_query(&q)?;
    let conn = state.db.conn();
    let mut stmt = conn.prepare(&format!(
        "SELECT {WORKSPACE_COLUMNS} FROM workspaces WHERE seq < ?1 ORDER BY seq DESC LIMIT ?2"
    ))?;
    let rows = stmt
        .query_map(
            params![page.before_seq(), page.limit + 1],
            workspace_from_row,
        )?
        .map(|r| r.map(|(w, seq, _)| (w, seq)))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Json(paginate(rows, page.limit)))
}

pub fn valid_workspace_name(s: &str) -> bool {
    (3..=50).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b' ' | b'_' | b'-'))
}

pub async fn create(
    State(state): State<AppState>,
    _: Management,
    JsonObject(map): JsonObject,
) -> ApiResult<(StatusCode, Json<WorkspaceCreated>)> {
    let mut f = Fields::new(&map, &["name", "description"]);
    let name = f.string("name", 3, 50);
    if name.as_deref().is_some_and(|n| !valid_workspace_name(n)) {
        f.fail("name", "may contain only letters, digits, spaces, _ and -");
    } else if !f.present("name") {
        f.fail("name", "is required");
    }
    let description = f.string("description", 0, 1024);
    f.finish("Invalid workspace")?;
    let name = name.unwrap_or_default();
    let now = ts(state.clock.now());
    let id = uuid::Uuid::new_v4().to_string();
    let public_key = format!("pk_test_{}", uuid::Uuid::new_v4().simple());
    let conn = state.db.conn();
    let inserted = conn.execute(
        "INSERT INTO workspaces (id, name, description, public_key, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        params![id, name, description, public_key, now],
    );
    match inserted {
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            return Err(ApiError::conflict(format!(
                "A workspace named {name:?} already exists"
            )));
        }
        other => other?,
    };
    crate::store::defaults::ensure_defaults(&conn, &id, state.clock.now())?;
    drop(conn);
    let workspace = Workspace {
        id,
        name,
        description,
        created_at: now.clone(),
        updated_at: now,
    };
    Ok((StatusCode::CREATED, Json(WorkspaceCreated { workspace })))
}

pub fn load(state: &AppState, id: &str) -> ApiResult<Option<(Workspace, String)>> {
    let sql = format!("SELECT {WORKSPACE_COLUMNS} FROM workspaces WHERE id = ?1");
    let row = state
        .db
        .read()
        .query_row(&sql, [id], workspace_from_row)
        .optional()?;
    Ok(row.map(|(w, _, key)| (w, key)))
}

/// The workspace, or the Meshes 404.
pub fn require_workspace(state: &AppState, id: &str) -> ApiResult<Workspace> {
    load(state, id)?
        .map(|(w, _)| w)
        .ok_or_else(|| ApiError::not_found("Workspace"))
}

pub async fn get(
    State(state): State<AppState>,
    scope: WorkspaceScope,
) -> ApiResult<Json<WorkspaceDetail>> {
    let (workspace, public_key) =
        load(&state, &scope.workspace.id)?.ok_or_else(|| ApiError::not_found("Workspace"))?;
    Ok(Json(WorkspaceDetail {
        workspace,
        publishable_key: PublishableKey {
            public_key,
            name: "Default".into(),
        },
    }))
}
