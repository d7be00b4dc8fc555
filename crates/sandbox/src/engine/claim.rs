//! The engine's writes, each one short transaction: claim due deliveries (a lease, an attempt
//! row marked in flight), and record how an attempt ended. A lease that runs out means the
//! process stopped mid-attempt: the next claim closes that attempt as interrupted and sends
//! again, with the same idempotency key.

use super::outcome::{MAX_ATTEMPTS, delay_after};
use super::send;
use crate::AppState;
use crate::store::db::ts;
use crate::store::delivery::recompute;
use rusqlite::{OptionalExtension, params};
use std::time::Duration;

/// What an attempt row holds until its attempt ends; never listed.
pub const IN_FLIGHT: &str = "in_flight";
/// How far past its timeout an attempt's lease runs before the attempt counts as interrupted.
const LEASE_SLACK_MS: i64 = 30_000;

/// One claimed attempt.
#[derive(Debug, Clone)]
pub struct Job {
    pub rule_event_id: String,
    pub event_id: String,
    pub connection_id: String,
    pub rule_id: String,
    pub attempt_id: String,
    pub attempt: u32,
}

/// Claim up to `max` due deliveries whose connection `room` accepts (it counts what it lets
/// through), oldest due first. A delivery interrupted on its last attempt fails instead: a
/// process that keeps dying mid-attempt must not send without end.
pub fn claim(
    state: &AppState,
    max: usize,
    per_connection: usize,
    mut room: impl FnMut(&str) -> bool,
) -> rusqlite::Result<Vec<Job>> {
    if max == 0 {
        return Ok(vec![]);
    }
    let now_ms = state.clock.now_ms();
    let now = ts(state.clock.now());
    let lease = now_ms + state.cfg.delivery_timeout_ms as i64 + LEASE_SLACK_MS;
    let mut conn = state.db.conn();
    let tx = conn.transaction()?;
    let due: Vec<(String, String, String, String, String, u32)> = tx
        // At most `per_connection` rows of each connection, so a backlog to one slow
        // destination cannot fill the batch and starve every other connection; each
        // connection's rows are one range of the (connection_id, due_ms) index, however long
        // the backlog.
        .prepare_cached(
            "SELECT re.id, re.event_id, re.connection_id, re.rule_id, re.status, re.attempt_count \
             FROM connections c JOIN rule_events re ON re.rowid IN ( \
               SELECT rowid FROM rule_events WHERE connection_id = c.id AND due_ms IS NOT NULL \
               AND due_ms <= ?1 AND status IN ('pending','retrying','processing') \
               ORDER BY due_ms LIMIT ?2) \
             ORDER BY re.due_ms LIMIT 256",
        )?
        .query_map(params![now_ms, per_connection as i64], |r| {
            Ok((
                r.get("id")?,
                r.get("event_id")?,
                r.get("connection_id")?,
                r.get("rule_id")?,
                r.get("status")?,
                r.get("attempt_count")?,
            ))
        })?
        .collect::<Result<_, _>>()?;
    let mut jobs = vec![];
    for (id, event_id, connection_id, rule_id, status, count) in due {
        if jobs.len() >= max {
            break;
        }
        if !room(&connection_id) {
            continue;
        }
        let attempt = if status == "processing" {
            let interrupted = tx.execute(
                "UPDATE attempts SET outcome_code = 'internal_error', completed_at = ?2, message = \
                 'Interrupted: the engine stopped during this attempt; sent again with the same Idempotency-Key' \
                 WHERE rule_event_id = ?1 AND outcome_code = ?3",
                params![id, now, IN_FLIGHT],
            )?;
            // A try seeded as in flight has no row yet: this is that try.
            if interrupted > 0 {
                count + 1
            } else {
                count.max(1)
            }
        } else {
            count + 1
        };
        if attempt > MAX_ATTEMPTS {
            tx.execute(
                "UPDATE rule_events SET status = 'failed', due_ms = NULL, completed_at = ?2, last_error = \
                 'Interrupted during its last attempt; not sent again' WHERE id = ?1",
                params![id, now],
            )?;
            recompute(&tx, &event_id, &now)?;
            continue;
        }
        let attempt_id = uuid::Uuid::new_v4().to_string();
        tx.execute(
            "UPDATE rule_events SET status = 'processing', attempt_count = ?2, due_ms = ?3, \
             started_at = COALESCE(started_at, ?4), completed_at = NULL WHERE id = ?1",
            params![id, attempt, lease, now],
        )?;
        tx.execute(
            "INSERT INTO attempts (id, rule_event_id, attempt, outcome_code, message, started_at, completed_at, duration_ms) \
             VALUES (?1, ?2, ?3, ?4, 'In flight', ?5, ?5, 0)",
            params![attempt_id, id, attempt, IN_FLIGHT, now],
        )?;
        recompute(&tx, &event_id, &now)?;
        jobs.push(Job {
            rule_event_id: id,
            event_id,
            connection_id,
            rule_id,
            attempt_id,
            attempt,
        });
    }
    tx.commit()?;
    Ok(jobs)
}

/// Store how `job` ended and schedule what follows: done, a retry after the backoff, or failed
/// for good. A delivery canceled while its attempt ran keeps its canceled status.
pub fn finish(
    state: &AppState,
    job: &Job,
    result: &send::Result,
    request: Option<&str>,
) -> rusqlite::Result<()> {
    let now = ts(state.clock.now());
    let code = result.ended.code();
    let response = result
        .response
        .as_ref()
        .map(|r| serde_json::to_string(r).unwrap_or_default());
    let mut conn = state.db.conn();
    let tx = conn.transaction()?;
    let ours = tx.execute(
        "UPDATE attempts SET outcome_code = ?2, message = ?3, http_status = ?4, completed_at = ?5, \
         duration_ms = ?6, request = ?7, response = ?8 WHERE id = ?1 AND outcome_code = ?9",
        params![
            job.attempt_id,
            code.as_str(),
            result.message,
            result.http_status(),
            now,
            result.duration_ms,
            request,
            response,
            IN_FLIGHT
        ],
    )?;
    if ours == 0 {
        // The lease ran out and the attempt was claimed again: that claim owns the delivery.
        return Ok(());
    }
    let status: Option<String> = tx
        .query_row(
            "SELECT status FROM rule_events WHERE id = ?1",
            [&job.rule_event_id],
            |r| r.get("status"),
        )
        .optional()?;
    if status.as_deref() == Some("processing") {
        let delivered = code == meshes_protocol::api::OutcomeCode::Delivered;
        let (next, due, error) = if delivered {
            ("completed", None, None)
        } else if result.ended.retryable() && job.attempt < MAX_ATTEMPTS {
            let base = Duration::from_millis(state.cfg.retry_base_ms);
            let wait = delay_after(job.attempt, base, result.retry_after, rand::random::<f64>());
            (
                "retrying",
                Some(state.clock.now_ms() + wait.as_millis() as i64),
                Some(result.message.as_str()),
            )
        } else {
            ("failed", None, Some(result.message.as_str()))
        };
        let done = due.is_none().then_some(now.as_str());
        tx.execute(
            "UPDATE rule_events SET status = ?2, due_ms = ?3, last_error = COALESCE(?4, last_error), \
             completed_at = ?5 WHERE id = ?1",
            params![job.rule_event_id, next, due, error, done],
        )?;
    }
    recompute(&tx, &job.event_id, &now)?;
    tx.commit()
}
