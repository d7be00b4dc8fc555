//! How history names where an event went (decision 83): a delivery's connection as the caller
//! may see it, and each listed event's destinations (decision 88).

use crate::error::ApiResult;
use crate::meshes::api::caller::Caller;
use meshes_protocol::api::{ConnectionState, Destination, Event, Status};

/// A history row's connection as `caller` may see it: its name (none if it is hidden from a
/// session, or gone for good) and its state. Reads `connection_name`, `connection_hidden` and
/// `connection_deleted` from a LEFT JOIN on connections.
pub fn connection_ref(
    caller: &Caller,
    r: &rusqlite::Row,
) -> rusqlite::Result<(Option<String>, ConnectionState)> {
    let name: Option<String> = r.get("connection_name")?;
    let hidden: Option<bool> = r.get("connection_hidden")?;
    let deleted: Option<bool> = r.get("connection_deleted")?;
    let state = ConnectionState::of(hidden.zip(deleted));
    let shown = state != ConnectionState::Hidden || caller.session().is_none();
    Ok((name.filter(|_| shown), state))
}

/// Fill each event's `destinations`: one query for the whole page.
pub fn destinations(
    conn: &rusqlite::Connection,
    caller: &Caller,
    events: &mut [Event],
) -> ApiResult<()> {
    if events.is_empty() {
        return Ok(());
    }
    let ids: Vec<&str> = events.iter().map(|e| e.id.as_str()).collect();
    let marks = vec!["?"; ids.len()].join(", ");
    let mut stmt = conn.prepare(&format!(
        "SELECT re.event_id, re.connection_id, re.integration_type, re.status, \
         c.name AS connection_name, c.hidden AS connection_hidden, \
         c.deleted_at IS NOT NULL AS connection_deleted \
         FROM rule_events re LEFT JOIN connections c ON c.id = re.connection_id \
         WHERE re.event_id IN ({marks}) ORDER BY re.seq"
    ))?;
    let rows = stmt.query_map(rusqlite::params_from_iter(ids.iter()), |r| {
        let (name, state) = connection_ref(caller, r)?;
        let status: String = r.get("status")?;
        Ok((
            r.get::<_, String>("event_id")?,
            Destination {
                connection: r.get("connection_id")?,
                connection_name: name,
                connection_state: state,
                integration_type: r.get("integration_type")?,
                status: Status::parse(&status).unwrap_or(Status::Pending),
            },
        ))
    })?;
    for e in events.iter_mut() {
        e.destinations = Some(vec![]);
    }
    for row in rows {
        let (event_id, d) = row?;
        if let Some(e) = events.iter_mut().find(|e| e.id == event_id) {
            e.destinations.get_or_insert_with(Vec::new).push(d);
        }
    }
    Ok(())
}
