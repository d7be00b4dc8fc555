//! `/connections/{id}…`: one connection, its writes, its field catalog, actions and mapping.

use super::{Api, Method, Reply, body};
use meshes_protocol::api::{
    Connection, ConnectionCreated, ConnectionDeleted, CreateConnection, DeleteConnection,
    FieldCatalog, MappingEnvelope, PutMapping, UpdateConnection,
};
use serde_json::Value;

fn path(id: &str) -> String {
    format!("/api/v1/connections/{id}")
}

impl Api {
    pub fn connection(self, id: &str) -> Reply<Connection> {
        self.get(path(id))
    }

    pub fn create_connection(self, c: &CreateConnection) -> Reply<ConnectionCreated> {
        self.write(Method::Post, "/api/v1/connections".to_owned(), body(c))
    }

    pub fn update_connection(self, id: &str, c: &UpdateConnection) -> Reply<Connection> {
        self.write(Method::Put, path(id), body(c))
    }

    /// Sends a body only to force (a plain delete has none).
    pub fn delete_connection(self, id: &str, d: &DeleteConnection) -> Reply<ConnectionDeleted> {
        let b = d.force_delete.is_some().then(|| body(d)).flatten();
        self.write(Method::Delete, path(id), b)
    }

    /// The destination fields; `refresh` asks the provider again instead of the cached catalog.
    pub fn fields(self, id: &str, refresh: bool) -> Reply<FieldCatalog> {
        let q = if refresh { "?refresh=true" } else { "" };
        self.get(format!("{}/fields{q}", path(id)))
    }

    /// What a rule on this connection can do, with live option lists (shape varies by provider).
    pub fn actions(self, id: &str) -> Reply<Value> {
        self.get(format!("{}/actions", path(id)))
    }

    pub fn mapping(self, id: &str) -> Reply<MappingEnvelope> {
        self.get(format!("{}/mappings/default", path(id)))
    }

    pub fn put_mapping(self, id: &str, m: &PutMapping) -> Reply<MappingEnvelope> {
        self.write(
            Method::Put,
            format!("{}/mappings/default", path(id)),
            body(m),
        )
    }
}
