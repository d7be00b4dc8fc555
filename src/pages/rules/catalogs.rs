//! What the list and the builder look names up in: connections, integrations, event types and
//! resources, loaded together.

use crate::api::Api;
use crate::error::AppError;
use meshes_protocol::api::{CatalogEntry, Connection, Integration, Rule};
use std::collections::HashMap;

/// Everything the list and the builder look things up in.
#[derive(Clone, Debug, Default)]
pub struct Catalogs {
    pub connections: Vec<Connection>,
    pub integrations: HashMap<String, Integration>,
    pub event_types: Vec<CatalogEntry>,
    pub resources: Vec<CatalogEntry>,
    /// Loaded (not the empty stand-in for catalogs that failed): a rule's connection missing
    /// from `connections` is then one hidden from this session.
    pub complete: bool,
}

impl Catalogs {
    pub fn connection(&self, id: &str) -> Option<&Connection> {
        self.connections.iter().find(|c| c.id == id)
    }

    /// "Add to list · New leads" — the action's label and, when known, its target's name.
    pub fn describe(&self, r: &Rule) -> String {
        let action = r
            .metadata
            .get("action")
            .and_then(|v| v.as_str())
            .unwrap_or("");
        let label = self
            .integrations
            .get(&r.kind)
            .and_then(|i| i.actions.get(action))
            .map_or(action.to_owned(), |a| a.label.clone());
        let target = ["name", "id"]
            .iter()
            .find_map(|k| r.metadata.get(*k).and_then(|v| v.as_str()));
        match target {
            Some(t) => format!("{label} · {t}"),
            None => label,
        }
    }
}

pub async fn load_catalogs(api: Api) -> Result<Catalogs, AppError> {
    let (connections, integrations, event_types, resources) = futures::join!(
        api.all_connections(),
        api.integrations(),
        api.event_types(),
        api.resources(),
    );
    Ok(Catalogs {
        connections: connections?.records,
        integrations: integrations?
            .records
            .into_iter()
            .map(|i| (i.kind.clone(), i))
            .collect(),
        event_types: event_types?,
        resources: resources?,
        complete: true,
    })
}
