//! Connection mappings: the connection's default field mapping (full editor: pages issue).

use super::Upcoming;
use leptos::prelude::*;
use meshes_protocol::access::EmbedPage;

#[component]
pub fn MappingsPage() -> impl IntoView {
    view! { <Upcoming page=EmbedPage::ConnectionMappings what="Map event fields to this connection's destination fields."/> }
}
