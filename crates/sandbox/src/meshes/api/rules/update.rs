//! `PATCH /api/v1/rules/{id}` (decision 87): the on/off switch (`{active}`) and the edit
//! (`{event, metadata, resource, resource_id}`). Keys present change, keys absent stay, `null`
//! clears a resource filter; every value is checked as on create. The connection never changes:
//! that is another rule.

use super::*;

pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonObject(map): JsonObject,
) -> ApiResult<Json<Rule>> {
    caller.require(EmbedPage::Rules, Action::Write)?;
    const KEYS: [&str; 5] = ["active", "event", "metadata", "resource", "resource_id"];
    let mut f = Fields::new(&map, &KEYS);
    if map.is_empty() {
        f.fail(
            "active",
            "name at least one of: active, event, metadata, resource, resource_id",
        );
    }
    let active = f.bool("active");
    for key in ["active", "event", "metadata"] {
        if map.get(key).is_some_and(Value::is_null) {
            f.fail(key, "cannot be null");
        }
    }
    let event = f.string("event", 1, 128);
    if event.as_deref().is_some_and(|e| !valid_event_key(e)) {
        f.fail("event", "pick an event type (a key like contact.created)");
    }
    let resource = f.string("resource", 1, 64);
    let resource_id = f.string("resource_id", 1, 64);
    for (k, v) in [("resource", &resource), ("resource_id", &resource_id)] {
        if v.as_deref().is_some_and(|v| !is_resource_token(v)) {
            f.fail(k, "must match ^[A-Za-z0-9._:-]{1,64}$");
        }
    }
    let metadata = match map.get("metadata") {
        None | Some(Value::Null) => None,
        Some(Value::Object(m)) => Some(m.clone()),
        Some(_) => {
            f.fail("metadata", "must be an object with at least an action");
            None
        }
    };
    f.finish("Invalid rule update")?;
    let rule = visible(&state, &caller, &id)?;
    let resource = if map.contains_key("resource") {
        resource
    } else {
        rule.resource.clone()
    };
    let resource_id = if map.contains_key("resource_id") {
        resource_id
    } else {
        rule.resource_id.clone()
    };
    if resource_id.is_some() && resource.is_none() {
        return Err(ApiError::param(
            "resource",
            "is required when resource_id is set",
        ));
    }
    if let Some((r, i)) = caller.session().and_then(|s| s.resource_scope())
        && (resource.as_deref() != Some(r) || resource_id.as_deref() != Some(i))
    {
        return Err(ApiError::forbidden(format!(
            "This session may only keep rules for {r} {i}"
        )));
    }
    if let Some(m) = &metadata {
        let errors = check_action(&rule.kind, m);
        if !errors.is_empty() {
            return Err(ApiError::bad_request("Invalid rule update", errors));
        }
    }
    state.db.conn().execute(
        "UPDATE rules SET active = COALESCE(?2, active), event = COALESCE(?3, event), \
         metadata = COALESCE(?4, metadata), resource = ?5, resource_id = ?6, updated_at = ?7 WHERE id = ?1",
        params![
            id,
            active,
            event,
            metadata.map(|m| Value::Object(m).to_string()),
            resource,
            resource_id,
            ts(state.clock.now())
        ],
    )?;
    Ok(Json(visible(&state, &caller, &id)?))
}
