//! Connections: read one, create (API-key and webhook types), update, delete (409 while active
//! rules use it unless forced), and the live action data. Secrets are split off on write and
//! stored apart from `metadata`, so no read path can return them.

mod write;

use write::{create, update};

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::meshes::api::caller::Caller;
use crate::meshes::api::caller::WorkspaceScope;
use crate::meshes::api::catalog::{integration, live_action_data};
use crate::meshes::api::validate::{Fields, JsonObject, is_uuid};
use crate::meshes::api::validate::{PageQuery, QueryMap, paginate};
use crate::store::db::ts;
use crate::store::rows::{CONNECTION_COLUMNS, connection_from_row};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use meshes_protocol::EmbedPage;
use meshes_protocol::access::Action;
use meshes_protocol::api::Page;
use meshes_protocol::api::{
    AuthType, Connection, ConnectionCreated, ConnectionDeleted, Integration, ParamError,
    check_metadata, valid_connection_name,
};
use rusqlite::{OptionalExtension, params};
use serde_json::{Map, Value};

routes! {
    GET "/workspaces/{id}/connections" => list,
    POST "/connections" => create,
    GET "/connections/{id}" => get,
    PUT "/connections/{id}" => update,
    DELETE "/connections/{id}" => delete,
    GET "/connections/{id}/actions" => actions,
}

/// Load a live connection the caller may see, or 404 (no existence oracle across workspaces).
pub fn visible(
    state: &AppState,
    caller: &Caller,
    id: &str,
) -> ApiResult<(Connection, Map<String, Value>)> {
    let sql = format!(
        "SELECT {CONNECTION_COLUMNS}, secrets FROM connections WHERE id = ?1 AND deleted_at IS NULL"
    );
    let row = state
        .db
        .conn()
        .query_row(&sql, [id], |r| {
            let secrets: String = r.get("secrets")?;
            Ok((
                connection_from_row(r)?.0,
                serde_json::from_str(&secrets).unwrap_or_default(),
            ))
        })
        .optional()?;
    let (c, secrets) = row.ok_or_else(|| ApiError::not_found("Connection"))?;
    caller
        .check_workspace(&c.workspace)
        .map_err(|_| ApiError::not_found("Connection"))?;
    if caller.session().is_some() && c.hidden {
        return Err(ApiError::not_found("Connection"));
    }
    Ok((c, secrets))
}

/// `GET /api/v1/connections/{id}`, with the live action data mirrored in.
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Connection>> {
    caller.require(EmbedPage::Connections, Action::Read)?;
    let (mut c, _) = visible(&state, &caller, &id)?;
    c.action_data = live_action_data(&c.kind).as_object().cloned();
    Ok(Json(c))
}

/// `GET /api/v1/connections/{id}/actions`: lists, channels, … the rule builder picks from.
pub async fn actions(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    // The rule builder needs this, so the Rules page (not Connections) gates it.
    caller.require(EmbedPage::Rules, Action::Read)?;
    let (c, secrets) = visible(&state, &caller, &id)?;
    if !c.active {
        return Err(ApiError::conflict(
            "This connection is inactive, so its live data cannot be loaded; reconnect it first",
        ));
    }
    match secrets
        .get("oauth")
        .and_then(|o| o.get("access_token"))
        .and_then(Value::as_str)
    {
        Some(token) => crate::meshes::oauth::provider_action_data(&state, &c, token)
            .await
            .map(Json),
        // Seeded connections hold no provider tokens; they get the same data from the catalog.
        None => Ok(Json(live_action_data(&c.kind))),
    }
}

/// `DELETE /api/v1/connections/{id}` `{force_delete?}` -> `{id, type}`.
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> ApiResult<Json<ConnectionDeleted>> {
    caller.require(EmbedPage::Connections, Action::Delete)?;
    let force = if body.iter().all(u8::is_ascii_whitespace) {
        false
    } else {
        let map = crate::meshes::api::validate::json_object(&body)?;
        let mut f = Fields::new(&map, &["force_delete"]);
        let force = f.bool("force_delete").unwrap_or(false);
        f.finish("Invalid request")?;
        force
    };
    let (c, _) = visible(&state, &caller, &id)?;
    let mut conn = state.db.conn();
    let tx = conn.transaction()?;
    let active_rules: u32 = tx.query_row(
        "SELECT COUNT(*) AS n FROM rules WHERE connection_id = ?1 AND active = 1 AND deleted_at IS NULL",
        [&id],
        |r| r.get("n"),
    )?;
    if active_rules > 0 && !force {
        let uses = if active_rules == 1 {
            "1 active rule uses this connection".to_owned()
        } else {
            format!("{active_rules} active rules use this connection")
        };
        return Err(ApiError::conflict(format!(
            "{uses}. Delete those rules first, or force delete to remove the connection and its rules together."
        ))
        .named("ConnectionInUse"));
    }
    let now = ts(state.clock.now());
    tx.execute("UPDATE rules SET deleted_at = ?2, active = 0 WHERE connection_id = ?1 AND deleted_at IS NULL", params![id, now])?;
    tx.execute(
        "UPDATE connections SET deleted_at = ?2, secrets = '{}' WHERE id = ?1",
        params![id, now],
    )?;
    tx.commit()?;
    Ok(Json(ConnectionDeleted {
        id: c.id,
        kind: c.kind,
    }))
}

pub async fn list(
    State(state): State<AppState>,
    WorkspaceScope { caller, workspace }: WorkspaceScope,
    QueryMap(q): QueryMap,
) -> ApiResult<Json<Page<Connection>>> {
    // The Connections page lists them; the rule builder (Rules page) picks from them.
    if caller.require_page(EmbedPage::Connections).is_err() {
        caller.require_page(EmbedPage::Rules)?;
    }
    let page = PageQuery::from_query(&q)?;
    // Hidden connections are internal plumbing: management callers see them, embeds do not.
    let include_hidden = caller.session().is_none();
    let conn = state.db.read();
    let mut stmt = conn.prepare(&format!(
        "SELECT {CONNECTION_COLUMNS} FROM connections WHERE workspace_id = ?1 AND seq < ?2 AND deleted_at IS NULL \
         AND (?3 OR hidden = 0) ORDER BY seq DESC LIMIT ?4"
    ))?;
    let rows = stmt
        .query_map(
            params![
                workspace.id,
                page.before_seq(),
                include_hidden,
                page.limit + 1
            ],
            connection_from_row,
        )?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Json(paginate(rows, page.limit)))
}
