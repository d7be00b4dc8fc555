//! Connections: the workspace's integrations and their health, cursor-paginated; create, edit
//! and delete (with the 409 "rules still use it" path offering a force delete); OAuth apps
//! connect and reconnect through the hosted flow (`crate::oauth`).

mod connect;
mod form;

use super::{authed_resource, page_link, render_loaded};
use crate::api::{Api, Method};
use crate::error::AppError;
use crate::oauth::{OauthFlow, RedirectInfo, Target};
use crate::ui::{
    ConfirmButton, ErrorState, Notice, NoticeView, PageHeader, ReadOnlyNote, Time,
    integration_label,
};
use leptos::prelude::*;
use meshes_protocol::EmbedMessage;
use meshes_protocol::EmbedRoute;
use meshes_protocol::access::Action;
use meshes_protocol::api::{
    AuthType, Connection, ConnectionDeleted, InactiveReason, Integration, OauthAttempt, Page,
};
use meshes_protocol::message::ConnectionOutcome;

pub const PAGE_SIZE: u32 = 50;

#[component]
pub fn ConnectionsPage() -> impl IntoView {
    let first = authed_resource(|api| async move {
        api.get::<Page<Connection>>(api.workspace_path(&format!("/connections?limit={PAGE_SIZE}")))
            .await
    });
    let integrations = authed_resource(|api| async move {
        api.get::<Page<Integration>>("/api/v1/integrations?limit=100")
            .await
            .map(|p| p.records)
    });
    // Which types connect through the hosted OAuth flow instead of a credentials form: the
    // catalog says, not a list in code. None until the catalog is in.
    let oauth_apps = Memo::new(move |_| {
        integrations.get().and_then(Result::ok).map(|list| {
            list.into_iter()
                .filter(|i| i.authentication.kind == AuthType::Oauth)
                .collect::<Vec<_>>()
        })
    });
    // Lives at page level, so typed text survives reloads, refreshes and expiry.
    let filter = RwSignal::new(String::new());
    let session = expect_context::<Api>().session;
    let permits = session.permits(Action::Write);
    let can_create = permits.is_ok();
    let creating = RwSignal::new(false);
    let editing = RwSignal::new(None::<Connection>);
    let notice = RwSignal::new(None::<Notice>);
    let fresh = RwSignal::new(None::<String>);
    let on_saved = Callback::new(move |c: Connection| {
        let verb = if editing.get_untracked().is_some() {
            "saved"
        } else {
            "created"
        };
        notice.set(Some(Notice::Done(format!(
            "Connection \"{}\" {verb}. Credentials are stored securely and never shown again.",
            c.name
        ))));
        fresh.set(Some(c.id));
        creating.set(false);
        editing.set(None);
        first.refetch();
    });
    let on_cancel = Callback::new(move |_| {
        creating.set(false);
        editing.set(None);
    });
    // A finished OAuth flow: refetch, highlight and announce the connection, and tell the host
    // (ids only — never a token).
    let bridge = session.bridge.clone();
    let on_connected = Callback::new(move |a: OauthAttempt| {
        let Some(id) = a.connection_id.clone() else {
            return;
        };
        let name = integration_label(&a.integration).to_owned();
        let account = a.account.map(|x| format!(" ({x})")).unwrap_or_default();
        let verb = if a.reauthorize {
            "reconnected"
        } else {
            "connected"
        };
        notice.set(Some(Notice::Done(format!("{name}{account} {verb}."))));
        fresh.set(Some(id.clone()));
        first.refetch();
        bridge.post(&EmbedMessage::Connection {
            connection_id: id,
            integration: a.integration,
            outcome: if a.reauthorize {
                ConnectionOutcome::Reauthorized
            } else {
                ConnectionOutcome::Created
            },
        });
    });
    let flow = OauthFlow::new(expect_context::<Api>(), on_connected);
    if let Some(info) = use_context::<StoredValue<RedirectInfo>>() {
        // Offered only for a host page on the origin we are bound to; the server checks
        // `allowed_origins` again.
        let parent = session.bridge.parent_origin().map(str::to_owned);
        if let Some(url) = info
            .with_value(|i| i.return_to.clone())
            .filter(|u| web_sys::Url::new(u).is_ok_and(|u| Some(u.origin()) == parent))
        {
            flow.allow_redirect(url);
        }
        if let Some(id) = info
            .try_update_value(|i| i.returned_attempt.take())
            .flatten()
        {
            flow.resume(id);
        }
    }
    let writable = {
        let s = session.clone();
        Signal::derive(move || s.can_write())
    };
    let ctx = RowCtx {
        editing,
        notice,
        fresh,
        oauth_apps,
        flow,
        reload: Callback::new(move |_| first.refetch()),
    };
    view! {
        <PageHeader title="Connections" subtitle="Where this workspace delivers events" />
        {permits.err().map(|reason| view! { <ReadOnlyNote reason /> })}
        <div class="toolbar">
            <input
                type="search"
                id="connection-filter"
                placeholder="Filter by name"
                aria-label="Filter connections by name"
                bind:value=filter
            />
            <button
                type="button"
                class="btn"
                id="connections-reload"
                on:click=move |_| first.refetch()
            >
                "Refresh"
            </button>
            {can_create
                .then(|| {
                    view! {
                        <button
                            type="button"
                            class="btn btn-primary"
                            id="new-connection"
                            on:click=move |_| {
                                editing.set(None);
                                creating.set(true);
                            }
                        >
                            "New connection"
                        </button>
                    }
                })}
        </div>
        <NoticeView notice />
        {can_create
            .then_some(move || {
                oauth_apps
                    .get()
                    .filter(|l| !l.is_empty())
                    .map(|integrations| {
                        view! { <connect::ConnectPanel integrations flow enabled=writable /> }
                    })
            })}
        {move || {
            let existing = editing.get();
            (creating.get() || existing.is_some())
                .then(|| render_loaded(
                    integrations,
                    4,
                    move |integrations| {
                        view! {
                            <form::ConnectionForm
                                integrations
                                existing=existing.clone()
                                on_saved
                                on_cancel
                            />
                        }
                    },
                ))
        }}
        {render_loaded(first, 4, move |page| view! { <ConnectionList first=page filter ctx /> })}
    }
}

/// What a row needs from the page.
#[derive(Clone, Copy)]
struct RowCtx {
    editing: RwSignal<Option<Connection>>,
    notice: RwSignal<Option<Notice>>,
    fresh: RwSignal<Option<String>>,
    oauth_apps: Memo<Option<Vec<Integration>>>,
    flow: OauthFlow,
    reload: Callback<()>,
}

/// Later pages are appended to the first; "Load more" follows `next_cursor`.
#[component]
fn ConnectionList(first: Page<Connection>, filter: RwSignal<String>, ctx: RowCtx) -> impl IntoView {
    let api = expect_context::<Api>();
    let items = RwSignal::new(first.records);
    let next = RwSignal::new(first.next_cursor);
    let loading = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);
    let load_more = move |_| {
        let Some(cursor) = next.get_untracked() else {
            return;
        };
        let api = api.clone();
        loading.set(true);
        leptos::task::spawn_local(async move {
            let path =
                api.workspace_path(&format!("/connections?limit={PAGE_SIZE}&cursor={cursor}"));
            match api.get::<Page<Connection>>(path).await {
                Ok(page) => {
                    items.update(|v| v.extend(page.records));
                    next.set(page.next_cursor);
                    error.set(None);
                }
                Err(e) => error.set(Some(e)),
            }
            loading.set(false);
        });
    };
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
            <table class="table" id="connections-table">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Integration"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Created"</th>
                        <th scope="col">
                            <span class="sr-only">"Actions"</span>
                        </th>
                    </tr>
                </thead>
                <tbody>
                    <For
                        each=move || visible(&items.get(), &filter.get())
                        key=|c| c.id.clone()
                        let:c
                    >
                        <ConnectionRow c ctx />
                    </For>
                </tbody>
            </table>
        </Show>
        {move || error.get().map(|err| view! { <ErrorState err /> })}
        <Show when=move || next.with(Option::is_some)>
            <button
                type="button"
                class="btn"
                on:click=load_more.clone()
                disabled=move || loading.get()
            >
                {move || if loading.get() { "Loading…" } else { "Load more" }}
            </button>
        </Show>
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
    let api = expect_context::<Api>();
    let session = api.session.clone();
    let can_edit = session.permits(Action::Write).is_ok();
    let can_delete = session.permits(Action::Delete).is_ok();
    let busy = RwSignal::new(false);
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
    let id = c.id.clone();
    let name = c.name.clone();
    let delete = move |force: bool| {
        let (api, id, name) = (api.clone(), id.clone(), name.clone());
        busy.set(true);
        leptos::task::spawn_local(async move {
            let body = force.then(|| serde_json::json!({ "force_delete": true }));
            match api
                .write::<ConnectionDeleted>(
                    Method::Delete,
                    format!("/api/v1/connections/{id}"),
                    body,
                )
                .await
            {
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
            }
            busy.set(false);
        });
    };
    let question = format!(
        "Delete \"{}\"? Its credentials are erased; delivery history stays.",
        c.name
    );
    let edit_conn = c.clone();
    let highlight = {
        let id = c.id.clone();
        move || ctx.fresh.get().as_deref() == Some(id.as_str())
    };
    let mappings = page_link(
        EmbedRoute::ConnectionMappings {
            connection_id: c.id.clone(),
        },
        "Field mapping".into(),
    );
    let writable = move || session.can_write() && !busy.get();
    let w2 = writable.clone();
    let w3 = writable.clone();
    let w4 = writable.clone();
    // Credentials forms only for types the catalog says are not OAuth.
    let editable = {
        let kind = c.kind.clone();
        move || {
            ctx.oauth_apps
                .with(|k| k.as_ref().is_some_and(|k| k.iter().all(|i| i.kind != kind)))
        }
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
                            <Show when=editable.clone()>
                                <button
                                    type="button"
                                    class="btn-link edit-connection"
                                    disabled={
                                        let w = writable.clone();
                                        move || !w()
                                    }
                                    on:click={
                                        let c = edit_conn.clone();
                                        move |_| ctx.editing.set(Some(c.clone()))
                                    }
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
                                disabled={
                                    let w = w4.clone();
                                    move || !w() || ctx.flow.busy()
                                }
                                on:click=move |_| ctx.flow.start(t.clone())
                            >
                                "Reconnect"
                            </button>
                        }
                    })}
                {can_delete
                    .then(|| {
                        let delete = delete.clone();
                        view! {
                            <ConfirmButton
                                label="Delete"
                                class="btn-link delete-connection"
                                question
                                yes="Delete connection"
                                enabled=Signal::derive(w2)
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
                                        disabled={
                                            let w = w3.clone();
                                            move || !w()
                                        }
                                        on:click={
                                            let delete = delete.clone();
                                            move |_| delete(true)
                                        }
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
