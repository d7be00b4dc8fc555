//! Connection mappings: edit the default mapping against the connection's field catalog.
//! Saves carry `expected_version`; a 409 shows the newer version and lets the user reapply
//! their rows on top of it (nothing typed is lost).

mod rows;

use super::{authed_resource, href_with_query, render_loaded};
use crate::api::{Api, Method};
use crate::error::AppError;
use crate::router::Link;
use crate::ui::{ErrorState, Notice, NoticeView, PageHeader, ReadOnlyNote, Time};
use leptos::prelude::*;
use meshes_protocol::EmbedRoute;
use meshes_protocol::access::Action;
use meshes_protocol::api::{
    Connection, FieldCatalog, MappingEnvelope, MappingStatus, ParamError, check_schema,
};
use rows::{Row, from_schema, to_schema};

#[derive(Clone)]
struct Loaded {
    connection: Connection,
    catalog: FieldCatalog,
    mapping: MappingEnvelope,
}

async fn load(api: Api, id: String) -> Result<Loaded, AppError> {
    let (connection, catalog, mapping) = futures::join!(
        api.get::<Connection>(format!("/api/v1/connections/{id}")),
        api.get::<FieldCatalog>(format!("/api/v1/connections/{id}/fields")),
        api.get::<MappingEnvelope>(format!("/api/v1/connections/{id}/mappings/default")),
    );
    Ok(Loaded {
        connection: connection?,
        catalog: catalog?,
        mapping: mapping?,
    })
}

#[component]
pub fn MappingsPage(id: String) -> impl IntoView {
    let data = authed_resource(move |api| load(api, id.clone()));
    let back = href_with_query(&EmbedRoute::Connections.path(), "");
    view! {
        <p class="crumbs">
            <Link href=back>"← Connections"</Link>
        </p>
        {render_loaded(data, 8, |d| view! { <Editor d /> })}
    }
}

#[component]
fn Editor(d: Loaded) -> impl IntoView {
    let api = expect_context::<Api>();
    let session = api.session.clone();
    let permits = session.permits(Action::Write);
    let can_edit = permits.is_ok();
    let conn_id = d.connection.id.clone();
    let catalog = RwSignal::new(d.catalog);
    let base = RwSignal::new(d.mapping.clone());
    let rows = RwSignal::new(from_schema(&d.mapping.mapping.schema));
    let name = RwSignal::new(d.mapping.mapping.name.clone());
    let local = RwSignal::new(Vec::<ParamError>::new());
    let server = RwSignal::new(None::<AppError>);
    let notice = RwSignal::new(None::<Notice>);
    // The newer version someone else saved, after a 409.
    let newer = RwSignal::new(None::<MappingEnvelope>);
    let busy = RwSignal::new(false);
    let err = move |param: &str| {
        local
            .with(|l| l.iter().find(|e| e.param == param).map(|e| e.msg.clone()))
            .or_else(|| server.with(|s| crate::ui::param_error(s, param)))
    };
    let refresh_api = api.clone();
    let refresh_id = conn_id.clone();
    let refresh = move |_| {
        let (api, id) = (refresh_api.clone(), refresh_id.clone());
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api
                .get::<FieldCatalog>(format!("/api/v1/connections/{id}/fields?refresh=true"))
                .await
            {
                Ok(c) => {
                    notice.set(Some(Notice::Done(format!(
                        "Field catalog refreshed (version {}).",
                        c.catalog_version
                    ))));
                    catalog.set(c);
                }
                Err(e) => notice.set(Some(Notice::Failed(e))),
            }
            busy.set(false);
        });
    };
    let save_api = api.clone();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let schema = to_schema(&rows.get_untracked());
        let errors = check_schema(&schema);
        local.set(errors.clone());
        server.set(None);
        if !errors.is_empty() {
            return;
        }
        let version = base.with_untracked(|b| b.mapping.version);
        // Always based on a version: 0 (the generated mapping) means "nobody saved one yet".
        let body = serde_json::json!({ "schema": schema, "name": name.get_untracked().trim(), "expected_version": version });
        let (api, id) = (save_api.clone(), conn_id.clone());
        busy.set(true);
        leptos::task::spawn_local(async move {
            let path = format!("/api/v1/connections/{id}/mappings/default");
            match api
                .write::<MappingEnvelope>(Method::Put, path.clone(), Some(body))
                .await
            {
                Ok(saved) => {
                    notice.set(Some(Notice::Done(format!(
                        "Mapping saved (version {}).",
                        saved.mapping.version
                    ))));
                    newer.set(None);
                    base.set(saved);
                }
                Err(AppError::Http { status: 409, .. }) => {
                    // Keep the user's rows; show what changed underneath them.
                    if let Ok(latest) = api.get::<MappingEnvelope>(path).await {
                        newer.set(Some(latest));
                    }
                }
                Err(e) => server.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let reapply = move |_| {
        if let Some(n) = newer.get_untracked() {
            base.set(n);
            newer.set(None);
            notice.set(Some(Notice::Done(
                "Your rows are kept on top of the newer version. Review them and save again."
                    .into(),
            )));
        }
    };
    let take_theirs = move |_| {
        if let Some(n) = newer.get_untracked() {
            rows.set(from_schema(&n.mapping.schema));
            name.set(n.mapping.name.clone());
            base.set(n);
            newer.set(None);
        }
    };
    let status_line = move || {
        base.with(|b| match b.status {
            MappingStatus::Generated => "Suggested mapping — not saved yet.".to_owned(),
            MappingStatus::Stored => format!("Saved version {}", b.mapping.version),
        })
    };
    let writable = move || session.can_write() && !busy.get();
    let w2 = writable.clone();
    view! {
        <PageHeader
            title=format!("Field mapping · {}", d.connection.name)
            subtitle="Which payload values fill which fields of the destination"
        />
        {permits.err().map(|reason| view! { <ReadOnlyNote reason /> })}
        <p class="muted" id="mapping-status">
            {status_line}
            " · field catalog v"
            {move || catalog.with(|c| c.catalog_version)}
            " refreshed "
            {move || view! { <Time at=catalog.with(|c| c.refreshed_at.clone()) /> }}
            " "
            <button
                type="button"
                class="btn-link"
                id="refresh-catalog"
                on:click=refresh
                disabled=move || busy.get()
            >
                "Refresh field catalog"
            </button>
        </p>
        <NoticeView notice />
        {move || {
            newer
                .get()
                .map(|n| {
                    view! {
                        <div class="warning" role="alert" id="mapping-conflict">
                            <p>
                                <strong>
                                    {format!(
                                        "Someone saved version {} while you were editing.",
                                        n.mapping.version,
                                    )}
                                </strong>
                            </p>
                            <p>
                                {format!(
                                    "Their version maps: {}.",
                                    rows::summary(&n.mapping.schema),
                                )}
                            </p>
                            <button
                                type="button"
                                class="btn btn-primary"
                                id="reapply"
                                on:click=reapply
                            >
                                "Keep my changes on top of it"
                            </button>
                            <button type="button" class="btn" id="take-theirs" on:click=take_theirs>
                                "Discard mine, use theirs"
                            </button>
                        </div>
                    }
                })
        }}
        <form class="mapping-form" id="mapping-form" on:submit=save>
            <label class="inline">
                "Mapping name"
                <input id="mapping-name" bind:value=name maxlength="64" disabled=!can_edit />
            </label>
            <rows::RowsEditor rows catalog can_edit err />
            {move || server.get().map(|err| view! { <ErrorState err /> })}
            {can_edit
                .then(|| {
                    view! {
                        <div class="form-actions">
                            <button
                                type="button"
                                class="btn"
                                id="add-mapping-row"
                                on:click=move |_| rows.update(|r| r.push(Row::default()))
                                disabled=move || !w2()
                            >
                                "Add field"
                            </button>
                            <button
                                type="submit"
                                class="btn btn-primary"
                                id="save-mapping"
                                disabled=move || !writable()
                            >
                                "Save mapping"
                            </button>
                        </div>
                    }
                })}
        </form>
    }
}
