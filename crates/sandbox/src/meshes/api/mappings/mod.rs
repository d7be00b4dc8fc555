//! Destination field catalogs and the default mapping of a connection, with optimistic
//! concurrency (`expected_version`): a stale save is a 409, never a silent overwrite.

mod catalog;

use catalog::{fields, provider_fields};

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::meshes::api::caller::Caller;
use crate::meshes::api::connections;
use crate::meshes::api::validate::{Fields, JsonObject, QueryMap};
use crate::store::db::ts;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use meshes_protocol::EmbedPage;
use meshes_protocol::access::Action;
use meshes_protocol::api::{
    CatalogField, Connection, FieldCatalog, Mapping, MappingEnvelope, MappingStatus, check_schema,
};
use rusqlite::{OptionalExtension, params};
use serde_json::{Value, json};

routes! {
    GET "/connections/{id}/fields" => fields,
    GET "/connections/{id}/mappings/default" => get,
    PUT "/connections/{id}/mappings/default" => put,
}

fn stored(state: &AppState, c: &Connection) -> ApiResult<Option<Mapping>> {
    Ok(state
        .db
        .conn()
        .query_row(
            "SELECT id, version, name, schema, catalog_version, created_by, created_at, updated_at FROM mappings WHERE connection_id = ?1",
            [&c.id],
            |r| {
                Ok(Mapping {
                    id: r.get("id")?,
                    mapping_id: "default".into(),
                    version: r.get("version")?,
                    workspace_id: c.workspace.clone(),
                    connection_id: c.id.clone(),
                    integration_type: c.kind.clone(),
                    name: r.get("name")?,
                    schema: serde_json::from_str(&r.get::<_, String>("schema")?).unwrap_or(Value::Null),
                    catalog_version: r.get("catalog_version")?,
                    created_by: r.get("created_by")?,
                    created_at: r.get("created_at")?,
                    updated_at: r.get("updated_at")?,
                })
            },
        )
        .optional()?)
}

/// Never saved: map every same-named payload key onto the required fields.
fn generated(c: &Connection) -> Mapping {
    let fields: Vec<Value> = provider_fields(&c.kind)
        .into_iter()
        .filter(CatalogField::is_required)
        .map(|f| json!({"dest": f.key, "source": {"type": "path", "value": f.key}, "transforms": [{"type": "trim"}], "on_error": "skip_field"}))
        .collect();
    Mapping {
        id: format!("generated-{}", c.id),
        mapping_id: "default".into(),
        version: 0,
        workspace_id: c.workspace.clone(),
        connection_id: c.id.clone(),
        integration_type: c.kind.clone(),
        name: "Default mapping".into(),
        schema: json!({"schema_version": 1, "fields": fields}),
        catalog_version: None,
        created_by: None,
        created_at: c.created_at.clone(),
        updated_at: c.updated_at.clone(),
    }
}

/// `GET /api/v1/connections/{id}/mappings/default`
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<MappingEnvelope>> {
    caller.require(EmbedPage::ConnectionMappings, Action::Read)?;
    let (c, _) = connections::visible(&state, &caller, &id)?;
    Ok(Json(match stored(&state, &c)? {
        Some(mapping) => MappingEnvelope {
            status: MappingStatus::Stored,
            mapping,
        },
        None => MappingEnvelope {
            status: MappingStatus::Generated,
            mapping: generated(&c),
        },
    }))
}

/// One save of a connection's default mapping.
pub struct Save<'a> {
    pub connection: &'a str,
    /// Only if the stored version is still this one (`expected_version`; 0: none stored yet);
    /// `None` overwrites.
    pub expected: Option<u32>,
    pub name: &'a str,
    pub schema: &'a str,
    pub created_by: &'a str,
    pub now: &'a str,
}

/// Write a mapping version in one statement: with `expected`, a compare-and-set on the stored
/// version, so of two saves based on the same version exactly one lands (false: it changed).
pub fn save(conn: &rusqlite::Connection, s: &Save) -> ApiResult<bool> {
    let catalog_version: Option<u32> = conn
        .query_row(
            "SELECT catalog_version FROM field_catalogs WHERE connection_id = ?1",
            [s.connection],
            |r| r.get("catalog_version"),
        )
        .optional()?;
    let n = match s.expected {
        // Based on the generated mapping: only if nobody stored one meanwhile.
        Some(0) => conn.execute(
            "INSERT OR IGNORE INTO mappings (connection_id, id, version, name, schema, catalog_version, created_by, created_at, updated_at) \
             VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6, ?7, ?7)",
            params![s.connection, uuid::Uuid::new_v4().to_string(), s.name, s.schema, catalog_version, s.created_by, s.now],
        )?,
        Some(v) => conn.execute(
            "UPDATE mappings SET version = version + 1, name = ?3, schema = ?4, catalog_version = ?5, \
             updated_at = ?6 WHERE connection_id = ?1 AND version = ?2",
            params![s.connection, v, s.name, s.schema, catalog_version, s.now],
        )?,
        None => conn.execute(
            "INSERT INTO mappings (connection_id, id, version, name, schema, catalog_version, created_by, created_at, updated_at) \
             VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6, ?7, ?7) ON CONFLICT(connection_id) DO UPDATE SET \
             version = version + 1, name = ?3, schema = ?4, catalog_version = ?5, updated_at = ?7",
            params![s.connection, uuid::Uuid::new_v4().to_string(), s.name, s.schema, catalog_version, s.created_by, s.now],
        )?,
    };
    Ok(n == 1)
}

/// `PUT /api/v1/connections/{id}/mappings/default` `{expected_version?, name?, schema, …}`
pub async fn put(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonObject(map): JsonObject,
) -> ApiResult<Json<MappingEnvelope>> {
    caller.require(EmbedPage::ConnectionMappings, Action::Write)?;
    let (c, _) = connections::visible(&state, &caller, &id)?;
    let mut f = Fields::new(
        &map,
        &[
            "workspace_id",
            "mapping_id",
            "expected_version",
            "name",
            "schema",
        ],
    );
    let expected = f.int_in("expected_version", (0, i64::from(u32::MAX)));
    let name = f.string("name", 1, 64);
    if f.string("workspace_id", 1, 64)
        .is_some_and(|w| w != c.workspace)
    {
        f.fail("workspace_id", "is not this connection's workspace");
    }
    if f.string("mapping_id", 1, 64)
        .is_some_and(|m| m != "default")
    {
        f.fail("mapping_id", "only the default mapping can be edited here");
    }
    if !f.present("schema") {
        f.fail("schema", "is required");
    }
    f.finish("Invalid mapping")?;
    let schema = map.get("schema").cloned().unwrap_or(Value::Null);
    let mut errors = check_schema(&schema);
    // Destinations must exist in the connection's catalog and be writable.
    let catalog = provider_fields(&c.kind);
    for (i, field) in schema
        .get("fields")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let Some(dest) = field
            .get("dest")
            .and_then(Value::as_str)
            .filter(|d| !d.is_empty())
        else {
            continue;
        };
        match catalog.iter().find(|f| f.key == dest) {
            None => errors.push(meshes_protocol::api::ParamError::new(
                format!("schema.fields[{i}].dest"),
                format!("{dest:?} is not a field of this connection; refresh the field catalog"),
            )),
            Some(f) if f.is_read_only() => errors.push(meshes_protocol::api::ParamError::new(
                format!("schema.fields[{i}].dest"),
                format!(
                    "{} is read-only in the provider",
                    f.label.as_deref().unwrap_or(dest)
                ),
            )),
            _ => {}
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::bad_request("Invalid mapping schema", errors)
            .with_status(StatusCode::UNPROCESSABLE_ENTITY));
    }
    let current = stored(&state, &c)?;
    let name = name.unwrap_or_else(|| {
        current
            .as_ref()
            .map_or("Default mapping".into(), |m| m.name.clone())
    });
    let saved = save(
        &state.db.conn(),
        &Save {
            connection: &c.id,
            expected: expected.and_then(|e| u32::try_from(e).ok()),
            name: &name,
            schema: &schema.to_string(),
            created_by: &caller.created_by(),
            now: &ts(state.clock.now()),
        },
    )?;
    if !saved {
        let now_at = stored(&state, &c)?.map_or(0, |m| m.version);
        return Err(ApiError::conflict(format!(
            "The mapping changed since you opened it (you edited version {}, it is now version {now_at}). Review the newer version and apply your change again.",
            expected.unwrap_or_default()
        ))
        .named("VersionConflict"));
    }
    let mapping =
        stored(&state, &c)?.ok_or_else(|| ApiError::internal("mapping vanished after save"))?;
    Ok(Json(MappingEnvelope {
        status: MappingStatus::Stored,
        mapping,
    }))
}
