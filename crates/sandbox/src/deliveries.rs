//! A pretend delivery engine: rule events move pending → processing → completed, or retrying
//! with backoff until they fail, each try recorded as an attempt with an outcome code. Outcomes
//! are decided by the connection so demos and tests can pick them (see `simulate`). Only work
//! scheduled here (`next_attempt_at` set) moves; seeded history stays as seeded.

use crate::AppState;
use crate::auth::Caller;
use crate::db::{parse_ts, ts};
use crate::error::{ApiError, ApiResult};
use crate::events::{rule_events, visible_event};
use crate::validate::{PageQuery, QueryMap, paginate};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use meshes_protocol::EmbedPage;
use meshes_protocol::access::Action;
use meshes_protocol::api::{Attempt, Event, OutcomeCode, Page, Rule, RuleEvent, Status};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::Value;
use time::Duration;

/// Tries before a delivery is failed for good.
pub const MAX_ATTEMPTS: u32 = 4;
/// How long a simulated attempt is "in flight".
const FLIGHT: Duration = Duration::milliseconds(800);
/// Manual retries closer than this to a scheduled one are refused with 425.
const TOO_EARLY: Duration = Duration::seconds(2);

fn backoff(attempt: u32) -> Duration {
    Duration::seconds(2i64 << attempt.min(6))
}

/// Create an event delivered by `rule` alone, due now.
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
        "INSERT INTO events (id, workspace_id, event, resource, resource_id, status, payload, total_rules, created_by, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, 'pending', ?6, 1, ?7, ?8)",
        params![event_id, rule.workspace, rule.event, rule.resource, rule.resource_id, payload.to_string(), created_by, now],
    )?;
    tx.execute(
        "INSERT INTO rule_events (id, event_id, workspace_id, rule_id, connection_id, integration_type, status, created_at, next_attempt_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', ?7, ?7)",
        params![uuid::Uuid::new_v4().to_string(), event_id, rule.workspace, rule.id, rule.connection, rule.kind, now],
    )?;
    tx.commit()?;
    drop(conn);
    let (event, _) = visible_event(state, &Caller::Management, &event_id)?;
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
            "SELECT type, metadata, active AND deleted_at IS NULL, inactive_reason FROM connections WHERE id = ?1",
            [connection_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
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
        .query_map([&now_s], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
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
        .query_map([event_id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let refs: Vec<&str> = statuses.iter().map(String::as_str).collect();
    let status = crate::seed::aggregate(&refs);
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

/// The rule event of `rule_id` within an event the caller may see.
fn find(
    state: &AppState,
    caller: &Caller,
    event_id: &str,
    rule_id: &str,
) -> ApiResult<(Event, RuleEvent, Option<String>)> {
    let (event, _) = visible_event(state, caller, event_id)?;
    let re = rule_events(state, &event)?
        .into_iter()
        .find(|r| r.rule == rule_id)
        .ok_or_else(|| ApiError::not_found("Rule delivery"))?;
    let next: Option<String> = state.db.conn().query_row(
        "SELECT next_attempt_at FROM rule_events WHERE id = ?1",
        [&re.id],
        |r| r.get(0),
    )?;
    Ok((event, re, next))
}

fn refreshed(state: &AppState, event_id: &str, rule_id: &str) -> ApiResult<Json<RuleEvent>> {
    let (_, re, _) = find(state, &Caller::Management, event_id, rule_id)?;
    Ok(Json(re))
}

/// `POST /api/v1/events/{id}/rules/{rule_id}/retry` -> RuleEvent (425 when an attempt is in
/// flight or a scheduled one is imminent; 409 once the delivery completed or was canceled).
pub async fn retry(
    State(state): State<AppState>,
    caller: Caller,
    Path((event_id, rule_id)): Path<(String, String)>,
) -> ApiResult<Json<RuleEvent>> {
    caller.require(EmbedPage::EventDetail, Action::Write)?;
    let (_, re, next) = find(&state, &caller, &event_id, &rule_id)?;
    let now = state.clock.now();
    let imminent = next
        .as_deref()
        .and_then(parse_ts)
        .is_some_and(|t| t - now < TOO_EARLY);
    match re.status {
        Status::Processing | Status::Pending if next.is_some() => {
            return Err(ApiError::new(
                StatusCode::TOO_EARLY,
                "An attempt is already under way; wait for it to finish",
            )
            .named("TooEarly"));
        }
        Status::Retrying if imminent => {
            return Err(ApiError::new(
                StatusCode::TOO_EARLY,
                "The next scheduled retry starts in a moment; there is nothing to force",
            )
            .named("TooEarly"));
        }
        Status::Completed | Status::Canceled => {
            return Err(ApiError::conflict(format!(
                "This delivery is {}; there is nothing to retry",
                re.status.as_str()
            )));
        }
        _ => {}
    }
    let now_s = ts(now);
    let conn = state.db.conn();
    conn.execute(
        "UPDATE rule_events SET status = 'retrying', next_attempt_at = ?2, completed_at = NULL WHERE id = ?1",
        params![re.id, now_s],
    )?;
    recompute(&conn, &event_id, &now_s)?;
    drop(conn);
    refreshed(&state, &event_id, &rule_id)
}

fn cancel_where(state: &AppState, event_id: &str, rule_filter: Option<&str>) -> ApiResult<usize> {
    let now = ts(state.clock.now());
    let conn = state.db.conn();
    let n = conn.execute(
        "UPDATE rule_events SET status = 'canceled', next_attempt_at = NULL, completed_at = ?2, \
         last_error = COALESCE(last_error, 'Canceled') WHERE event_id = ?1 AND (?3 IS NULL OR rule_id = ?3) \
         AND status IN ('pending','processing','retrying')",
        params![event_id, now, rule_filter],
    )?;
    recompute(&conn, event_id, &now)?;
    Ok(n)
}

/// `POST /api/v1/events/{id}/rules/{rule_id}/cancel` -> RuleEvent.
pub async fn cancel_rule(
    State(state): State<AppState>,
    caller: Caller,
    Path((event_id, rule_id)): Path<(String, String)>,
) -> ApiResult<Json<RuleEvent>> {
    caller.require(EmbedPage::EventDetail, Action::Write)?;
    let (_, re, _) = find(&state, &caller, &event_id, &rule_id)?;
    if re.status.is_terminal() {
        return Err(ApiError::conflict(format!(
            "This delivery already ended ({}); there is nothing to cancel",
            re.status.as_str()
        )));
    }
    cancel_where(&state, &event_id, Some(&rule_id))?;
    refreshed(&state, &event_id, &rule_id)
}

/// `POST /api/v1/events/{id}/cancel` -> the event with its rule events.
pub async fn cancel_event(
    State(state): State<AppState>,
    caller: Caller,
    Path(event_id): Path<String>,
) -> ApiResult<Json<Event>> {
    caller.require(EmbedPage::EventDetail, Action::Write)?;
    let (event, _) = visible_event(&state, &caller, &event_id)?;
    if cancel_where(&state, &event_id, None)? == 0 {
        return Err(ApiError::conflict(format!(
            "This event already ended ({}); there is nothing to cancel",
            event.status.as_str()
        )));
    }
    let (mut event, _) = visible_event(&state, &caller, &event_id)?;
    event.rule_events = Some(rule_events(&state, &event)?);
    Ok(Json(event))
}

/// `GET /api/v1/events/{id}/rules/{rule_id}/attempts` -> newest first.
pub async fn attempts(
    State(state): State<AppState>,
    caller: Caller,
    Path((event_id, rule_id)): Path<(String, String)>,
    QueryMap(q): QueryMap,
) -> ApiResult<Json<Page<Attempt>>> {
    caller.require(EmbedPage::EventDetail, Action::Read)?;
    let page = PageQuery::from_query(&q)?;
    let (_, re, _) = find(&state, &caller, &event_id, &rule_id)?;
    let conn = state.db.conn();
    let mut stmt = conn.prepare(
        "SELECT id, attempt, outcome_code, message, http_status, started_at, completed_at, duration_ms, seq FROM attempts \
         WHERE rule_event_id = ?1 AND seq < ?2 ORDER BY seq DESC LIMIT ?3",
    )?;
    let rows = stmt
        .query_map(params![re.id, page.before_seq(), page.limit + 1], |r| {
            let code: String = r.get(2)?;
            Ok((
                Attempt {
                    id: r.get(0)?,
                    event_id: event_id.clone(),
                    rule: rule_id.clone(),
                    attempt: r.get(1)?,
                    outcome_code: serde_json::from_value(Value::String(code))
                        .unwrap_or(OutcomeCode::InternalError),
                    message: r.get(3)?,
                    http_status: r.get(4)?,
                    started_at: r.get(5)?,
                    completed_at: r.get(6)?,
                    duration_ms: r.get(7)?,
                },
                r.get(8)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Json(paginate(rows, page.limit)))
}
