//! Events: delivery history with filters (full UI: pages issue).

use super::Upcoming;
use leptos::prelude::*;
use meshes_protocol::access::EmbedPage;

#[component]
pub fn EventsPage() -> impl IntoView {
    view! { <Upcoming page=EmbedPage::Events what="Every event and where it was delivered."/> }
}
