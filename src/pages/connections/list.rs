//! The connections list: "Load more", a name filter, and each row's actions (field mapping,
//! edit, reconnect, delete with the 409 force-delete path).

use crate::api::use_api;
use crate::error::AppError;
use crate::oauth::{OauthFlow, Target};
use crate::pages::kit::{Mutation, Paged, page_link};
use crate::ui::{ConfirmButton, Notice, Table, Time, integration_label};
use leptos::prelude::*;
use meshes_protocol::EmbedRoute;
use meshes_protocol::access::Action;
use meshes_protocol::api::{Connection, DeleteConnection, InactiveReason, Integration, Page};

/// What a row needs from the page.
#[derive(Clone, Copy)]
pub struct RowCtx {
    pub editing: RwSignal<Option<Connection>>,
    pub notice: RwSignal<Option<Notice>>,
    pub fresh: RwSignal<Option<String>>,
    pub oauth_apps: Memo<Option<Vec<Integration>>>,
    pub flow: OauthFlow,
    pub reload: Callback<()>,
}

/// Later pages are appended to the first; "Load more" follows `next_cursor`.
#[component]
pub fn ConnectionList(
    first: Page<Connection>,
    filter: RwSignal<String>,
    ctx: RowCtx,
) -> impl IntoView {
    let api = use_api();
    let list = Paged::new(first);
    let items = list.items;
    let more = list.more("connections-more", move |cursor| {
        api.connections(Some(cursor))
    });
    view! {
        <Show
            when=move || !items.with(Vec::is_empty)
            fallback=|| {
                view! {
                    <p class="empty">
                        "No connections yet. Connections to HubSpot, Slack, webhooks and more appear here once they are set up."
                    </p>
                }
            }
        >
            <Table
                id="connections-table"
                columns=&["Name", "Integration", "Status", "Created"]
                actions="Actions"
            >
                <For each=move || visible(&items.get(), &filter.get()) key=|c| c.id.clone() let:c>
                    <ConnectionRow c ctx />
                </For>
            </Table>
        </Show>
        {more}
    }
}

/// Case-insensitive name filter.
fn visible(items: &[Connection], filter: &str) -> Vec<Connection> {
    let needle = filter.trim().to_lowercase();
    items
        .iter()
        .filter(|c| needle.is_empty() || c.name.to_lowercase().contains(&needle))
        .cloned()
        .collect()
}

#[component]
fn ConnectionRow(c: Connection, ctx: RowCtx) -> impl IntoView {
    let api = use_api();
    let session = api.session;
    let can_edit = session.permits(Action::Write).is_ok();
    let can_delete = session.permits(Action::Delete).is_ok();
    let change = Mutation::new(session);
    // Set by a 409: the server's explanation, and the offer to force.
    let conflict = RwSignal::new(None::<String>);
    // OAuth grants that lapsed are fixed by signing in again through the hosted flow.
    let reconnect = (can_edit
        && matches!(
            c.inactive_reason,
            Some(
                InactiveReason::OauthAuthorizationRevoked
                    | InactiveReason::OauthReauthorizationRequired
            )
        ))
    .then(|| Target {
        kind: c.kind.clone(),
        name: integration_label(&c.kind).to_owned(),
        reconnect: Some(c.id.clone()),
    });
    let status = if c.active {
        view! { <span class="badge badge-completed">"Active"</span> }.into_any()
    } else {
        let why = c
            .inactive_reason
            .map(|r| r.describe())
            .unwrap_or("This connection is paused.");
        view! {
            <span class="badge badge-failed">"Needs attention"</span>
            <p class="muted">{why}</p>
        }
        .into_any()
    };
    let row = StoredValue::new(c.clone());
    let delete = move |force: bool| {
        let (id, name) = row.with_value(|c| (c.id.clone(), c.name.clone()));
        let how = DeleteConnection {
            force_delete: force.then_some(true),
        };
        change.run_then(
            async move { api.delete_connection(&id, &how).await },
            move |result| match result {
                Ok(_) => {
                    conflict.set(None);
                    ctx.notice.set(Some(Notice::Done(format!(
                        "Connection \"{name}\" deleted."
                    ))));
                    ctx.reload.run(());
                }
                // In the row, next to the force option: active rules still use it.
                Err(e @ AppError::Http { status: 409, .. }) => conflict.set(Some(e.message())),
                Err(e) => ctx.notice.set(Some(Notice::Failed(e))),
            },
        );
    };
    let question = format!(
        "Delete \"{}\"? Its credentials are erased; delivery history stays.",
        c.name
    );
    let highlight = move || {
        let fresh = ctx.fresh.get();
        row.with_value(|c| fresh.as_deref() == Some(c.id.as_str()))
    };
    let mappings = page_link(
        EmbedRoute::ConnectionMappings {
            connection_id: c.id.clone(),
        },
        "Field mapping".into(),
    );
    // Credentials forms only for types the catalog says are not OAuth.
    let editable = move || {
        ctx.oauth_apps.with(|k| {
            k.as_ref()
                .is_some_and(|k| row.with_value(|c| k.iter().all(|i| i.kind != c.kind)))
        })
    };
    view! {
        <tr data-connection-id=c.id.clone() class:highlight=highlight>
            <td class="conn-name">{c.name}</td>
            <td>{integration_label(&c.kind).to_owned()}</td>
            <td>{status}</td>
            <td>
                <Time at=c.created_at />
            </td>
            <td class="actions">
                {mappings}
                {can_edit
                    .then(|| {
                        view! {
                            <Show when=editable>
                                <button
                                    type="button"
                                    class="btn-link edit-connection"
                                    disabled=move || !change.ready()
                                    on:click=move |_| ctx.editing.set(Some(row.get_value()))
                                >
                                    "Edit"
                                </button>
                            </Show>
                        }
                    })}
                {reconnect
                    .map(|t| {
                        view! {
                            <button
                                type="button"
                                class="btn btn-primary reconnect-connection"
                                disabled=move || !change.ready() || ctx.flow.busy()
                                on:click=move |_| ctx.flow.start(t.clone())
                            >
                                "Reconnect"
                            </button>
                        }
                    })}
                {can_delete
                    .then(|| {
                        view! {
                            <ConfirmButton
                                label="Delete"
                                class="btn-link delete-connection"
                                question
                                yes="Delete connection"
                                enabled=Signal::derive(move || change.ready())
                                on_yes=Callback::new(move |_| delete(false))
                            />
                        }
                    })}
            </td>
        </tr>
        {move || {
            conflict
                .get()
                .map(|msg| {
                    view! {
                        <tr class="conflict-row">
                            <td colspan="5">
                                <div class="warning" role="alert">
                                    <p>
                                        <strong>{msg}</strong>
                                    </p>
                                    <p>
                                        "Force delete also deletes those rules: matching events stop being delivered to this connection. This cannot be undone."
                                    </p>
                                    <button
                                        type="button"
                                        class="btn btn-danger force-delete"
                                        disabled=move || !change.ready()
                                        on:click=move |_| delete(true)
                                    >
                                        "Force delete connection and its rules"
                                    </button>
                                    <button
                                        type="button"
                                        class="btn"
                                        on:click=move |_| conflict.set(None)
                                    >
                                        "Keep it"
                                    </button>
                                </div>
                            </td>
                        </tr>
                    }
                })
        }}
    }
}
