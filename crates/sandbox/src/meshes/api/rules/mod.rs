//! Rules: list with filters, read, create (checked against the integration's actions and the
//! connection's live data), the active toggle, delete, and "send test event".
//! Resource sessions see and create only rules pinned to their own resource pair.

mod check;
mod update;

use check::check_action;
use update::update;

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::meshes::api::caller::Caller;
use crate::meshes::api::caller::WorkspaceScope;
use crate::meshes::api::catalog::{integration, live_action_data};
use crate::meshes::api::connections;
use crate::meshes::api::validate::{
    Fields, JsonObject, PageQuery, QueryMap, check_resource_query, is_resource_token, is_uuid,
    paginate,
};
use crate::store::db::ts;
use crate::store::rows::{RULE_COLUMNS, rule_from_row};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use meshes_protocol::EmbedPage;
use meshes_protocol::access::Action;
use meshes_protocol::api::{
    EventCreated, InputKind, MAX_TEST_PAYLOAD, Page, ParamError, Rule, RuleCreated, RuleDeleted,
    Workspace, check_rule_metadata, valid_event_key,
};
use rusqlite::{OptionalExtension, params};
use serde_json::{Map, Value};

routes! {
    GET "/workspaces/{id}/rules" => list,
    POST "/rules" => create,
    GET "/rules/{id}" => get,
    PATCH "/rules/{id}" => update,
    DELETE "/rules/{id}" => delete,
    POST "/rules/{id}/test" => test_event,
}

/// `GET /api/v1/workspaces/{id}/rules?event&resource&resource_id&connection`
pub async fn list(
    State(state): State<AppState>,
    WorkspaceScope {
        caller,
        workspace: Workspace { id, .. },
    }: WorkspaceScope,
    QueryMap(q): QueryMap,
) -> ApiResult<Json<Page<Rule>>> {
    caller.require(EmbedPage::Rules, Action::Read)?;
    let mut errors = vec![];
    let page = PageQuery::parse(&q, &mut errors);
    check_resource_query(&q, &mut errors);
    if q.get("event").is_some_and(|e| !valid_event_key(e)) {
        errors.push(ParamError::new(
            "event",
            "must be an event type key like contact.created",
        ));
    }
    if q.get("connection").is_some_and(|c| !is_uuid(c)) {
        errors.push(ParamError::new("connection", "must be a connection id"));
    }
    if !errors.is_empty() {
        return Err(ApiError::bad_request("Invalid query", errors));
    }
    let (res, rid) = caller.resource_filter(&q);
    let include_hidden = caller.session().is_none();
    let conn = state.db.conn();
    let mut stmt = conn.prepare(&format!(
        "SELECT {RULE_COLUMNS} FROM rules WHERE workspace_id = ?1 AND seq < ?2 AND deleted_at IS NULL \
         AND (?3 IS NULL OR event = ?3) AND (?4 IS NULL OR resource = ?4) AND (?5 IS NULL OR resource_id = ?5) \
         AND (?6 IS NULL OR connection_id = ?6) AND (?7 OR hidden = 0) ORDER BY seq DESC LIMIT ?8"
    ))?;
    let rows = stmt
        .query_map(
            params![
                id,
                page.before_seq(),
                q.get("event"),
                res,
                rid,
                q.get("connection"),
                include_hidden,
                page.limit + 1
            ],
            rule_from_row,
        )?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Json(paginate(rows, page.limit)))
}

/// A live rule the caller may see, or 404.
pub fn visible(state: &AppState, caller: &Caller, id: &str) -> ApiResult<Rule> {
    let sql = format!("SELECT {RULE_COLUMNS} FROM rules WHERE id = ?1 AND deleted_at IS NULL");
    let rule = state
        .db
        .conn()
        .query_row(&sql, [id], rule_from_row)
        .optional()?;
    let (rule, _) = rule.ok_or_else(|| ApiError::not_found("Rule"))?;
    caller
        .check_workspace(&rule.workspace)
        .map_err(|_| ApiError::not_found("Rule"))?;
    if let Some(s) = caller.session() {
        let pinned = s.resource_scope().is_none_or(|(r, i)| {
            rule.resource.as_deref() == Some(r) && rule.resource_id.as_deref() == Some(i)
        });
        if rule.hidden || !pinned {
            return Err(ApiError::not_found("Rule"));
        }
    }
    Ok(rule)
}

/// `GET /api/v1/rules/{id}`
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Rule>> {
    caller.require(EmbedPage::Rules, Action::Read)?;
    Ok(Json(visible(&state, &caller, &id)?))
}

/// `POST /api/v1/rules` -> 201 `{rule}`.
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    JsonObject(map): JsonObject,
) -> ApiResult<(StatusCode, Json<RuleCreated>)> {
    caller.require(EmbedPage::Rules, Action::Write)?;
    let mut f = Fields::new(
        &map,
        &[
            "workspace",
            "connection",
            "event",
            "metadata",
            "resource",
            "resource_id",
            "active",
            "hidden",
        ],
    );
    let workspace = f.string("workspace", 36, 36).filter(|w| is_uuid(w));
    if workspace.is_none() {
        f.fail("workspace", "must be a workspace id");
    }
    let connection = f.string("connection", 36, 36).filter(|c| is_uuid(c));
    if connection.is_none() {
        f.fail("connection", "pick a connection");
    }
    let event = f.string("event", 1, 128);
    if !event.as_deref().is_some_and(valid_event_key) {
        f.fail("event", "pick an event type (a key like contact.created)");
    }
    let mut resource = f.string("resource", 1, 64);
    let mut resource_id = f.string("resource_id", 1, 64);
    for (k, v) in [("resource", &resource), ("resource_id", &resource_id)] {
        if v.as_deref().is_some_and(|v| !is_resource_token(v)) {
            f.fail(k, "must match ^[A-Za-z0-9._:-]{1,64}$");
        }
    }
    if resource_id.is_some() && resource.is_none() {
        f.fail("resource", "is required when resource_id is set");
    }
    let active = f.bool("active").unwrap_or(true);
    let hidden = f.management_bool("hidden", &caller).unwrap_or(false);
    let metadata = match map.get("metadata") {
        Some(Value::Object(m)) => m.clone(),
        _ => {
            f.fail("metadata", "must be an object with at least an action");
            Map::new()
        }
    };
    f.finish("Invalid rule")?;
    let (Some(workspace), Some(connection), Some(event)) = (workspace, connection, event) else {
        return Err(ApiError::param("body", "is incomplete"));
    };
    caller.workspace(&state, &workspace)?;
    if let Some((r, i)) = caller.session().and_then(|s| s.resource_scope()) {
        if resource.as_deref().is_some_and(|x| x != r)
            || resource_id.as_deref().is_some_and(|x| x != i)
        {
            return Err(ApiError::forbidden(format!(
                "This session may only create rules for {r} {i}"
            )));
        }
        (resource, resource_id) = (Some(r.to_owned()), Some(i.to_owned()));
    }
    let (conn_row, _) = connections::visible(&state, &caller, &connection)
        .map_err(|_| ApiError::param("connection", "is not a connection of this workspace"))?;
    if conn_row.workspace != workspace {
        return Err(ApiError::param(
            "connection",
            "is not a connection of this workspace",
        ));
    }
    let errors = check_action(&conn_row.kind, &metadata);
    if !errors.is_empty() {
        return Err(ApiError::bad_request("Invalid rule", errors));
    }
    let id = uuid::Uuid::new_v4().to_string();
    let now = ts(state.clock.now());
    state.db.conn().execute(
        "INSERT INTO rules (id, workspace_id, connection_id, type, event, resource, resource_id, metadata, active, hidden, created_by, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)",
        params![id, workspace, connection, conn_row.kind, event, resource, resource_id, Value::Object(metadata).to_string(), active, hidden, caller.created_by(), now],
    )?;
    let rule = visible(&state, &Caller::Management, &id)?;
    Ok((StatusCode::CREATED, Json(RuleCreated { rule })))
}

/// `DELETE /api/v1/rules/{id}` -> `{id, connection, type, event}`. Delivery history stays.
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<RuleDeleted>> {
    caller.require(EmbedPage::Rules, Action::Delete)?;
    let rule = visible(&state, &caller, &id)?;
    state.db.conn().execute(
        "UPDATE rules SET deleted_at = ?2, active = 0 WHERE id = ?1",
        params![id, ts(state.clock.now())],
    )?;
    Ok(Json(RuleDeleted {
        id: rule.id,
        connection: rule.connection,
        kind: rule.kind,
        event: rule.event,
    }))
}

/// `POST /api/v1/rules/{id}/test` `{payload}` -> 201 `{event}`: one event, delivered by this
/// rule only (inactive rules too: testing before switching on is the point).
pub async fn test_event(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonObject(map): JsonObject,
) -> ApiResult<(StatusCode, Json<EventCreated>)> {
    caller.require(EmbedPage::Rules, Action::Write)?;
    let mut f = Fields::new(&map, &["payload"]);
    let payload = map.get("payload").cloned().unwrap_or(Value::Null);
    if !payload.is_object() {
        f.fail("payload", "must be a JSON object");
    } else if payload.to_string().len() > MAX_TEST_PAYLOAD {
        f.fail(
            "payload",
            format!("must be at most {} KiB", MAX_TEST_PAYLOAD / 1024),
        );
    }
    f.finish("Invalid test event")?;
    let rule = visible(&state, &caller, &id)?;
    let event = crate::store::delivery::enqueue(&state, &rule, &payload, &caller.created_by())?;
    Ok((StatusCode::CREATED, Json(EventCreated { event })))
}
