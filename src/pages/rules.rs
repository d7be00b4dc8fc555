//! Rules: which events go to which connection action (full UI: pages issue).

use super::Upcoming;
use leptos::prelude::*;
use meshes_protocol::access::EmbedPage;

#[component]
pub fn RulesPage() -> impl IntoView {
    view! { <Upcoming page=EmbedPage::Rules what="Route events to connection actions."/> }
}
