//! Connections: read one, create (API-key and webhook types), update, delete (409 while active
//! rules use it unless forced), and the live action data. Secrets are split off on write and
//! stored apart from `metadata`, so no read path can return them.

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::meshes::api::caller::Caller;
use crate::meshes::api::caller::WorkspaceScope;
use crate::meshes::api::catalog::{integration, live_action_data};
use crate::meshes::api::validate::{Fields, JsonObject, is_uuid};
use crate::meshes::api::validate::{PageQuery, QueryMap, paginate};
use crate::store::db::ts;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use meshes_protocol::EmbedPage;
use meshes_protocol::access::Action;
use meshes_protocol::api::{
    AuthType, Connection, ConnectionCreated, ConnectionDeleted, Integration, ParamError,
    check_metadata, valid_connection_name,
};
use meshes_protocol::api::{InactiveReason, Page};
use rusqlite::Row;
use rusqlite::{OptionalExtension, params};
use serde_json::{Map, Value};

routes! {
    GET "/workspaces/{id}/connections" => list,
    POST "/connections" => create,
    GET "/connections/{id}" => get,
    PUT "/connections/{id}" => update,
    DELETE "/connections/{id}" => delete,
    GET "/connections/{id}/actions" => actions,
}

/// Load a live connection the caller may see, or 404 (no existence oracle across workspaces).
pub fn visible(
    state: &AppState,
    caller: &Caller,
    id: &str,
) -> ApiResult<(Connection, Map<String, Value>)> {
    let sql = format!(
        "SELECT {CONNECTION_COLUMNS}, secrets FROM connections WHERE id = ?1 AND deleted_at IS NULL"
    );
    let row = state
        .db
        .conn()
        .query_row(&sql, [id], |r| {
            let secrets: String = r.get("secrets")?;
            Ok((
                connection_from_row(r)?.0,
                serde_json::from_str(&secrets).unwrap_or_default(),
            ))
        })
        .optional()?;
    let (c, secrets) = row.ok_or_else(|| ApiError::not_found("Connection"))?;
    caller
        .check_workspace(&c.workspace)
        .map_err(|_| ApiError::not_found("Connection"))?;
    if caller.session().is_some() && c.hidden {
        return Err(ApiError::not_found("Connection"));
    }
    Ok((c, secrets))
}

/// `GET /api/v1/connections/{id}`, with the live action data mirrored in.
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Connection>> {
    caller.require(EmbedPage::Connections, Action::Read)?;
    let (mut c, _) = visible(&state, &caller, &id)?;
    c.action_data = live_action_data(&c.kind).as_object().cloned();
    Ok(Json(c))
}

/// `GET /api/v1/connections/{id}/actions`: lists, channels, … the rule builder picks from.
pub async fn actions(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    // The rule builder needs this, so the Rules page (not Connections) gates it.
    caller.require(EmbedPage::Rules, Action::Read)?;
    let (c, secrets) = visible(&state, &caller, &id)?;
    if !c.active {
        return Err(ApiError::conflict(
            "This connection is inactive, so its live data cannot be loaded; reconnect it first",
        ));
    }
    match secrets
        .get("oauth")
        .and_then(|o| o.get("access_token"))
        .and_then(Value::as_str)
    {
        Some(token) => crate::meshes::oauth::provider_action_data(&state, &c, token)
            .await
            .map(Json),
        // Seeded connections hold no provider tokens; they get the same data from the catalog.
        None => Ok(Json(live_action_data(&c.kind))),
    }
}

/// Split submitted metadata into what is shown back and the secrets kept apart.
/// Blank secrets on update keep the stored value.
fn split(
    integration: &Integration,
    metadata: Map<String, Value>,
    stored: &Map<String, Value>,
) -> (Map<String, Value>, Map<String, Value>) {
    let mut public = Map::new();
    let mut secrets = stored.clone();
    for (k, v) in metadata {
        let secret = integration
            .authentication
            .fields
            .iter()
            .any(|f| f.key == k && f.is_secret());
        let blank = v.as_str().is_some_and(|s| s.trim().is_empty()) || v.is_null();
        match (secret, blank) {
            (true, true) => {}
            (true, false) => {
                secrets.insert(k, v);
            }
            (false, true) => {}
            (false, false) => {
                public.insert(k, v);
            }
        }
    }
    // Fill catalog defaults so the stored connection says exactly how it behaves.
    for f in &integration.authentication.fields {
        if let Some(d) = &f.default_value
            && !public.contains_key(&f.key)
            && !f.is_secret()
            && f.applies(|k| {
                public
                    .get(k)
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .or_else(|| default_of(integration, k))
            })
        {
            public.insert(f.key.clone(), Value::String(d.clone()));
        }
    }
    // Secrets of fields that no longer apply (e.g. auth scheme changed) are dropped.
    secrets.retain(|k, _| {
        integration.authentication.fields.iter().any(|f| {
            &f.key == k
                && f.applies(|dep| public.get(dep).and_then(Value::as_str).map(str::to_owned))
        })
    });
    (public, secrets)
}

fn default_of(integration: &Integration, key: &str) -> Option<String> {
    integration
        .authentication
        .fields
        .iter()
        .find(|f| f.key == key)
        .and_then(|f| f.default_value.clone())
}

/// The sandbox's stand-in for the webhook URL test on save: hosts under `.invalid` fail.
fn url_test(metadata: &Map<String, Value>) -> Option<ParamError> {
    let skip = metadata.get("skip_url_test").and_then(Value::as_bool) == Some(true);
    let url = metadata.get("url").and_then(Value::as_str)?;
    let host = url
        .trim_start_matches("https://")
        .split(['/', ':', '?', '#'])
        .next()?;
    (!skip && host.ends_with(".invalid")).then(|| {
        ParamError::new(
            "metadata.url",
            format!("The test request to {host} failed (could not resolve the host). Check the URL, or tick \"Skip URL payload test\"."),
        )
    })
}

fn check_name(f: &mut Fields, required: bool) -> Option<String> {
    let name = f.string("name", 1, 128);
    match &name {
        Some(n) if !valid_connection_name(n) => {
            f.fail("name", "may contain only letters, digits, spaces, _ and -")
        }
        None if required && !f.present("name") => f.fail("name", "is required"),
        _ => {}
    }
    name
}

fn metadata_of(map: &Map<String, Value>, f: &mut Fields) -> Map<String, Value> {
    match map.get("metadata") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(m)) => m.clone(),
        Some(_) => {
            f.fail("metadata", "must be an object");
            Map::new()
        }
    }
}

fn name_taken(state: &AppState, workspace: &str, name: &str, except: &str) -> ApiResult<bool> {
    Ok(state.db.conn().query_row(
        "SELECT EXISTS(SELECT 1 FROM connections WHERE workspace_id = ?1 AND name = ?2 AND id != ?3 AND deleted_at IS NULL) AS taken",
        params![workspace, name, except],
        |r| r.get("taken"),
    )?)
}

/// `POST /api/v1/connections` -> 201 `{connection}`.
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    JsonObject(map): JsonObject,
) -> ApiResult<(StatusCode, Json<ConnectionCreated>)> {
    caller.require(EmbedPage::Connections, Action::Write)?;
    let mut f = Fields::new(&map, &["workspace", "type", "name", "metadata", "hidden"]);
    let workspace = f.string("workspace", 36, 36).filter(|w| is_uuid(w));
    if workspace.is_none() {
        f.fail("workspace", "must be a workspace id");
    }
    let name = check_name(&mut f, true);
    let hidden = f.management_bool("hidden", &caller).unwrap_or(false);
    let kind = f.string("type", 1, 64);
    let metadata = metadata_of(&map, &mut f);
    let integration = match kind.as_deref().map(|k| (k, integration(k))) {
        None => {
            f.fail("type", "is required");
            None
        }
        Some((k, None)) => {
            f.fail(
                "type",
                format!("{k:?} is not an integration enabled for this organization"),
            );
            None
        }
        Some((_, Some(i))) if i.authentication.kind == AuthType::Oauth => {
            f.fail("type", format!("{} connections are created through the Connect to {} flow, not with credentials", i.name, i.name));
            None
        }
        Some((_, Some(i))) => Some(i),
    };
    f.finish("Invalid connection")?;
    let (Some(workspace), Some(name), Some(integration)) = (workspace, name, integration) else {
        return Err(ApiError::param("body", "is incomplete"));
    };
    caller.workspace(&state, &workspace)?;
    let errors = check_metadata(integration, &metadata, |_| false);
    if !errors.is_empty() {
        return Err(ApiError::bad_request("Invalid connection settings", errors));
    }
    if let Some(e) = url_test(&metadata) {
        return Err(ApiError::bad_request("URL payload test failed", vec![e])
            .with_status(StatusCode::UNPROCESSABLE_ENTITY));
    }
    if name_taken(&state, &workspace, &name, "")? {
        return Err(ApiError::conflict(format!(
            "A connection named {name:?} already exists in this workspace"
        )));
    }
    let (public, secrets) = split(integration, metadata, &Map::new());
    let id = uuid::Uuid::new_v4().to_string();
    let now = ts(state.clock.now());
    state.db.conn().execute(
        "INSERT INTO connections (id, workspace_id, type, name, metadata, secrets, hidden, created_by, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
        params![id, workspace, integration.kind, name, Value::Object(public).to_string(), Value::Object(secrets).to_string(), hidden, caller.created_by(), now],
    )?;
    let (connection, _) = visible(&state, &Caller::Management, &id)?;
    Ok((StatusCode::CREATED, Json(ConnectionCreated { connection })))
}

/// `PUT /api/v1/connections/{id}` `{name, metadata, hidden?}` -> Connection.
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonObject(map): JsonObject,
) -> ApiResult<Json<Connection>> {
    caller.require(EmbedPage::Connections, Action::Write)?;
    let (existing, stored) = visible(&state, &caller, &id)?;
    let mut f = Fields::new(&map, &["name", "metadata", "hidden"]);
    let name = check_name(&mut f, true);
    let hidden = f
        .management_bool("hidden", &caller)
        .unwrap_or(existing.hidden);
    let metadata = metadata_of(&map, &mut f);
    f.finish("Invalid connection")?;
    let name = name.unwrap_or_default();
    let integration = integration(&existing.kind)
        .ok_or_else(|| ApiError::internal("connection of an unknown integration"))?;
    let errors = check_metadata(integration, &metadata, |k| stored.contains_key(k));
    if !errors.is_empty() {
        return Err(ApiError::bad_request("Invalid connection settings", errors));
    }
    if let Some(e) = url_test(&metadata) {
        return Err(ApiError::bad_request("URL payload test failed", vec![e])
            .with_status(StatusCode::UNPROCESSABLE_ENTITY));
    }
    if name_taken(&state, &existing.workspace, &name, &id)? {
        return Err(ApiError::conflict(format!(
            "A connection named {name:?} already exists in this workspace"
        )));
    }
    let (public, secrets) = split(integration, metadata, &stored);
    // Saving new credentials is how a user fixes `authentication_invalid`.
    let revive = existing.inactive_reason
        == Some(meshes_protocol::api::InactiveReason::AuthenticationInvalid)
        && integration.authentication.kind != AuthType::Oauth;
    state.db.conn().execute(
        "UPDATE connections SET name = ?2, metadata = ?3, secrets = ?4, hidden = ?5, updated_at = ?6, \
         active = CASE WHEN ?7 THEN 1 ELSE active END, inactive_reason = CASE WHEN ?7 THEN NULL ELSE inactive_reason END \
         WHERE id = ?1",
        params![id, name, Value::Object(public).to_string(), Value::Object(secrets).to_string(), hidden, ts(state.clock.now()), revive],
    )?;
    let (c, _) = visible(&state, &Caller::Management, &id)?;
    Ok(Json(c))
}

/// `DELETE /api/v1/connections/{id}` `{force_delete?}` -> `{id, type}`.
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> ApiResult<Json<ConnectionDeleted>> {
    caller.require(EmbedPage::Connections, Action::Delete)?;
    let force = if body.iter().all(u8::is_ascii_whitespace) {
        false
    } else {
        let map = crate::meshes::api::validate::json_object(&body)?;
        let mut f = Fields::new(&map, &["force_delete"]);
        let force = f.bool("force_delete").unwrap_or(false);
        f.finish("Invalid request")?;
        force
    };
    let (c, _) = visible(&state, &caller, &id)?;
    let mut conn = state.db.conn();
    let tx = conn.transaction()?;
    let active_rules: u32 = tx.query_row(
        "SELECT COUNT(*) AS n FROM rules WHERE connection_id = ?1 AND active = 1 AND deleted_at IS NULL",
        [&id],
        |r| r.get("n"),
    )?;
    if active_rules > 0 && !force {
        let uses = if active_rules == 1 {
            "1 active rule uses this connection".to_owned()
        } else {
            format!("{active_rules} active rules use this connection")
        };
        return Err(ApiError::conflict(format!(
            "{uses}. Delete those rules first, or force delete to remove the connection and its rules together."
        ))
        .named("ConnectionInUse"));
    }
    let now = ts(state.clock.now());
    tx.execute("UPDATE rules SET deleted_at = ?2, active = 0 WHERE connection_id = ?1 AND deleted_at IS NULL", params![id, now])?;
    tx.execute(
        "UPDATE connections SET deleted_at = ?2, secrets = '{}' WHERE id = ?1",
        params![id, now],
    )?;
    tx.commit()?;
    Ok(Json(ConnectionDeleted {
        id: c.id,
        kind: c.kind,
    }))
}

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

pub async fn list(
    State(state): State<AppState>,
    WorkspaceScope { caller, workspace }: WorkspaceScope,
    QueryMap(q): QueryMap,
) -> ApiResult<Json<Page<Connection>>> {
    // The Connections page lists them; the rule builder (Rules page) picks from them.
    if caller.require_page(EmbedPage::Connections).is_err() {
        caller.require_page(EmbedPage::Rules)?;
    }
    let page = PageQuery::from_query(&q)?;
    // Hidden connections are internal plumbing: management callers see them, embeds do not.
    let include_hidden = caller.session().is_none();
    let conn = state.db.conn();
    let mut stmt = conn.prepare(&format!(
        "SELECT {CONNECTION_COLUMNS} FROM connections WHERE workspace_id = ?1 AND seq < ?2 AND deleted_at IS NULL \
         AND (?3 OR hidden = 0) ORDER BY seq DESC LIMIT ?4"
    ))?;
    let rows = stmt
        .query_map(
            params![
                workspace.id,
                page.before_seq(),
                include_hidden,
                page.limit + 1
            ],
            connection_from_row,
        )?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Json(paginate(rows, page.limit)))
}
