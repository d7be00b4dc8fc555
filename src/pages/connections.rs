//! Connections: the workspace's integrations and their health, cursor-paginated.

use super::{authed_resource, render_loaded};
use crate::api::Api;
use crate::error::AppError;
use crate::ui::{ErrorState, PageHeader, Time, integration_label};
use leptos::prelude::*;
use meshes_protocol::api::{Connection, Page};

pub const PAGE_SIZE: u32 = 50;

#[component]
pub fn ConnectionsPage() -> impl IntoView {
    let first = authed_resource(|api| async move {
        api.get::<Page<Connection>>(api.workspace_path(&format!("/connections?limit={PAGE_SIZE}")))
            .await
    });
    // Lives at page level, so typed text survives reloads, refreshes and expiry.
    let filter = RwSignal::new(String::new());
    view! {
        <PageHeader title="Connections" subtitle="Where this workspace delivers events"/>
        <div class="toolbar">
            <input
                type="search"
                id="connection-filter"
                placeholder="Filter by name"
                aria-label="Filter connections by name"
                bind:value=filter
            />
            <button type="button" class="btn" id="connections-reload" on:click=move |_| first.refetch()>
                "Refresh"
            </button>
        </div>
        {render_loaded(first, 4, move |page| view! { <ConnectionList first=page filter/> })}
    }
}

/// Later pages are appended to the first; "Load more" follows `next_cursor`.
#[component]
fn ConnectionList(first: Page<Connection>, filter: RwSignal<String>) -> impl IntoView {
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
            fallback=|| view! {
                <p class="empty">"No connections yet. Connections to HubSpot, Slack, webhooks and more appear here once they are set up."</p>
            }
        >
            <table class="table" id="connections-table">
                <thead>
                    <tr><th scope="col">"Name"</th><th scope="col">"Integration"</th><th scope="col">"Status"</th><th scope="col">"Created"</th></tr>
                </thead>
                <tbody>
                    <For each=move || visible(&items.get(), &filter.get()) key=|c| c.id.clone() let:c>
                        <ConnectionRow c/>
                    </For>
                </tbody>
            </table>
        </Show>
        {move || error.get().map(|err| view! { <ErrorState err/> })}
        <Show when=move || next.with(Option::is_some)>
            <button type="button" class="btn" on:click=load_more.clone() disabled=move || loading.get()>
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
fn ConnectionRow(c: Connection) -> impl IntoView {
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
    view! {
        <tr data-connection-id=c.id.clone()>
            <td class="conn-name">{c.name}</td>
            <td>{integration_label(&c.kind).to_owned()}</td>
            <td>{status}</td>
            <td><Time at=c.created_at/></td>
        </tr>
    }
}
