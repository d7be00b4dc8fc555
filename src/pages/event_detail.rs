//! Event detail: one event's deliveries and attempts (full UI: pages issue).

use super::Upcoming;
use leptos::prelude::*;
use meshes_protocol::access::EmbedPage;

#[component]
pub fn EventDetailPage() -> impl IntoView {
    view! { <Upcoming page=EmbedPage::EventDetail what="Deliveries, attempts and retries for one event."/> }
}
