//! Events in (meshes-spec §6.6): `POST /events` and `POST /events/bulk` (1–100 records, 201
//! when all were accepted, 207 with each record's fate otherwise). Every accepted event is
//! fanned out to the rules it matches and the engine is woken for them.

use super::sender::Sender;
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::meshes::api::validate::{Fields, is_resource_token, is_uuid};
use crate::store::db::ts;
use crate::store::delivery::{Incoming, ingest};
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use meshes_protocol::api::{
    BulkRecord, BulkResult, EventCreated, MAX_BULK, MAX_EVENT_PAYLOAD, valid_event_key,
};
use serde_json::{Map, Value};

routes! {
    POST "/events" => create,
    POST "/events/bulk" => bulk,
}

/// Largest bulk request body (a single event's is the API's 64 KiB).
pub const MAX_BULK_BODY: usize = 1024 * 1024;

/// One record, checked and bound to its workspace.
struct Valid {
    workspace: String,
    event: String,
    resource: Option<String>,
    resource_id: Option<String>,
    payload: Value,
}

fn check(sender: &Sender, state: &AppState, map: &Map<String, Value>) -> ApiResult<Valid> {
    let mut f = Fields::new(
        map,
        &[
            "event",
            "payload",
            "resource",
            "resource_id",
            "type",
            "workspace",
        ],
    );
    let event = f.string("event", 1, 128);
    if event.as_deref().is_some_and(|e| !valid_event_key(e)) {
        f.fail(
            "event",
            "must be dot-separated lowercase words, like contact.created",
        );
    } else if event.is_none() && !f.present("event") {
        f.fail("event", "is required");
    }
    let payload = map.get("payload").cloned().unwrap_or(Value::Null);
    if !payload.is_object() {
        f.fail("payload", "must be a JSON object");
    } else if payload.to_string().len() > MAX_EVENT_PAYLOAD {
        f.fail(
            "payload",
            format!("must be at most {} KiB", MAX_EVENT_PAYLOAD / 1024),
        );
    }
    let token = |f: &mut Fields, key: &str| {
        let v = f.string(key, 1, 64);
        if v.as_deref().is_some_and(|v| !is_resource_token(v)) {
            f.fail(key, "must match ^[A-Za-z0-9._:-]{1,64}$");
        }
        v
    };
    let mut resource = token(&mut f, "resource");
    let mut resource_id = token(&mut f, "resource_id");
    if let Some(kind) = f.string("type", 1, 16)
        && kind != "event"
    {
        f.fail("type", "must be \"event\"");
    }
    let named = f.string("workspace", 1, 64);
    if named.as_deref().is_some_and(|w| !is_uuid(w)) {
        f.fail("workspace", "must be a workspace id");
    }
    let workspace = match (sender.own_workspace(), &named) {
        (Some(own), Some(w)) if own != w => {
            if matches!(sender, Sender::Publishable { .. }) {
                f.fail("workspace", "is not the workspace of this publishable key");
                None
            } else {
                f.finish("Invalid event")?;
                return Err(ApiError::not_found("Workspace"));
            }
        }
        (Some(own), _) => Some(own.to_owned()),
        (None, Some(w)) => Some(w.clone()),
        (None, None) => {
            f.fail("workspace", "is required with the management key");
            None
        }
    };
    if let Sender::Session(s) = sender
        && let Some((r, id)) = s.resource_scope()
    {
        let outside = resource.as_deref().is_some_and(|x| x != r)
            || resource_id.as_deref().is_some_and(|x| x != id);
        if outside {
            f.finish("Invalid event")?;
            return Err(ApiError::forbidden(format!(
                "This session may only send events for {r} {id}"
            )));
        }
        (resource, resource_id) = (Some(r.to_owned()), Some(id.to_owned()));
    }
    f.finish("Invalid event")?;
    let (Some(workspace), Some(event)) = (workspace, event) else {
        return Err(ApiError::internal("checked fields missing"));
    };
    crate::meshes::api::workspaces::require_workspace(state, &workspace)?;
    Ok(Valid {
        workspace,
        event,
        resource,
        resource_id,
        payload,
    })
}

/// Write the records in one transaction, off the async workers (it may wait for the writer).
async fn store(
    state: &AppState,
    sender: &Sender,
    records: Vec<Valid>,
) -> ApiResult<Vec<meshes_protocol::api::Event>> {
    let (s, created_by) = (state.clone(), sender.created_by());
    let events = tokio::task::spawn_blocking(move || write(&s, &created_by, &records))
        .await
        .map_err(ApiError::internal)??;
    state.engine.wake();
    Ok(events)
}

fn write(
    state: &AppState,
    created_by: &str,
    records: &[Valid],
) -> ApiResult<Vec<meshes_protocol::api::Event>> {
    let (now, now_ms) = (ts(state.clock.now()), state.clock.now_ms());
    let mut conn = state.db.conn();
    let tx = conn.transaction()?;
    let mut events = Vec::with_capacity(records.len());
    for v in records {
        let incoming = Incoming {
            workspace: &v.workspace,
            event: &v.event,
            resource: v.resource.as_deref(),
            resource_id: v.resource_id.as_deref(),
            payload: &v.payload,
            created_by,
        };
        events.push(ingest(&tx, &incoming, &now, now_ms)?);
    }
    tx.commit()?;
    Ok(events)
}

/// Largest single-event body: the API's usual limit (only bulk may send more).
const MAX_EVENT_BODY: usize = 64 * 1024;

/// `POST /api/v1/events` -> 201 `{event}`.
pub async fn create(
    State(state): State<AppState>,
    sender: Sender,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> ApiResult<(StatusCode, Json<EventCreated>)> {
    let body = body.map_err(|e| ApiError::new(e.status(), e.body_text()))?;
    if body.len() > MAX_EVENT_BODY {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "A single event's body must be at most {} KiB; send more with /events/bulk",
                MAX_EVENT_BODY / 1024
            ),
        ));
    }
    let map = crate::meshes::api::validate::json_object(&body)?;
    let valid = check(&sender, &state, &map)?;
    let event = store(&state, &sender, vec![valid]).await?.remove(0);
    Ok((StatusCode::CREATED, Json(EventCreated { event })))
}

/// `POST /api/v1/events/bulk` `[record, …]` -> 201 or 207 `{count, error_count, records}`.
pub async fn bulk(
    State(state): State<AppState>,
    sender: Sender,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> ApiResult<(StatusCode, Json<BulkResult>)> {
    let body = body.map_err(|e| ApiError::new(e.status(), e.body_text()))?;
    let items = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Array(items)) => items,
        Ok(_) => return Err(ApiError::param("body", "must be a JSON array of events")),
        Err(e) => return Err(ApiError::param("body", format!("is not valid JSON: {e}"))),
    };
    if items.is_empty() || items.len() > MAX_BULK {
        return Err(ApiError::param(
            "body",
            format!("must hold 1 to {MAX_BULK} events (it has {})", items.len()),
        ));
    }
    let mut valid = vec![];
    let mut records = vec![];
    for (i, item) in items.iter().enumerate() {
        let checked = match item {
            Value::Object(map) => check(&sender, &state, map),
            _ => Err(ApiError::param("body", "must be a JSON object")),
        };
        match checked {
            Ok(v) => valid.push((i, v)),
            Err(e) if e.status.is_server_error() => return Err(e),
            Err(e) => records.push(BulkRecord {
                index: i as u32,
                status: e.status.as_u16(),
                event: None,
                error: e.body().error,
            }),
        }
    }
    let (indexes, accepted): (Vec<usize>, Vec<Valid>) = valid.into_iter().unzip();
    let events = store(&state, &sender, accepted).await?;
    let count = events.len() as u32;
    records.extend(
        indexes
            .into_iter()
            .zip(events)
            .map(|(i, event)| BulkRecord {
                index: i as u32,
                status: 201,
                event: Some(event),
                error: None,
            }),
    );
    records.sort_by_key(|r| r.index);
    let errors = items.len() as u32 - count;
    let status = if errors == 0 {
        StatusCode::CREATED
    } else {
        StatusCode::MULTI_STATUS
    };
    Ok((
        status,
        Json(BulkResult {
            count,
            error_count: Some(errors),
            records,
        }),
    ))
}
