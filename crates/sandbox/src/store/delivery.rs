//! Events and their deliveries as rows: a test event for one rule, an ingested event fanned
//! out to every rule it matches, and an event's status kept in line with its deliveries. The
//! engine that moves deliveries is `crate::engine`.

use crate::AppState;
use crate::error::ApiResult;
use crate::store::db::ts;
use crate::store::rows::{EVENT_COLUMNS, event_from_row};
use meshes_protocol::api::{Event, Rule, Status};
use rusqlite::{Connection, params};
use serde_json::Value;
use time::Duration;

/// Manual retries closer than this to a scheduled one are refused with 425.
pub const TOO_EARLY: Duration = Duration::seconds(2);

/// Create a test event (`is_test`) delivered by `rule` alone, due now.
pub fn enqueue(
    state: &AppState,
    rule: &Rule,
    payload: &Value,
    created_by: &str,
) -> ApiResult<Event> {
    let now = ts(state.clock.now());
    let event_id = uuid::Uuid::new_v4().to_string();
    let mut conn = state.db.conn();
    let tx = conn.transaction()?;
    tx.execute(
        "INSERT INTO events (id, workspace_id, event, resource, resource_id, status, payload, total_rules, created_by, created_at, is_test) \
         VALUES (?1, ?2, ?3, ?4, ?5, 'pending', ?6, 1, ?7, ?8, 1)",
        params![event_id, rule.workspace, rule.event, rule.resource, rule.resource_id, payload.to_string(), created_by, now],
    )?;
    tx.execute(
        "INSERT INTO rule_events (id, event_id, workspace_id, rule_id, connection_id, integration_type, status, created_at, due_ms) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', ?7, ?8)",
        params![uuid::Uuid::new_v4().to_string(), event_id, rule.workspace, rule.id, rule.connection, rule.kind, now, state.clock.now_ms()],
    )?;
    let sql = format!("SELECT {EVENT_COLUMNS} FROM events WHERE id = ?1");
    let (event, _) = tx.query_row(&sql, [&event_id], event_from_row)?;
    tx.commit()?;
    state.engine.wake();
    Ok(event)
}

/// An event as ingestion accepted it (already validated).
pub struct Incoming<'a> {
    pub workspace: &'a str,
    pub event: &'a str,
    pub resource: Option<&'a str>,
    pub resource_id: Option<&'a str>,
    pub payload: &'a Value,
    pub created_by: &'a str,
}

/// Store an ingested event and one delivery, due now, per active rule it matches (event name,
/// and the rule's resource filters if it has them). With no rule to match it is complete at once.
pub fn ingest(conn: &Connection, e: &Incoming, now: &str, now_ms: i64) -> rusqlite::Result<Event> {
    let event_id = uuid::Uuid::new_v4().to_string();
    conn.execute(
        "INSERT INTO events (id, workspace_id, event, resource, resource_id, status, payload, created_by, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, 'pending', ?6, ?7, ?8)",
        params![event_id, e.workspace, e.event, e.resource, e.resource_id, e.payload.to_string(), e.created_by, now],
    )?;
    let matching: Vec<(String, String, String)> = conn
        .prepare_cached(
            "SELECT r.id, r.connection_id, r.type FROM rules r JOIN connections c ON c.id = r.connection_id \
             WHERE r.workspace_id = ?1 AND r.event = ?2 AND r.active = 1 AND r.deleted_at IS NULL \
             AND c.deleted_at IS NULL AND (r.resource IS NULL OR r.resource = ?3) \
             AND (r.resource_id IS NULL OR r.resource_id = ?4) ORDER BY r.seq",
        )?
        .query_map(params![e.workspace, e.event, e.resource, e.resource_id], |r| {
            Ok((r.get("id")?, r.get("connection_id")?, r.get("type")?))
        })?
        .collect::<Result<_, _>>()?;
    for (rule, connection, kind) in matching {
        conn.execute(
            "INSERT INTO rule_events (id, event_id, workspace_id, rule_id, connection_id, integration_type, status, created_at, due_ms) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', ?7, ?8)",
            params![uuid::Uuid::new_v4().to_string(), event_id, e.workspace, rule, connection, kind, now, now_ms],
        )?;
    }
    recompute(conn, &event_id, now)?;
    let sql = format!("SELECT {EVENT_COLUMNS} FROM events WHERE id = ?1");
    conn.query_row(&sql, [&event_id], |r| Ok(event_from_row(r)?.0))
}

/// Bring an event's status and counts in line with its rule events.
pub fn recompute(conn: &Connection, event_id: &str, now: &str) -> rusqlite::Result<()> {
    let statuses: Vec<String> = conn
        .prepare("SELECT status FROM rule_events WHERE event_id = ?1")?
        .query_map([event_id], |r| r.get("status"))?
        .collect::<Result<_, _>>()?;
    let refs: Vec<&str> = statuses.iter().map(String::as_str).collect();
    let status = aggregate(&refs);
    let count = |s: &str| refs.iter().filter(|x| **x == s).count() as u32;
    let terminal = Status::parse(status).is_some_and(Status::is_terminal);
    conn.execute(
        "UPDATE events SET status = ?2, total_rules = ?3, completed_count = ?4, failed_count = ?5, \
         started_at = CASE WHEN ?2 = 'pending' THEN started_at ELSE COALESCE(started_at, ?6) END, \
         completed_at = CASE WHEN ?7 THEN COALESCE(completed_at, ?6) ELSE NULL END WHERE id = ?1",
        params![
            event_id,
            status,
            refs.len() as u32,
            count("completed"),
            count("failed"),
            now,
            terminal
        ],
    )?;
    Ok(())
}

pub fn aggregate(statuses: &[&str]) -> &'static str {
    let has = |s| statuses.contains(&s);
    if statuses.is_empty() || statuses.iter().all(|s| *s == "completed") {
        "completed"
    } else if has("retrying") {
        "retrying"
    } else if has("processing") {
        "processing"
    } else if has("pending") {
        "pending"
    } else if has("failed") {
        "failed"
    } else if has("canceled") {
        "canceled"
    } else {
        "completed"
    }
}
