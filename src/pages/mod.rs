//! One module per page, plus the states shared by all of them.

pub mod connections;
pub mod dashboard;
pub mod event_detail;
pub mod events;
pub mod kit;
pub mod lazy;
pub mod mappings;
pub mod rules;

use crate::i18n::{tf, tr};
use crate::session::Session;
use crate::shell::router::Link;
use crate::ui::{PageHeader, page_title};
use leptos::prelude::*;
use meshes_protocol::EmbedRoute;
use meshes_protocol::access::EmbedPage;

#[component]
pub fn NotFound() -> impl IntoView {
    let home = use_context::<Session>()
        .map(|s| EmbedRoute::from(s.ctx().launch_page).path())
        .unwrap_or_default();
    view! {
        <PageHeader title=tr("page.not_found") />
        <p>{tr("page.not_found_text")} " " <Link href=home>{tr("page.go_to_start")}</Link></p>
    }
}

#[component]
pub fn Refused(page: EmbedPage) -> impl IntoView {
    view! {
        <PageHeader title=move || page_title(page) />
        <div class="error-state" role="alert">
            <p class="error-title">{move || tf("page.refused", &[("page", &page_title(page))])}</p>
            <p class="error-remedy">{tr("page.refused_remedy")}</p>
        </div>
    }
}
