//! Creating and updating a connection: the name, the metadata the integration defines (checked
//! as the embed checks it), and the secrets kept apart from what is shown back.

use super::*;

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
        .trim_start_matches("http://")
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
