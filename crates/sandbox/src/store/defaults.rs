//! What every new workspace starts with: the default event-type and resource catalogs.

use crate::store::db::ts;
use rusqlite::{Connection, params};
use time::OffsetDateTime;

pub const DEFAULT_EVENT_TYPES: &[(&str, &str)] = &[
    ("contact.created", "Contact created"),
    ("contact.updated", "Contact updated"),
    ("deal.won", "Deal won"),
    ("invoice.paid", "Invoice paid"),
    ("user.signup", "User signed up"),
    ("ticket.created", "Ticket created"),
    ("page.viewed", "Page viewed"),
];

pub const DEFAULT_RESOURCES: &[(&str, &str)] = &[
    ("contact", "Contact"),
    ("deal", "Deal"),
    ("invoice", "Invoice"),
    ("user", "User"),
    ("ticket", "Ticket"),
];

/// Give a new workspace the default catalogs (idempotent).
pub fn ensure_defaults(
    conn: &Connection,
    workspace_id: &str,
    now: OffsetDateTime,
) -> rusqlite::Result<()> {
    let now = ts(now);
    let mut stmt = conn.prepare(
        "INSERT OR IGNORE INTO catalog_entries (id, workspace_id, kind, key, label, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
    )?;
    for (kind, entries) in [
        ("event_type", DEFAULT_EVENT_TYPES),
        ("resource", DEFAULT_RESOURCES),
    ] {
        for (key, label) in entries {
            let id = uuid::Uuid::new_v4().to_string();
            stmt.execute(params![id, workspace_id, kind, key, label, now])?;
        }
    }
    Ok(())
}
