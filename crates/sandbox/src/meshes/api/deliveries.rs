//! `/events/{id}/cancel` and `/events/{id}/rules/{rule_id}/…`: retry or cancel one delivery,
//! cancel every unfinished one, and read a delivery's attempts. The engine that moves them is
//! `store::delivery`.

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::meshes::api::caller::Caller;
use crate::meshes::api::events::{rule_events, visible_event};
use crate::meshes::api::validate::{PageQuery, QueryMap, paginate};
use crate::store::db::{parse_ts, ts};
use crate::store::delivery::{TOO_EARLY, recompute};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use meshes_protocol::EmbedPage;
use meshes_protocol::access::Action;
use meshes_protocol::api::{Attempt, Event, OutcomeCode, Page, RuleEvent, Status};
use rusqlite::params;
use serde_json::Value;

routes! {
    POST "/events/{id}/cancel" => cancel_event,
    POST "/events/{id}/rules/{rule_id}/retry" => retry,
    POST "/events/{id}/rules/{rule_id}/cancel" => cancel_rule,
    GET "/events/{id}/rules/{rule_id}/attempts" => attempts,
}

/// The rule event of `rule_id` within an event the caller may see.
fn find(
    state: &AppState,
    caller: &Caller,
    event_id: &str,
    rule_id: &str,
) -> ApiResult<(Event, RuleEvent, Option<String>)> {
    let (event, _) = visible_event(state, caller, event_id)?;
    let re = rule_events(state, caller, &event)?
        .into_iter()
        .find(|r| r.rule == rule_id)
        .ok_or_else(|| ApiError::not_found("Rule delivery"))?;
    let next: Option<String> = state.db.conn().query_row(
        "SELECT next_attempt_at FROM rule_events WHERE id = ?1",
        [&re.id],
        |r| r.get("next_attempt_at"),
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
    event.rule_events = Some(rule_events(&state, &caller, &event)?);
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
            let code: String = r.get("outcome_code")?;
            Ok((
                Attempt {
                    id: r.get("id")?,
                    event_id: event_id.clone(),
                    rule: rule_id.clone(),
                    attempt: r.get("attempt")?,
                    outcome_code: serde_json::from_value(Value::String(code))
                        .unwrap_or(OutcomeCode::InternalError),
                    message: r.get("message")?,
                    http_status: r.get("http_status")?,
                    started_at: r.get("started_at")?,
                    completed_at: r.get("completed_at")?,
                    duration_ms: r.get("duration_ms")?,
                },
                r.get("seq")?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Json(paginate(rows, page.limit)))
}
