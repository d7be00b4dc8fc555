//! A pretend delivery engine: rule events move pending → processing → completed, or retrying
//! with backoff until they fail, each try recorded as an attempt with an outcome code. Outcomes
//! are decided by the connection so demos and tests can pick them (see `simulate`). Only work
//! scheduled here (`next_attempt_at` set) moves; seeded history stays as seeded.

use crate::AppState;
use crate::error::ApiResult;
use crate::store::db::ts;
use crate::store::rows::{EVENT_COLUMNS, event_from_row};
use meshes_protocol::api::{Event, OutcomeCode, Rule, Status};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::Value;
use time::Duration;

/// Tries before a delivery is failed for good.
pub const MAX_ATTEMPTS: u32 = 4;
/// How long a simulated attempt is "in flight".
const FLIGHT: Duration = Duration::milliseconds(800);
/// Manual retries closer than this to a scheduled one are refused with 425.
pub const TOO_EARLY: Duration = Duration::seconds(2);

fn backoff(attempt: u32) -> Duration {
    Duration::seconds(2i64 << attempt.min(6))
}

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
        "INSERT INTO rule_events (id, event_id, workspace_id, rule_id, connection_id, integration_type, status, created_at, next_attempt_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', ?7, ?7)",
        params![uuid::Uuid::new_v4().to_string(), event_id, rule.workspace, rule.id, rule.connection, rule.kind, now],
    )?;
    let sql = format!("SELECT {EVENT_COLUMNS} FROM events WHERE id = ?1");
    let (event, _) = tx.query_row(&sql, [&event_id], event_from_row)?;
    tx.commit()?;
    Ok(event)
}

/// What the pretend provider answers. Webhook hosts choose: `fail…` answers 503 (retried),
/// `reject…` answers 400 (not retried), `*.invalid` does not resolve; inactive connections
/// fail authentication; everything else is delivered.
fn simulate(
    conn: &Connection,
    connection_id: &str,
) -> rusqlite::Result<(OutcomeCode, Option<u16>, String)> {
    let row: Option<(String, String, bool, Option<String>)> = conn
        .query_row(
            "SELECT type, metadata, active AND deleted_at IS NULL AS usable, inactive_reason FROM connections WHERE id = ?1",
            [connection_id],
            |r| Ok((r.get("type")?, r.get("metadata")?, r.get("usable")?, r.get("inactive_reason")?)),
        )
        .optional()?;
    let Some((kind, metadata, active, reason)) = row else {
        return Ok((
            OutcomeCode::InternalError,
            None,
            "The connection no longer exists".into(),
        ));
    };
    if !active {
        let why = reason.unwrap_or_else(|| "deleted".into());
        return Ok((
            OutcomeCode::AuthFailed,
            None,
            format!("Connection is inactive ({why})"),
        ));
    }
    let url = serde_json::from_str::<Value>(&metadata)
        .ok()
        .and_then(|m| m.get("url").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_default();
    let host = url
        .trim_start_matches("https://")
        .split(['/', ':'])
        .next()
        .unwrap_or("")
        .to_owned();
    Ok(match kind.as_str() {
        "webhook" if host.starts_with("fail") => (
            OutcomeCode::RejectedServerError,
            Some(503),
            format!("HTTP 503 from {url}"),
        ),
        "webhook" if host.starts_with("reject") => (
            OutcomeCode::RejectedClientError,
            Some(400),
            format!("HTTP 400 from {url}"),
        ),
        "webhook" if host.ends_with(".invalid") => (
            OutcomeCode::NetworkError,
            None,
            format!("Could not resolve {host}"),
        ),
        "webhook" => (
            OutcomeCode::Delivered,
            Some(200),
            format!("HTTP 200 from {url}"),
        ),
        _ => (
            OutcomeCode::Delivered,
            None,
            "Accepted by the provider".into(),
        ),
    })
}

fn retryable(code: OutcomeCode) -> bool {
    matches!(
        code,
        OutcomeCode::RejectedServerError
            | OutcomeCode::RateLimited
            | OutcomeCode::Timeout
            | OutcomeCode::NetworkError
    )
}

/// One pass of the engine: start due attempts, finish attempts whose flight is over.
pub fn tick(state: &AppState) -> rusqlite::Result<usize> {
    let now = state.clock.now();
    let now_s = ts(now);
    let mut conn = state.db.conn();
    let tx = conn.transaction()?;
    let due: Vec<(String, String, String, String, u32)> = tx
        .prepare(
            "SELECT id, event_id, connection_id, status, attempt_count FROM rule_events \
             WHERE next_attempt_at IS NOT NULL AND next_attempt_at <= ?1 AND status IN ('pending','retrying','processing')",
        )?
        .query_map([&now_s], |r| Ok((r.get("id")?, r.get("event_id")?, r.get("connection_id")?, r.get("status")?, r.get("attempt_count")?)))?
        .collect::<Result<_, _>>()?;
    for (id, event_id, connection_id, status, attempts) in &due {
        if status != "processing" {
            tx.execute(
                "UPDATE rule_events SET status = 'processing', attempt_count = attempt_count + 1, \
                 started_at = COALESCE(started_at, ?2), next_attempt_at = ?3 WHERE id = ?1",
                params![id, now_s, ts(now + FLIGHT)],
            )?;
        } else {
            let (code, http, message) = simulate(&tx, connection_id)?;
            let attempt_started = now - FLIGHT;
            tx.execute(
                "INSERT INTO attempts (id, rule_event_id, attempt, outcome_code, message, http_status, started_at, completed_at, duration_ms) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![uuid::Uuid::new_v4().to_string(), id, attempts, outcome_str(code), message, http, ts(attempt_started), now_s, FLIGHT.whole_milliseconds() as i64],
            )?;
            let (next_status, next_at, error) = if code == OutcomeCode::Delivered {
                ("completed", None, None)
            } else if retryable(code) && *attempts < MAX_ATTEMPTS {
                (
                    "retrying",
                    Some(ts(now + backoff(*attempts))),
                    Some(message),
                )
            } else {
                ("failed", None, Some(message))
            };
            let done = next_at.is_none().then(|| now_s.clone());
            tx.execute(
                "UPDATE rule_events SET status = ?2, next_attempt_at = ?3, last_error = COALESCE(?4, last_error), completed_at = ?5 WHERE id = ?1",
                params![id, next_status, next_at, error, done],
            )?;
        }
        recompute(&tx, event_id, &now_s)?;
    }
    tx.commit()?;
    Ok(due.len())
}

fn outcome_str(code: OutcomeCode) -> String {
    serde_json::to_value(code)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
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

/// Runs the engine every 250 ms for as long as the server runs.
pub fn spawn_worker(state: AppState) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_millis(250));
        loop {
            every.tick().await;
            if let Err(e) = tick(&state) {
                tracing::warn!(%e, "delivery tick failed");
            }
        }
    });
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
