//! `meshes:navigate`: the host hears about every route change, so it can keep its URL in step.

use crate::session::Session;
use crate::shell::router;
use leptos::prelude::*;
use meshes_protocol::route::EventFilters;
use meshes_protocol::{EmbedMessage, EmbedRoute};

/// Post `meshes:navigate` on every route change (not for the initial page, which the host chose).
/// The Events page's filters ride along as a query (`/workspace/events?status=failed`), so a
/// host that stores the path can restore them; nothing else from the URL ever does.
#[component]
pub fn NavigationReporter() -> impl IntoView {
    let location = router::use_location();
    let bridge = expect_context::<Session>().bridge();
    Effect::new(move |prev: Option<String>| {
        let path = location.path.get();
        let route = EmbedRoute::parse(&path);
        let full = match &route {
            Some(r @ EmbedRoute::Events) => {
                let q = EventFilters::parse(&location.search.get()).query();
                if q.is_empty() {
                    r.path()
                } else {
                    format!("{}?{q}", r.path())
                }
            }
            Some(r) => r.path(),
            None => path,
        };
        if prev.is_some_and(|p| p != full)
            && let Some(route) = route
        {
            bridge.post(&EmbedMessage::Navigate {
                path: full.clone(),
                page: route.page(),
            });
        }
        full
    });
}
