//! The route table: which page each embed route shows, and the page policy applied again here.

use crate::pages::{self, lazy};
use crate::session::Session;
use leptos::prelude::*;
use meshes_protocol::EmbedRoute;
use meshes_protocol::access::{EmbedPage, can_open};

/// The page for `route`, or the refusal when this session may not open it.
pub fn page(route: EmbedRoute) -> AnyView {
    match route {
        EmbedRoute::Dashboard => guard(EmbedPage::Dashboard, || {
            view! { <pages::dashboard::DashboardPage /> }.into_any()
        }),
        EmbedRoute::Connections => guard(EmbedPage::Connections, || {
            lazy::show(lazy::connections_ready, lazy::connections)
        }),
        EmbedRoute::ConnectionMappings { connection_id } => {
            guard(EmbedPage::ConnectionMappings, move || {
                lazy::show(lazy::mappings_ready, move || {
                    lazy::mappings(connection_id.clone())
                })
            })
        }
        EmbedRoute::Rules => guard(EmbedPage::Rules, || {
            lazy::show(lazy::rules_ready, lazy::rules)
        }),
        EmbedRoute::Events => guard(EmbedPage::Events, || {
            lazy::show(lazy::events_ready, lazy::events)
        }),
        EmbedRoute::EventDetail { event_id } => guard(EmbedPage::EventDetail, move || {
            lazy::show(lazy::event_detail_ready, move || {
                lazy::event_detail(event_id.clone())
            })
        }),
    }
}

/// Pages a session type may not open are refused here too (the server refuses their data).
fn guard<V: IntoView + 'static>(page: EmbedPage, view: impl FnOnce() -> V) -> AnyView {
    let allowed = use_context::<Session>().is_some_and(|s| can_open(s.ctx().session_type, page));
    if allowed {
        view().into_any()
    } else {
        view! { <pages::Refused page /> }.into_any()
    }
}
