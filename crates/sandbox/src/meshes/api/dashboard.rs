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
    let conn = state.db.read();
    // Workspace-wide, the daily counts the triggers keep (a few rows per day); a resource
    // session's own events are few, and are counted as they are.
    let (day_from, day_to) = (from[..10].to_owned(), to[..10].to_owned());
    let counted = |kind: &str| {
        format!(
            "SELECT day, status, SUM(n) AS n FROM daily_counts WHERE workspace_id = ?1 AND kind = '{kind}' \
             AND day >= ?2 AND day <= ?3 AND ?4 IS NULL AND ?5 IS NULL GROUP BY day, status"
        )
    };
    let live = |table: &str| {
        format!(
            "SELECT substr(e.created_at, 1, 10) AS day, {table}.status, COUNT(*) AS n FROM events e \
             {join} WHERE {filter} GROUP BY 1, 2",
            join = if table == "re" {
                "JOIN rule_events re ON re.event_id = e.id"
            } else {
                ""
            },
        )
    };
    let scoped = res.is_some();
    let (event_sql, delivery_sql) = if scoped {
        (live("e"), live("re"))
    } else {
        (counted("event"), counted("delivery"))
    };
    let (a, b) = if scoped {
        (from.clone(), to.clone())
    } else {
        (day_from, day_to)
    };
    let rows = |sql: &str| -> ApiResult<Vec<(String, Status, u32)>> {
        let mut stmt = conn.prepare_cached(sql)?;
        let rows = stmt.query_map(params![id, a, b, res, rid], |r| {
            Ok((
                r.get::<_, String>("day")?,
                r.get::<_, String>("status")?,
                r.get::<_, u32>("n")?,
            ))
        })?;
        let mut out = vec![];
        for row in rows {
            let (day, status, n) = row?;
            if let Some(s) = Status::parse(&status) {
                out.push((day, s, n));
            }
        }
        Ok(out)
    };
    let total = |rows: &[(String, Status, u32)]| {
        let mut out = StatusCounts::default();
        for (_, s, n) in rows {
            out.add(*s, *n);
        }
        out
    };
    let event_rows = rows(&event_sql)?;
    let events = total(&event_rows);
    let deliveries = total(&rows(&delivery_sql)?);
    let mut by_day: HashMap<String, DailyBucket> = HashMap::new();
    for (day, status, n) in event_rows {
        let b = by_day.entry(day.clone()).or_insert(DailyBucket {
            date: day,
            total: 0,
            completed: 0,
            failed: 0,
        });
        b.total += n;
        match status {
            Status::Completed => b.completed += n,
            Status::Failed => b.failed += n,
            _ => {}
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
        let mut stmt = conn.prepare_cached(
            "SELECT e.id AS event_id, e.event, re.id AS rule_event_id, re.connection_id, c.name AS connection_name, \
             c.hidden AS connection_hidden, c.deleted_at IS NOT NULL AS connection_deleted, \
             re.integration_type, re.last_error, COALESCE(re.completed_at, re.created_at) AS failed_at FROM rule_events re JOIN events e ON e.id = re.event_id \
             LEFT JOIN connections c ON c.id = re.connection_id WHERE re.workspace_id = ?1 \
             AND re.status = 'failed' AND re.created_at >= ?2 AND re.created_at <= ?3 \
             AND (?4 IS NULL OR (e.resource = ?4 AND e.resource_id = ?5)) \
             ORDER BY re.created_at DESC, re.seq DESC LIMIT 10"
        )?;
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
