//! The 409 answer to a delete, under the connection's row: which rules still use it (read from
//! the API, each linked to Rules), force delete, or keep it (the safe choice, which has focus).

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
                            let what = format!("Rule for {}", r.event);
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
                    <p>
                        "Force delete also deletes those rules: matching events stop being delivered to this connection. This cannot be undone."
                    </p>
                    <button
                        type="button"
                        class="btn btn-danger force-delete"
                        disabled=move || !change.ready()
                        on:click=move |_| on_force.run(())
                    >
                        "Force delete connection and its rules"
                    </button>
                    <button
                        type="button"
                        class="btn keep-connection"
                        on:click=move |_| on_keep.run(())
                    >
                        "Keep it"
                    </button>
                </div>
            </td>
        </tr>
    }
}
