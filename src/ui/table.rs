//! The data table every list uses: its column headings, an actions column named for screen
//! readers only, and the rows the page gives it.

use leptos::prelude::*;

#[component]
pub fn Table(
    id: &'static str,
    columns: &'static [&'static str],
    /// The heading of a last column of buttons, read out but not shown.
    #[prop(optional)]
    actions: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    view! {
        <table class="table" id=id>
            <thead>
                <tr>
                    {columns.iter().map(|c| view! { <th scope="col">{*c}</th> }).collect_view()}
                    {actions
                        .map(|a| {
                            view! {
                                <th scope="col">
                                    <span class="sr-only">{a}</span>
                                </th>
                            }
                        })}
                </tr>
            </thead>
            <tbody>{children()}</tbody>
        </table>
    }
}
