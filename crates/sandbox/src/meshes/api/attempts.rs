//! `/events/{id}/rules/{rule_id}/attempts…`: a delivery's attempts as they happened, one
//! attempt, and what the destination answered to it. Attempts still in flight are not listed.

use crate::AppState;
use crate::engine::claim::IN_FLIGHT;
use crate::error::{ApiError, ApiResult};
use crate::meshes::api::caller::Caller;
use crate::meshes::api::deliveries::find;
use crate::meshes::api::validate::{PageQuery, QueryMap, paginate};
use axum::Json;
use axum::extract::{Path, State};
use meshes_protocol::EmbedPage;
use meshes_protocol::access::{Action, can_view_payload};
use meshes_protocol::api::{
    Attempt, ConnectionState, OutcomeCode, Page, ResponseDetails, RuleEvent,
};
use rusqlite::{OptionalExtension, Row, params};

routes! {
    GET "/events/{id}/rules/{rule_id}/attempts" => list,
    GET "/events/{id}/rules/{rule_id}/attempts/{attempt_id}" => get,
    GET "/events/{id}/rules/{rule_id}/attempts/{attempt_id}/response-details" => response_details,
}

const COLUMNS: &str = "id, attempt, outcome_code, message, http_status, started_at, completed_at, \
                       duration_ms, request, response IS NOT NULL AS has_response, seq";

fn from_row(r: &Row, event_id: &str, rule_id: &str) -> rusqlite::Result<(Attempt, i64)> {
    let code: String = r.get("outcome_code")?;
    Ok((
        Attempt {
            id: r.get("id")?,
            event_id: event_id.to_owned(),
            rule: rule_id.to_owned(),
            attempt: r.get("attempt")?,
            outcome_code: OutcomeCode::parse(&code).unwrap_or(OutcomeCode::InternalError),
            message: r.get("message")?,
            http_status: r.get("http_status")?,
            started_at: r.get("started_at")?,
            completed_at: r.get("completed_at")?,
            duration_ms: r.get("duration_ms")?,
            request: r.get("request")?,
            has_response: r.get("has_response")?,
        },
        r.get("seq")?,
    ))
}

/// A hidden connection's URL is no session's business (decision 83 keeps even its name from
/// them): its attempts come without their request line or the destination's answer.
fn veiled(caller: &Caller, re: &RuleEvent) -> bool {
    caller.session().is_some() && re.connection_state == Some(ConnectionState::Hidden)
}

fn veil(a: &mut Attempt) {
    a.request = None;
    a.has_response = false;
}

/// `GET …/attempts` -> newest first.
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path((event_id, rule_id)): Path<(String, String)>,
    QueryMap(q): QueryMap,
) -> ApiResult<Json<Page<Attempt>>> {
    caller.require(EmbedPage::EventDetail, Action::Read)?;
    let page = PageQuery::from_query(&q)?;
    let (_, re, _) = find(&state, &caller, &event_id, &rule_id)?;
    let conn = state.db.conn();
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM attempts WHERE rule_event_id = ?1 AND seq < ?2 \
         AND outcome_code != ?4 ORDER BY seq DESC LIMIT ?3"
    ))?;
    let mut rows = stmt
        .query_map(
            params![re.id, page.before_seq(), page.limit + 1, IN_FLIGHT],
            |r| from_row(r, &event_id, &rule_id),
        )?
        .collect::<Result<Vec<_>, _>>()?;
    if veiled(&caller, &re) {
        rows.iter_mut().for_each(|(a, _)| veil(a));
    }
    Ok(Json(paginate(rows, page.limit)))
}

/// One finished attempt of a delivery the caller may see, with its stored response (if any).
fn one(
    state: &AppState,
    caller: &Caller,
    (event_id, rule_id, attempt_id): &(String, String, String),
) -> ApiResult<(Attempt, Option<String>)> {
    caller.require(EmbedPage::EventDetail, Action::Read)?;
    let (_, re, _) = find(state, caller, event_id, rule_id)?;
    let row = state
        .db
        .conn()
        .query_row(
            &format!(
                "SELECT {COLUMNS}, response FROM attempts WHERE id = ?1 AND rule_event_id = ?2 \
                 AND outcome_code != ?3"
            ),
            params![attempt_id, re.id, IN_FLIGHT],
            |r| Ok((from_row(r, event_id, rule_id)?.0, r.get("response")?)),
        )
        .optional()?;
    let (mut attempt, response) = row.ok_or_else(|| ApiError::not_found("Attempt"))?;
    if veiled(caller, &re) {
        veil(&mut attempt);
        return Ok((attempt, None));
    }
    Ok((attempt, response))
}

/// `GET …/attempts/{attempt_id}`.
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(ids): Path<(String, String, String)>,
) -> ApiResult<Json<Attempt>> {
    Ok(Json(one(&state, &caller, &ids)?.0))
}

/// `GET …/attempts/{attempt_id}/response-details`: the destination's answer, bounded and with
/// the connection's secrets redacted. A body can echo the event's payload, so embed sessions
/// need what the payload needs (admin|owner and `events.payload:read`).
pub async fn response_details(
    State(state): State<AppState>,
    caller: Caller,
    Path(ids): Path<(String, String, String)>,
) -> ApiResult<Json<ResponseDetails>> {
    let (attempt, stored) = one(&state, &caller, &ids)?;
    if let Some(s) = caller.session()
        && !can_view_payload(s.role, &s.scopes)
    {
        return Err(ApiError::forbidden(
            "Viewing a destination's answer needs the admin or owner role and the events.payload:read scope",
        ));
    }
    let mut details: ResponseDetails = stored
        .and_then(|s| serde_json::from_str(&s).ok())
        .ok_or_else(|| ApiError::not_found("Response details"))?;
    details.attempt_id = attempt.id;
    Ok(Json(details))
}
