//! The connections list: "Load more" and a name filter; each row is a [`ConnectionRow`].

use super::row::ConnectionRow;
use crate::api::use_api;
use crate::i18n::{tf, tr};
use crate::oauth::OauthFlow;
use crate::pages::kit::Paged;
use crate::ui::{Notice, Table};
use leptos::prelude::*;
use meshes_protocol::api::{Connection, Integration, Page};

/// What a row needs from the page.
#[derive(Clone, Copy)]
pub struct RowCtx {
    /// The connection the page was opened for (`?connection=`): its fix takes focus.
    pub target: StoredValue<Option<String>>,
    /// Every integration: the edit form, opened under its row, is built from it.
    pub catalog: Memo<Option<Vec<Integration>>>,
    pub on_saved: Callback<Connection>,
    pub on_cancel: Callback<()>,
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
    let no_match = move || filter.with(|f| items.with(|v| visible(v, f).is_empty()));
    view! {
        <Show
            when=move || !items.with(Vec::is_empty)
            fallback=|| {
                view! { <p class="empty">{tr("connections.empty")}</p> }
            }
        >
            // The headings alone would say nothing: the table hides while no name matches.
            <div hidden=no_match>
                <Table
                    id="connections-table"
                    columns=&[
                        "common.name",
                        "common.integration",
                        "common.status",
                        "common.created",
                    ]
                    actions="common.actions"
                >
                    <For
                        each=move || visible(&items.get(), &filter.get())
                        key=|c| c.id.clone()
                        let:c
                    >
                        <ConnectionRow c ctx />
                    </For>
                </Table>
            </div>
            {move || {
                let f = filter.get();
                no_match()
                    .then(|| {
                        view! {
                            <p class="empty" id="connections-no-match" role="status">
                                {tf("connections.no_match", &[("filter", f.trim())])}
                            </p>
                        }
                    })
            }}
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
