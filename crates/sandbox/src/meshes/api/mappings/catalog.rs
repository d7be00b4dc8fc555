//! A connection's field catalog: what the provider says its object looks like, stored per
//! connection and versioned, refreshed on request.

use super::*;

/// What the provider says its contact object looks like (fake, per integration type).
pub(super) fn provider_fields(kind: &str) -> Vec<CatalogField> {
    let f = |key: &str, label: &str, ty: &str, constraints: Value| CatalogField {
        key: key.into(),
        label: Some(label.into()),
        kind: ty.into(),
        description: None,
        constraints: constraints.as_object().cloned().filter(|c| !c.is_empty()),
    };
    let mut fields = vec![
        f(
            "email",
            "Email",
            "string",
            json!({"format": "email", "required": true, "max_length": 254}),
        ),
        f(
            "first_name",
            "First name",
            "string",
            json!({"max_length": 80}),
        ),
        f(
            "last_name",
            "Last name",
            "string",
            json!({"max_length": 80}),
        ),
        f("phone", "Phone", "string", json!({"format": "phone"})),
    ];
    match kind {
        "hubspot" | "salesforce" | "pipedrive" => fields.extend([
            f("company", "Company", "string", json!({})),
            f(
                "lifecycle_stage",
                "Lifecycle stage",
                "enum",
                json!({"allowed_values": ["lead", "opportunity", "customer"]}),
            ),
            f(
                "annual_revenue",
                "Annual revenue",
                "number",
                json!({"min": 0}),
            ),
            f(
                "created_date",
                "Created",
                "datetime",
                json!({"read_only": true}),
            ),
        ]),
        "webhook" => fields.extend([
            f("event_name", "Event name", "string", json!({})),
            f("amount", "Amount", "number", json!({})),
            f("tags", "Tags", "array", json!({})),
        ]),
        _ => fields.push(f("signup_date", "Signup date", "date", json!({}))),
    }
    fields
}

fn catalog_row(
    state: &AppState,
    c: &Connection,
    refresh: bool,
    by: &str,
) -> ApiResult<FieldCatalog> {
    let now = ts(state.clock.now());
    let conn = state.db.conn();
    let existing: Option<(String, u32, String, String)> = conn
        .query_row(
            "SELECT id, catalog_version, refreshed_at, created_at FROM field_catalogs WHERE connection_id = ?1",
            [&c.id],
            |r| Ok((r.get("id")?, r.get("catalog_version")?, r.get("refreshed_at")?, r.get("created_at")?)),
        )
        .optional()?;
    let (id, version, refreshed, created) = match existing {
        Some((id, v, _, created)) if refresh => {
            conn.execute(
                "UPDATE field_catalogs SET catalog_version = ?2, refreshed_at = ?3 WHERE connection_id = ?1",
                params![c.id, v + 1, now],
            )?;
            (id, v + 1, now.clone(), created)
        }
        Some(row) => row,
        None => {
            let id = uuid::Uuid::new_v4().to_string();
            conn.execute(
                "INSERT INTO field_catalogs (connection_id, id, catalog_version, refreshed_at, created_at) VALUES (?1, ?2, 1, ?3, ?3)",
                params![c.id, id, now],
            )?;
            (id, 1, now.clone(), now.clone())
        }
    };
    Ok(FieldCatalog {
        id,
        workspace_id: c.workspace.clone(),
        connection_id: c.id.clone(),
        integration_type: c.kind.clone(),
        catalog_version: version,
        updated_at: refreshed.clone(),
        refreshed_at: refreshed,
        created_by: Some(by.to_owned()),
        created_at: created,
        fields: provider_fields(&c.kind),
    })
}

/// `GET /api/v1/connections/{id}/fields?refresh=true|false`
pub async fn fields(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    QueryMap(q): QueryMap,
) -> ApiResult<Json<FieldCatalog>> {
    caller.require(EmbedPage::ConnectionMappings, Action::Read)?;
    let refresh = match q.get("refresh").map(String::as_str) {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(ApiError::param("refresh", "must be true or false")),
    };
    let (c, _) = connections::visible(&state, &caller, &id)?;
    if refresh && !c.active {
        return Err(ApiError::conflict(
            "The connection is inactive, so its fields cannot be refreshed; reconnect it first",
        ));
    }
    Ok(Json(catalog_row(
        &state,
        &c,
        refresh,
        &caller.created_by(),
    )?))
}
