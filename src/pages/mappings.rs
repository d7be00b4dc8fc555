//! Connection mappings: edit the default mapping against the connection's field catalog.
//! Saves carry `expected_version`; a 409 shows the newer version and lets the user reapply
//! their rows on top of it (nothing typed is lost).

mod preview;
mod rows;

use super::kit::{FormErrors, Mutation, authed_resource, href_with_query, render_loaded};
use crate::api::{Api, use_api};
use crate::error::AppError;
use crate::i18n::{number, t, tf, tr};
use crate::shell::router::{Link, use_location};
use crate::ui::{ErrorState, Notice, NoticeView, PageHeader, ReadOnlyNote, Time};
use leptos::prelude::*;
use meshes_protocol::EmbedRoute;
use meshes_protocol::access::Action;
use meshes_protocol::api::{
    Connection, FieldCatalog, MappingEnvelope, MappingStatus, PutMapping, check_schema,
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
        api.connection(&id),
        api.fields(&id, false),
        api.mapping(&id),
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
            <Link href=back>{tr("mappings.back")}</Link>
        </p>
        {render_loaded(data, 8, |d| view! { <Editor d /> })}
    }
}

#[component]
fn Editor(d: Loaded) -> impl IntoView {
    let api = use_api();
    let session = api.session;
    let permits = session.permits(Action::Write);
    let can_edit = permits.is_ok();
    let conn_id = StoredValue::new(d.connection.id.clone());
    let catalog = RwSignal::new(d.catalog.clone());
    let base = RwSignal::new(d.mapping.clone());
    let rows = RwSignal::new(from_schema(&d.mapping.mapping.schema));
    let name = RwSignal::new(d.mapping.mapping.name.clone());
    let errors = FormErrors::default();
    let notice = RwSignal::new(None::<Notice>);
    let change = Mutation::new(session).notices(notice);
    // The newer version someone else saved, after a 409.
    let newer = RwSignal::new(None::<MappingEnvelope>);
    // Rows or name that differ from what is stored hold in-app navigation (the shell asks
    // first) and ask the browser before the page unloads.
    let loc = use_location();
    let unsaved = Memo::new(move |_| {
        base.with(|b| {
            rows.with(|r| *r != from_schema(&b.mapping.schema))
                || name.with(|n| *n != b.mapping.name)
        })
    });
    Effect::new(move |_| loc.unsaved.set(can_edit && unsaved.get()));
    let unload = window_event_listener(leptos::ev::beforeunload, move |e| {
        if can_edit && unsaved.get_untracked() {
            e.prevent_default();
        }
    });
    on_cleanup(move || {
        unload.remove();
        let _ = loc.unsaved.try_set(false);
        let _ = loc.held.try_set(None);
    });
    let refresh = move |_| {
        let id = conn_id.get_value();
        change.run(async move { api.fields(&id, true).await }, move |c| {
            let said = tf(
                "mappings.catalog_refreshed_notice",
                &[("version", number(c.catalog_version as usize).as_str())],
            );
            catalog.set(c);
            Some(said)
        });
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = rows.get_untracked();
        let schema = serde_json::to_value(to_schema(&typed)).unwrap_or_default();
        let mut found = check_schema(&schema);
        found.extend(rows::unknown_transforms(&typed));
        if !errors.check(found) {
            return;
        }
        // Always based on a version: 0 (the generated mapping) means "nobody saved one yet".
        let put = PutMapping {
            expected_version: Some(base.with_untracked(|b| b.mapping.version)),
            name: Some(name.get_untracked().trim().to_owned()),
            schema,
        };
        let id = conn_id.get_value();
        change.run_then(
            async move {
                match api.put_mapping(&id, &put).await {
                    // Keep the user's rows; fetch what changed underneath them.
                    Err(AppError::Http { status: 409, .. }) => Ok(Err(api.mapping(&id).await.ok())),
                    other => other.map(Ok),
                }
            },
            move |result| match result {
                Ok(Ok(saved)) => {
                    notice.set(Some(Notice::Done(tf(
                        "mappings.saved_notice",
                        &[("version", number(saved.mapping.version as usize).as_str())],
                    ))));
                    newer.set(None);
                    base.set(saved);
                }
                Ok(Err(latest)) => {
                    if latest.is_some() {
                        newer.set(latest);
                    }
                }
                Err(e) => errors.refused(e),
            },
        );
    };
    let reapply = move |_| {
        if let Some(n) = newer.get_untracked() {
            base.set(n);
            newer.set(None);
            notice.set(Some(Notice::Done(t("mappings.reapplied_notice"))));
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
            MappingStatus::Generated => t("mappings.status_suggested"),
            MappingStatus::Stored => tf(
                "mappings.status_saved",
                &[("version", number(b.mapping.version as usize).as_str())],
            ),
        })
    };
    let conn_name = d.connection.name.clone();
    view! {
        <PageHeader
            title=move || tf("mappings.title", &[("name", conn_name.as_str())])
            subtitle=tr("mappings.subtitle")
        />
        {permits.err().map(|why| view! { <ReadOnlyNote reason=move || why.sentence() /> })}
        <p class="muted" id="mapping-status">
            {status_line}
            " · "
            {move || {
                catalog
                    .with(|c| {
                        tf(
                            "mappings.catalog_line_before",
                            &[("version", number(c.catalog_version as usize).as_str())],
                        )
                    })
            }}
            " "
            {move || view! { <Time at=catalog.with(|c| c.refreshed_at.clone()) relative=true /> }}
            " "
            <button
                type="button"
                class="btn-link"
                id="refresh-catalog"
                on:click=refresh
                disabled=move || change.busy()
            >
                {tr("mappings.refresh_catalog")}
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
                                    {tf(
                                        "mappings.conflict",
                                        &[("version", number(n.mapping.version as usize).as_str())],
                                    )}
                                </strong>
                            </p>
                            <p>
                                {tf(
                                    "mappings.their_version",
                                    &[("fields", rows::summary(&n.mapping.schema).as_str())],
                                )}
                            </p>
                            <button
                                type="button"
                                class="btn btn-primary"
                                id="reapply"
                                on:click=reapply
                            >
                                {tr("mappings.keep_mine")}
                            </button>
                            <button type="button" class="btn" id="take-theirs" on:click=take_theirs>
                                {tr("mappings.use_theirs")}
                            </button>
                        </div>
                    }
                })
        }}
        <form class="mapping-form" id="mapping-form" on:submit=save>
            <label class="inline">
                {tr("mappings.name")}
                <input id="mapping-name" bind:value=name maxlength="64" disabled=!can_edit />
            </label>
            <rows::RowsEditor rows catalog can_edit errors />
            {move || errors.server().map(|err| view! { <ErrorState err /> })}
            {can_edit
                .then(|| {
                    view! {
                        <div class="form-actions">
                            <button
                                type="button"
                                class="btn"
                                id="add-mapping-row"
                                on:click=move |_| rows.update(|r| r.push(Row::default()))
                                disabled=move || !change.ready()
                            >
                                {tr("mappings.add_field")}
                            </button>
                            <button
                                type="submit"
                                class="btn btn-primary"
                                id="save-mapping"
                                disabled=move || !change.ready()
                            >
                                {tr("mappings.save")}
                            </button>
                        </div>
                    }
                })}
        </form>
        <preview::SamplePreview rows connection=conn_id.get_value() />
    }
}
