//! `/events/{id}/cancel` and `/events/{id}/rules/{rule_id}/…`: retry or cancel one delivery,
//! and cancel every unfinished one. Its attempts are `attempts`; the engine that moves
//! deliveries is `crate::engine`.

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::meshes::api::caller::Caller;
use crate::meshes::api::events::{rule_events, visible_event};
use crate::store::db::ts;
use crate::store::delivery::{TOO_EARLY, recompute};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use meshes_protocol::EmbedPage;
use meshes_protocol::access::Action;
use meshes_protocol::api::{Event, RuleEvent, Status};
use rusqlite::params;

routes! {
    POST "/events/{id}/cancel" => cancel_event,
    POST "/events/{id}/rules/{rule_id}/retry" => retry,
    POST "/events/{id}/rules/{rule_id}/cancel" => cancel_rule,
}

/// The rule event of `rule_id` within an event the caller may see.
pub fn find(
    state: &AppState,
    caller: &Caller,
    event_id: &str,
    rule_id: &str,
) -> ApiResult<(Event, RuleEvent, Option<i64>)> {
    let (event, _) = visible_event(state, caller, event_id)?;
    let re = rule_events(state, caller, &event)?
        .into_iter()
        .find(|r| r.rule == rule_id)
        .ok_or_else(|| ApiError::not_found("Rule delivery"))?;
    let next: Option<i64> = state.db.conn().query_row(
        "SELECT due_ms FROM rule_events WHERE id = ?1",
        [&re.id],
        |r| r.get("due_ms"),
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
    let imminent =
        next.is_some_and(|due| due - state.clock.now_ms() < TOO_EARLY.whole_milliseconds() as i64);
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
    let now_ms = state.clock.now_ms();
    let conn = state.db.conn();
    // Checked again where it is written: the engine may have claimed it since it was read.
    let forced = conn.execute(
        "UPDATE rule_events SET status = 'retrying', due_ms = ?2, completed_at = NULL WHERE id = ?1 \
         AND status IN ('failed','retrying') AND (due_ms IS NULL OR due_ms >= ?2 + ?3)",
        params![re.id, now_ms, TOO_EARLY.whole_milliseconds() as i64],
    )?;
    if forced == 0 {
        return Err(ApiError::new(
            StatusCode::TOO_EARLY,
            "An attempt started meanwhile; wait for it to finish",
        )
        .named("TooEarly"));
    }
    recompute(&conn, &event_id, &now_s)?;
    drop(conn);
    state.engine.wake();
    refreshed(&state, &event_id, &rule_id)
}

fn cancel_where(state: &AppState, event_id: &str, rule_filter: Option<&str>) -> ApiResult<usize> {
    let now = ts(state.clock.now());
    let conn = state.db.conn();
    let n = conn.execute(
        "UPDATE rule_events SET status = 'canceled', due_ms = NULL, completed_at = ?2, \
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
