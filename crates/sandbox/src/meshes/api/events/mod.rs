//! Event history reads: list, detail with per-rule deliveries, and the scope-gated payload.
//! Events come in through `ingest`, sent by a `sender`.
//! Resource sessions only ever see events of their resource pair (others are "not found").

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::meshes::api::caller::Caller;
use crate::meshes::api::caller::WorkspaceScope;
use crate::meshes::api::validate::{PageQuery, QueryMap, check_resource_query, paginate};
use crate::store::rows::{EVENT_COLUMNS, event_from_row};
use axum::Json;
use axum::extract::{Path, State};
use meshes_protocol::EmbedPage;
use meshes_protocol::access::can_view_payload;
use meshes_protocol::api::{Event, Page, ParamError, RuleEvent, Status, Workspace};
use rusqlite::OptionalExtension;

mod history;
pub mod ingest;
pub mod sender;
pub use history::connection_ref;
use history::destinations;

routes! {
    GET "/workspaces/{id}/events" => list,
    GET "/events/{id}" => get,
    GET "/events/{id}/payload" => payload,
}

/// `GET /api/v1/workspaces/{id}/events?limit&cursor&event&status&resource&resource_id&since&until&connection`
/// (`connection`: events delivered to it, additive; each event lists its `destinations`).
pub async fn list(
    State(state): State<AppState>,
    WorkspaceScope {
        caller,
        workspace: Workspace { id, .. },
    }: WorkspaceScope,
    QueryMap(q): QueryMap,
) -> ApiResult<Json<Page<Event>>> {
    caller.require_page(EmbedPage::Events)?;
    let mut errors: Vec<ParamError> = vec![];
    let page = PageQuery::parse(&q, &mut errors);
    if let Some(s) = q.get("status").filter(|s| Status::parse(s).is_none()) {
        let allowed = Status::ALL.map(Status::as_str).join(", ");
        errors.push(ParamError::new(
            "status",
            format!("{s:?} is not one of: {allowed}"),
        ));
    }
    check_resource_query(&q, &mut errors);
    if q.get("event")
        .is_some_and(|e| e.is_empty() || e.len() > 128)
    {
        errors.push(ParamError::new("event", "must be 1–128 characters"));
    }
    // Time range on `created_at`: RFC 3339 instants, normalised to the stored format.
    let mut bound = |key: &str| -> Option<String> {
        let raw = q.get(key)?;
        match crate::store::db::parse_ts(raw) {
            Some(t) => Some(crate::store::db::ts(t)),
            None => {
                errors.push(ParamError::new(
                    key,
                    "must be an RFC 3339 time like 2026-03-15T12:00:00Z",
                ));
                None
            }
        }
    };
    let (since, until) = (bound("since"), bound("until"));
    let connection = q.get("connection");
    if connection.is_some_and(|c| !meshes_protocol::route::is_id(c)) {
        errors.push(ParamError::new("connection", "must be a connection id"));
    }
    if !errors.is_empty() {
        return Err(ApiError::bad_request("Invalid query", errors));
    }
    // A resource session's pair overrides whatever the query asks for.
    let (res, rid) = caller.resource_filter(&q);
    // Only the filters given become conditions (`?n IS NULL OR …` would keep SQLite from
    // using an index), and newest first by `seq` is a keyset: each page is one index range.
    let mut sql = format!("SELECT {EVENT_COLUMNS} FROM events WHERE workspace_id = ? AND seq < ?");
    let mut args: Vec<rusqlite::types::Value> = vec![id.clone().into(), page.before_seq().into()];
    let conditions = [
        ("event = ?", q.get("event").cloned()),
        ("status = ?", q.get("status").cloned()),
        ("resource = ?", res),
        ("resource_id = ?", rid),
        ("created_at >= ?", since),
        ("created_at < ?", until),
        (
            "EXISTS (SELECT 1 FROM rule_events re WHERE re.event_id = events.id AND re.connection_id = ?)",
            connection.cloned(),
        ),
    ];
    for (condition, value) in conditions {
        if let Some(v) = value {
            sql.push_str(" AND ");
            sql.push_str(condition);
            args.push(v.into());
        }
    }
    sql.push_str(" ORDER BY seq DESC LIMIT ?");
    args.push(i64::from(page.limit + 1).into());
    let conn = state.db.read();
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt
        .query_map(rusqlite::params_from_iter(args), event_from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    drop(stmt);
    let mut page = paginate(rows, page.limit);
    destinations(&conn, &caller, &mut page.records)?;
    Ok(Json(page))
}

/// Load one event the caller may see, or 404 (never 403: no existence oracle).
pub fn visible_event(state: &AppState, caller: &Caller, id: &str) -> ApiResult<(Event, String)> {
    caller.require_page(EmbedPage::EventDetail)?;
    let sql = format!("SELECT {EVENT_COLUMNS} FROM events WHERE id = ?1");
    let row = state
        .db
        .read()
        .query_row(&sql, [id], |r| {
            Ok((event_from_row(r)?.0, r.get::<_, String>("payload")?))
        })
        .optional()?;
    let (event, payload) = row.ok_or_else(|| ApiError::not_found("Event"))?;
    caller
        .check_workspace(&event.workspace)
        .map_err(|_| ApiError::not_found("Event"))?;
    if let Some((r, i)) = caller.session().and_then(|s| s.resource_scope())
        && (event.resource.as_deref() != Some(r) || event.resource_id.as_deref() != Some(i))
    {
        return Err(ApiError::not_found("Event"));
    }
    Ok((event, payload))
}

/// The event's deliveries, each naming its connection as the caller may see it: a deleted one
/// keeps its name, a hidden one has none for sessions (decision 83).
pub fn rule_events(state: &AppState, caller: &Caller, event: &Event) -> ApiResult<Vec<RuleEvent>> {
    let conn = state.db.read();
    let mut stmt = conn.prepare(
        "SELECT re.id, re.rule_id, re.connection_id, re.integration_type, re.status, re.attempt_count, \
         re.started_at, re.completed_at, re.last_error, re.created_at, c.name AS connection_name, \
         c.hidden AS connection_hidden, c.deleted_at IS NOT NULL AS connection_deleted \
         FROM rule_events re LEFT JOIN connections c ON c.id = re.connection_id \
         WHERE re.event_id = ?1 ORDER BY re.seq",
    )?;
    let rows = stmt.query_map([&event.id], |r| {
        let status: String = r.get("status")?;
        let (name, state) = connection_ref(caller, r)?;
        Ok(RuleEvent {
            connection_name: name,
            connection_state: Some(state),
            id: r.get("id")?,
            kind: "rule".into(),
            workspace: event.workspace.clone(),
            event: event.event.clone(),
            event_id: event.id.clone(),
            resource: event.resource.clone(),
            resource_id: event.resource_id.clone(),
            rule: r.get("rule_id")?,
            connection: r.get("connection_id")?,
            integration_type: r.get("integration_type")?,
            status: Status::parse(&status).unwrap_or(Status::Pending),
            attempt_count: r.get("attempt_count")?,
            started_at: r.get("started_at")?,
            completed_at: r.get("completed_at")?,
            last_error: r.get("last_error")?,
            created_by: "api".into(),
            created_at: r.get("created_at")?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// `GET /api/v1/events/{id}`: the event with its per-rule deliveries, never its payload.
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Event>> {
    let (mut event, _) = visible_event(&state, &caller, &id)?;
    event.rule_events = Some(rule_events(&state, &caller, &event)?);
    Ok(Json(event))
}

/// `GET /api/v1/events/{id}/payload`: embed sessions need admin|owner AND `events.payload:read`.
pub async fn payload(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Event>> {
    let (mut event, payload) = visible_event(&state, &caller, &id)?;
    if let Some(s) = caller.session()
        && !can_view_payload(s.role, &s.scopes)
    {
        return Err(ApiError::forbidden(
            "Viewing event payloads needs the admin or owner role and the events.payload:read scope",
        ));
    }
    event.rule_events = Some(rule_events(&state, &caller, &event)?);
    event.payload = Some(serde_json::from_str(&payload).unwrap_or_default());
    Ok(Json(event))
}
