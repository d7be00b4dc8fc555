//! The 409 answer to a delete, under the connection's row: which rules still use it (read from
//! the API, each linked to Rules), force delete, or keep it (the safe choice, which has focus).

use crate::i18n::{tf, tr};
use crate::pages::kit::{Mutation, authed_resource, page_link};
use leptos::prelude::*;
use meshes_protocol::EmbedRoute;

#[component]
pub fn ConflictPanel(
    id: String,
    /// The server's sentence.
    message: String,
    change: Mutation,
    /// Filled with the events of the rules that use the connection, for the delete's notice.
    uses: RwSignal<Vec<String>>,
    on_force: Callback<()>,
    on_keep: Callback<()>,
) -> impl IntoView {
    let query = format!("limit=200&connection={id}");
    let rules = authed_resource(move |api| {
        let q = query.clone();
        async move { api.rules(&q).await }
    });
    let list = move || {
        rules.get().and_then(Result::ok).map(|page| {
            let active: Vec<_> = page.records.into_iter().filter(|r| r.active).collect();
            uses.set(active.iter().map(|r| r.event.clone()).collect());
            view! {
                <ul class="conflict-rules">
                    {active
                        .into_iter()
                        .map(|r| {
                            let what = tf("connections.rule_for", &[("event", r.event.as_str())]);
                            view! { <li>{page_link(EmbedRoute::Rules, what)}</li> }
                        })
                        .collect_view()}
                </ul>
            }
        })
    };
    view! {
        <tr class="conflict-row row-panel" data-conflict-for=id>
            <td colspan="5">
                <div class="warning" role="alert">
                    <p>
                        <strong>{message}</strong>
                    </p>
                    {list}
                    <p>{tr("connections.force_delete_warning")}</p>
                    <button
                        type="button"
                        class="btn btn-danger force-delete"
                        disabled=move || !change.ready()
                        on:click=move |_| on_force.run(())
                    >
                        {tr("connections.force_delete")}
                    </button>
                    <button
                        type="button"
                        class="btn keep-connection"
                        on:click=move |_| on_keep.run(())
                    >
                        {tr("connections.keep_it")}
                    </button>
                </div>
            </td>
        </tr>
    }
}
