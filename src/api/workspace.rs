//! The workspace's lists and catalogs: dashboard, connections, rules, events, event types,
//! resources, and the integration catalog.

use super::{Api, Reply};
use meshes_protocol::api::{
    CatalogEntry, Connection, DashboardMetrics, Event, Integration, Page, Rule,
};

/// Connections per page of the Connections list.
pub const CONNECTIONS_PAGE: u32 = 50;
/// Enough to name every connection a rule or an event points at.
const ALL_CONNECTIONS: u32 = 200;

impl Api {
    pub fn dashboard(self, days: u32) -> Reply<DashboardMetrics> {
        self.get(self.workspace_path(&format!("/dashboard?days={days}")))
    }

    /// One page of connections (the next one after `cursor`).
    pub fn connections(self, cursor: Option<String>) -> Reply<Page<Connection>> {
        let after = cursor.map(|c| format!("&cursor={c}")).unwrap_or_default();
        self.get(self.workspace_path(&format!("/connections?limit={CONNECTIONS_PAGE}{after}")))
    }

    /// Every connection, for naming the ones rules and events point at.
    pub fn all_connections(self) -> Reply<Page<Connection>> {
        self.get(self.workspace_path(&format!("/connections?limit={ALL_CONNECTIONS}")))
    }

    /// Rules matching `query` (already encoded, e.g. `limit=100&connection=…`).
    pub fn rules(self, query: &str) -> Reply<Page<Rule>> {
        self.get(self.workspace_path(&format!("/rules?{query}")))
    }

    /// Events matching `query` (already encoded; `EventFilters::query` plus the cursor).
    pub fn events(self, query: &str) -> Reply<Page<Event>> {
        self.get(self.workspace_path(&format!("/events?{query}")))
    }

    pub fn event_types(self) -> Reply<Vec<CatalogEntry>> {
        self.get(self.workspace_path("/event-types"))
    }

    pub fn resources(self) -> Reply<Vec<CatalogEntry>> {
        self.get(self.workspace_path("/resources"))
    }

    /// The integration catalog (fits on one page).
    pub fn integrations(self) -> Reply<Page<Integration>> {
        self.get("/api/v1/integrations?limit=100".to_owned())
    }
}
