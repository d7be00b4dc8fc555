//! Workspaces (management) and the workspace-scoped reads the embed pages need.

use crate::AppState;
use crate::auth::{Caller, Management};
use crate::db::ts;
use crate::error::{ApiError, ApiResult};
use crate::validate::{Fields, JsonObject, PageQuery, QueryMap, paginate};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use meshes_protocol::EmbedPage;
use meshes_protocol::access::can_open;
use meshes_protocol::api::{
    Connection, InactiveReason, Page, PublishableKey, Workspace, WorkspaceCreated, WorkspaceDetail,
};
use rusqlite::{OptionalExtension, Row, params};

const WORKSPACE_COLUMNS: &str = "id, name, description, created_at, updated_at, seq, public_key";

fn workspace_from_row(r: &Row) -> rusqlite::Result<(Workspace, i64, String)> {
    Ok((
        Workspace {
            id: r.get(0)?,
            name: r.get(1)?,
            description: r.get(2)?,
            created_at: r.get(3)?,
            updated_at: r.get(4)?,
        },
        r.get(5)?,
        r.get(6)?,
    ))
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
    crate::catalog::ensure_defaults(&conn, &id, state.clock.now())?;
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
        .conn()
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
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<WorkspaceDetail>> {
    caller.check_workspace(&id)?;
    let (workspace, public_key) =
        load(&state, &id)?.ok_or_else(|| ApiError::not_found("Workspace"))?;
    Ok(Json(WorkspaceDetail {
        workspace,
        publishable_key: PublishableKey {
            public_key,
            name: "Default".into(),
        },
    }))
}

pub fn connection_from_row(r: &Row) -> rusqlite::Result<(Connection, i64)> {
    let reason: Option<String> = r.get(6)?;
    Ok((
        Connection {
            id: r.get(0)?,
            workspace: r.get(1)?,
            kind: r.get(2)?,
            name: r.get(3)?,
            metadata: serde_json::from_str(&r.get::<_, String>(4)?).unwrap_or_default(),
            action_data: None,
            active: r.get(5)?,
            inactive_reason: reason
                .and_then(|s| serde_json::from_value::<InactiveReason>(s.into()).ok()),
            hidden: r.get(7)?,
            created_by: r.get(8)?,
            created_at: r.get(9)?,
            updated_at: r.get(10)?,
        },
        r.get(11)?,
    ))
}

pub const CONNECTION_COLUMNS: &str = "id, workspace_id, type, name, metadata, active, inactive_reason, hidden, created_by, created_at, updated_at, seq";

/// Refuse pages the session type may not open, on the server, whatever the UI shows.
pub fn require_page(caller: &Caller, page: EmbedPage) -> ApiResult<()> {
    match caller.session() {
        Some(s) if !can_open(s.session_type, page) => Err(ApiError::forbidden(format!(
            "{} are not available in {} sessions",
            page.title(),
            s.session_type
        ))),
        _ => Ok(()),
    }
}

pub async fn connections(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    QueryMap(q): QueryMap,
) -> ApiResult<Json<Page<Connection>>> {
    caller.check_workspace(&id)?;
    // The Connections page lists them; the rule builder (Rules page) picks from them.
    if require_page(&caller, EmbedPage::Connections).is_err() {
        require_page(&caller, EmbedPage::Rules)?;
    }
    let page = PageQuery::from_query(&q)?;
    require_workspace(&state, &id)?;
    // Hidden connections are internal plumbing: management callers see them, embeds do not.
    let include_hidden = caller.session().is_none();
    let conn = state.db.conn();
    let mut stmt = conn.prepare(&format!(
        "SELECT {CONNECTION_COLUMNS} FROM connections WHERE workspace_id = ?1 AND seq < ?2 AND deleted_at IS NULL \
         AND (?3 OR hidden = 0) ORDER BY seq DESC LIMIT ?4"
    ))?;
    let rows = stmt
        .query_map(
            params![id, page.before_seq(), include_hidden, page.limit + 1],
            connection_from_row,
        )?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Json(paginate(rows, page.limit)))
}
