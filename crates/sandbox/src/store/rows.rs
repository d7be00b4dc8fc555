//! The stored rows the API answers with, read by column name: each table's column list and
//! the protocol type a row becomes (with its `seq`, the cursor order).

use meshes_protocol::api::{Connection, Event, InactiveReason, Rule, Status, Workspace};
use rusqlite::Row;

pub fn connection_from_row(r: &Row) -> rusqlite::Result<(Connection, i64)> {
    let reason: Option<String> = r.get("inactive_reason")?;
    Ok((
        Connection {
            id: r.get("id")?,
            workspace: r.get("workspace_id")?,
            kind: r.get("type")?,
            name: r.get("name")?,
            metadata: serde_json::from_str(&r.get::<_, String>("metadata")?).unwrap_or_default(),
            action_data: None,
            active: r.get("active")?,
            inactive_reason: reason
                .and_then(|s| serde_json::from_value::<InactiveReason>(s.into()).ok()),
            hidden: r.get("hidden")?,
            created_by: r.get("created_by")?,
            created_at: r.get("created_at")?,
            updated_at: r.get("updated_at")?,
        },
        r.get("seq")?,
    ))
}

pub const CONNECTION_COLUMNS: &str = "id, workspace_id, type, name, metadata, active, inactive_reason, hidden, created_by, created_at, updated_at, seq";

pub const EVENT_COLUMNS: &str = "id, workspace_id, event, resource, resource_id, status, total_rules, \
    completed_count, failed_count, started_at, completed_at, created_by, created_at, seq, payload, is_test";

pub fn event_from_row(r: &Row) -> rusqlite::Result<(Event, i64)> {
    let status: String = r.get("status")?;
    Ok((
        Event {
            id: r.get("id")?,
            kind: "event".into(),
            workspace: r.get("workspace_id")?,
            event: r.get("event")?,
            resource: r.get("resource")?,
            resource_id: r.get("resource_id")?,
            status: Status::parse(&status).unwrap_or(Status::Pending),
            total_rules: r.get("total_rules")?,
            completed_count: r.get("completed_count")?,
            failed_count: r.get("failed_count")?,
            started_at: r.get("started_at")?,
            completed_at: r.get("completed_at")?,
            created_by: r.get("created_by")?,
            created_at: r.get("created_at")?,
            test: r.get::<_, bool>("is_test")?.then_some(true),
            destinations: None,
            rule_events: None,
            payload: None,
        },
        r.get("seq")?,
    ))
}

pub const RULE_COLUMNS: &str = "id, connection_id, workspace_id, type, resource, resource_id, event, metadata, \
    active, hidden, created_by, created_at, updated_at, seq";

pub fn rule_from_row(r: &Row) -> rusqlite::Result<(Rule, i64)> {
    Ok((
        Rule {
            id: r.get("id")?,
            connection: r.get("connection_id")?,
            workspace: r.get("workspace_id")?,
            kind: r.get("type")?,
            resource: r.get("resource")?,
            resource_id: r.get("resource_id")?,
            event: r.get("event")?,
            metadata: serde_json::from_str(&r.get::<_, String>("metadata")?).unwrap_or_default(),
            active: r.get("active")?,
            hidden: r.get("hidden")?,
            created_by: r.get("created_by")?,
            created_at: r.get("created_at")?,
            updated_at: r.get("updated_at")?,
        },
        r.get("seq")?,
    ))
}

pub const WORKSPACE_COLUMNS: &str =
    "id, name, description, created_at, updated_at, seq, public_key";

pub fn workspace_from_row(r: &Row) -> rusqlite::Result<(Workspace, i64, String)> {
    Ok((
        Workspace {
            id: r.get("id")?,
            name: r.get("name")?,
            description: r.get("description")?,
            created_at: r.get("created_at")?,
            updated_at: r.get("updated_at")?,
        },
        r.get("seq")?,
        r.get("public_key")?,
    ))
}
