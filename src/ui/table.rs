//! The data table every list uses: its column headings, an actions column named for screen
//! readers only, and the rows the page gives it. Below 900 px the stylesheet turns rows into
//! cards: each cell but the first and the actions names its column in `data-label`, and rows
//! that belong to the row above (a form, a confirmation, attempts) carry `row-panel`.

use crate::i18n::tr;
use leptos::prelude::*;

#[component]
pub fn Table(
    id: &'static str,
    /// Catalog keys of the headings.
    columns: &'static [&'static str],
    /// The key of a last column of buttons' heading, read out but not shown.
    #[prop(optional)]
    actions: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="table" id=id>
                <thead>
                    <tr>
                        {columns
                            .iter()
                            .map(|c| view! { <th scope="col">{tr(c)}</th> })
                            .collect_view()}
                        {actions
                            .map(|a| {
                                view! {
                                    <th scope="col">
                                        <span class="sr-only">{tr(a)}</span>
                                    </th>
                                }
                            })}
                    </tr>
                </thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
}
