//! One module per page, plus the states shared by all of them.

pub mod connections;
pub mod dashboard;
pub mod event_detail;
pub mod events;
pub mod kit;
pub mod lazy;
pub mod mappings;
pub mod rules;

use crate::session::Session;
use crate::shell::router::Link;
use crate::ui::PageHeader;
use leptos::prelude::*;
use meshes_protocol::EmbedRoute;
use meshes_protocol::access::EmbedPage;

#[component]
pub fn NotFound() -> impl IntoView {
    let home = use_context::<Session>()
        .map(|s| EmbedRoute::from(s.ctx().launch_page).path())
        .unwrap_or_default();
    view! {
        <PageHeader title="Page not found" />
        <p>
            "This page isn't part of the embedded workspace. "
            <Link href=home>"Go to the start page"</Link>
        </p>
    }
}

#[component]
pub fn Refused(page: EmbedPage) -> impl IntoView {
    view! {
        <PageHeader title=page.title() />
        <div class="error-state" role="alert">
            <p class="error-title">
                {format!("{} isn't available in this embedded view", page.title())}
            </p>
            <p class="error-remedy">
                "The app embedding this workspace chose a narrower view. Ask its administrators if you need this page."
            </p>
        </div>
    }
}
