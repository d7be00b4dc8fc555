//! `GET /api/v1/workspaces/{id}/dashboard?days=N`: event volume, delivery outcomes, connection
//! health and recent failures. Resource sessions see only their resource pair's events.

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::meshes::api::caller::WorkspaceScope;
use crate::meshes::api::events::connection_ref;
use crate::meshes::api::validate::QueryMap;
use crate::store::db::ts;
use axum::Json;
use axum::extract::State;
use meshes_protocol::api::{
    ConnectionAttention, ConnectionHealth, DASHBOARD_DAYS_DEFAULT, DASHBOARD_DAYS_MAX, DailyBucket,
    DashboardMetrics, InactiveReason, RecentFailure, Status, StatusCounts, WorkspaceRef,
};
use rusqlite::params;
use std::collections::HashMap;
use time::{Duration, Time};

routes! {
    GET "/workspaces/{id}/dashboard" => metrics,
}

pub async fn metrics(
    State(state): State<AppState>,
    WorkspaceScope { caller, workspace }: WorkspaceScope,
    QueryMap(q): QueryMap,
) -> ApiResult<Json<DashboardMetrics>> {
    let id = workspace.id.clone();
    let days = match q.get("days") {
        None => DASHBOARD_DAYS_DEFAULT,
        Some(d) => d
            .parse::<u32>()
            .ok()
            .filter(|d| (1..=DASHBOARD_DAYS_MAX).contains(d))
            .ok_or_else(|| {
                ApiError::param(
                    "days",
                    format!("must be an integer between 1 and {DASHBOARD_DAYS_MAX}"),
                )
            })?,
    };
    let now = state.clock.now();
    let first_day = (now - Duration::days(i64::from(days) - 1)).replace_time(Time::MIDNIGHT);
    let (from, to) = (ts(first_day), ts(now));
    let (res, rid) = caller.session().and_then(|s| s.resource_scope()).unzip();
    // One filter for every query: workspace, window, and the resource pair when locked to one.
    let filter = "e.workspace_id = ?1 AND e.created_at >= ?2 AND e.created_at <= ?3 \
                  AND (?4 IS NULL OR (e.resource = ?4 AND e.resource_id = ?5))";
    let conn = state.db.conn();

    let counts = |sql: &str| -> ApiResult<StatusCounts> {
        let mut out = StatusCounts::default();
        let mut stmt = conn.prepare(sql)?;
        let rows = stmt.query_map(params![id, from, to, res, rid], |r| {
            Ok((r.get::<_, String>("status")?, r.get::<_, u32>("n")?))
        })?;
        for row in rows {
            let (status, n) = row?;
            if let Some(s) = Status::parse(&status) {
                out.add(s, n);
            }
        }
        Ok(out)
    };
    let events = counts(&format!(
        "SELECT e.status, COUNT(*) AS n FROM events e WHERE {filter} GROUP BY e.status"
    ))?;
    let deliveries = counts(&format!(
        "SELECT re.status, COUNT(*) AS n FROM rule_events re JOIN events e ON e.id = re.event_id WHERE {filter} GROUP BY re.status"
    ))?;

    let mut by_day: HashMap<String, DailyBucket> = HashMap::new();
    {
        let mut stmt = conn.prepare(&format!(
            "SELECT substr(e.created_at, 1, 10) AS day, COUNT(*) AS total, SUM(e.status = 'completed') AS completed, \
             SUM(e.status = 'failed') AS failed FROM events e WHERE {filter} GROUP BY 1"
        ))?;
        let rows = stmt.query_map(params![id, from, to, res, rid], |r| {
            Ok(DailyBucket {
                date: r.get("day")?,
                total: r.get("total")?,
                completed: r.get("completed")?,
                failed: r.get("failed")?,
            })
        })?;
        for b in rows {
            let b = b?;
            by_day.insert(b.date.clone(), b);
        }
    }
    let daily = (0..days)
        .map(|i| {
            let date = (first_day + Duration::days(i64::from(i)))
                .date()
                .to_string();
            by_day.remove(&date).unwrap_or(DailyBucket {
                date,
                total: 0,
                completed: 0,
                failed: 0,
            })
        })
        .collect();

    let mut connections = ConnectionHealth {
        total: 0,
        active: 0,
        inactive: 0,
        attention: vec![],
    };
    {
        let mut stmt = conn.prepare(
            "SELECT id, name, type, active, inactive_reason FROM connections WHERE workspace_id = ?1 AND hidden = 0 AND deleted_at IS NULL ORDER BY name",
        )?;
        let rows = stmt.query_map([&id], |r| {
            Ok((
                r.get::<_, String>("id")?,
                r.get::<_, String>("name")?,
                r.get::<_, String>("type")?,
                r.get::<_, bool>("active")?,
                r.get::<_, Option<String>>("inactive_reason")?,
            ))
        })?;
        for row in rows {
            let (cid, name, kind, active, reason) = row?;
            connections.total += 1;
            if active {
                connections.active += 1;
            } else {
                connections.inactive += 1;
                let inactive_reason =
                    reason.and_then(|s| serde_json::from_value::<InactiveReason>(s.into()).ok());
                connections.attention.push(ConnectionAttention {
                    id: cid,
                    name,
                    kind,
                    inactive_reason,
                });
            }
        }
    }

    let recent_failures = {
        let mut stmt = conn.prepare(&format!(
            "SELECT e.id AS event_id, e.event, re.id AS rule_event_id, re.connection_id, c.name AS connection_name, \
             c.hidden AS connection_hidden, c.deleted_at IS NOT NULL AS connection_deleted, \
             re.integration_type, re.last_error, COALESCE(re.completed_at, re.created_at) AS failed_at FROM rule_events re JOIN events e ON e.id = re.event_id \
             LEFT JOIN connections c ON c.id = re.connection_id WHERE {filter} AND re.status = 'failed' \
             ORDER BY re.created_at DESC, re.seq DESC LIMIT 10"
        ))?;
        stmt.query_map(params![id, from, to, res, rid], |r| {
            let (name, state) = connection_ref(&caller, r)?;
            Ok(RecentFailure {
                connection_name: name.unwrap_or_default(),
                connection_state: Some(state),
                event_id: r.get("event_id")?,
                event: r.get("event")?,
                rule_event_id: r.get("rule_event_id")?,
                connection: r.get("connection_id")?,
                integration_type: r.get("integration_type")?,
                last_error: r.get("last_error")?,
                failed_at: r.get("failed_at")?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?
    };

    Ok(Json(DashboardMetrics {
        workspace: WorkspaceRef {
            id: workspace.id,
            name: workspace.name,
        },
        from,
        to,
        events,
        deliveries,
        daily,
        connections,
        recent_failures,
    }))
}
