//! The integrations catalog, the per-connection live action data the rule builder picks from,
//! and the workspace's event-type and resource catalogs.

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::meshes::api::caller::Caller;
use crate::meshes::api::caller::WorkspaceScope;
use crate::meshes::api::validate::{PageQuery, QueryMap, paginate};
use axum::Json;
use axum::extract::State;
use meshes_protocol::api::{CatalogEntry, Integration, Page};
use rusqlite::params;
use serde_json::{Value, json};
use std::sync::LazyLock;

routes! {
    GET "/workspaces/{id}/event-types" => event_types,
    GET "/workspaces/{id}/resources" => resources,
    GET "/integrations" => list_integrations,
}

static INTEGRATIONS: LazyLock<Vec<Integration>> = LazyLock::new(|| {
    // Checked by a unit test, so a broken catalog fails the build's tests, not a request.
    let mut all: Vec<Integration> =
        serde_json::from_str(include_str!("../../../data/integrations.json")).unwrap_or_default();
    all.sort_by(|a, b| a.name.cmp(&b.name));
    all
});

pub fn integrations() -> &'static [Integration] {
    &INTEGRATIONS
}

pub fn integration(kind: &str) -> Option<&'static Integration> {
    INTEGRATIONS.iter().find(|i| i.kind == kind)
}

/// `GET /api/v1/integrations`: every integration enabled for the organization (all of them here).
pub async fn list_integrations(
    _: Caller,
    QueryMap(q): QueryMap,
) -> ApiResult<Json<Page<Integration>>> {
    let page = PageQuery::from_query(&q)?;
    // The catalog is static and sorted by name: positions stand in for the descending `seq`
    // the cursors use, so pages come out alphabetical and contiguous.
    let n = INTEGRATIONS.len() as i64;
    let rows: Vec<(Integration, i64)> = INTEGRATIONS
        .iter()
        .enumerate()
        .map(|(i, x)| (x.clone(), n - i as i64))
        .filter(|(_, seq)| *seq < page.before_seq())
        .take(page.limit as usize + 1)
        .collect();
    Ok(Json(paginate(rows, page.limit)))
}

/// What the provider account behind a connection holds (lists, channels, …). Fake but stable:
/// the same for every connection of a type, so tests and demos can name the items.
pub fn live_action_data(kind: &str) -> Value {
    let items = |prefix: &str, names: &[&str]| -> Value {
        names
            .iter()
            .enumerate()
            .map(|(i, n)| json!({"id": format!("{prefix}{}", i + 1), "name": n}))
            .collect()
    };
    let lists = items(
        "list_",
        &["New leads", "Newsletter", "Customers", "Churned"],
    );
    let tags = items("tag_", &["vip", "trial", "enterprise", "at-risk"]);
    let with_options = |prefix: &str, names: &[(&str, &[&str])]| -> Value {
        names
            .iter()
            .map(|(n, opts)| {
                json!({"id": format!("{prefix}{n}"), "name": n,
                       "options": opts.iter().map(|o| json!({"id": o, "name": o})).collect::<Vec<_>>()})
            })
            .collect()
    };
    match kind {
        "activecampaign" => json!({"lists": lists, "tags": tags}),
        "aweber" | "mailchimp" => json!({"lists": lists}),
        "discord" => json!({"channels": items("ch_", &["announcements", "signups", "alerts"])}),
        "slack" => {
            json!({"channels": items("C0", &["#general", "#sales-wins", "#alerts", "#support"])})
        }
        "hubspot" => json!({"lists": lists, "properties": with_options("", &[
            ("lifecyclestage", &["lead", "opportunity", "customer"]),
            ("hs_lead_status", &["NEW", "OPEN", "CONNECTED"])])}),
        "salesforce" => {
            json!({"campaigns": items("701", &["Spring launch", "Webinar Q3", "Partners"]),
            "properties": with_options("", &[("LeadSource", &["Web", "Partner", "Event"])])})
        }
        "intercom" => json!({"tags": tags}),
        "mailerlite" => json!({"groups": items("grp_", &["Beta", "Customers", "Newsletter"])}),
        "pipedrive" => json!({"labels": items("lbl_", &["Hot", "Warm", "Cold"]),
            "person_fields": with_options("", &[("stage", &["lead", "customer"])])}),
        "resend" => json!({"segments": items("seg_", &["All users", "Paying"]),
            "templates": items("tmpl_", &["Welcome", "Receipt", "Trial ending"])}),
        "sendgrid" => json!({"templates": items("d-", &["Welcome", "Receipt"])}),
        "zoom" => json!({"meetings": items("mtg_", &["Onboarding call", "Office hours"]),
            "webinars": items("web_", &["Product tour"])}),
        _ => json!({}),
    }
}

fn entries(state: &AppState, id: &str, kind: &str) -> ApiResult<Json<Vec<CatalogEntry>>> {
    let conn = state.db.conn();
    let mut stmt = conn.prepare(
        "SELECT id, key, label, description, active, created_by, created_at, updated_at FROM catalog_entries \
         WHERE workspace_id = ?1 AND kind = ?2 ORDER BY key",
    )?;
    let rows = stmt.query_map(params![id, kind], |r| {
        Ok(CatalogEntry {
            id: r.get("id")?,
            key: r.get("key")?,
            label: r.get("label")?,
            description: r.get("description")?,
            active: Some(r.get("active")?),
            created_by: r.get("created_by")?,
            created_at: r.get("created_at")?,
            updated_at: r.get("updated_at")?,
        })
    })?;
    Ok(Json(
        rows.collect::<Result<_, _>>().map_err(ApiError::from)?,
    ))
}

/// `GET /api/v1/workspaces/{id}/event-types` (a plain array).
pub async fn event_types(
    State(state): State<AppState>,
    scope: WorkspaceScope,
) -> ApiResult<Json<Vec<CatalogEntry>>> {
    entries(&state, &scope.workspace.id, "event_type")
}

/// `GET /api/v1/workspaces/{id}/resources` (a plain array).
pub async fn resources(
    State(state): State<AppState>,
    scope: WorkspaceScope,
) -> ApiResult<Json<Vec<CatalogEntry>>> {
    entries(&state, &scope.workspace.id, "resource")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_parses_and_every_picker_has_live_data() {
        let raw: Vec<Value> =
            serde_json::from_str(include_str!("../../../data/integrations.json")).unwrap();
        assert_eq!(integrations().len(), raw.len(), "an entry failed to parse");
        assert_eq!(integrations().len(), 15);
        for i in integrations() {
            let data = live_action_data(&i.kind);
            for a in i.actions.values() {
                for input in &a.data {
                    if let Some(key) = input.data_key() {
                        assert!(
                            data.get(key).is_some(),
                            "{}.{} has no live {key}",
                            i.kind,
                            a.key
                        );
                    }
                }
            }
        }
    }
}
