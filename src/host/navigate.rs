//! `meshes:navigate`: the host hears about every route change, so it can keep its URL in step.
//! `meshes:navigate-to`: the host opens a page, checked like a deep link.

use crate::session::Session;
use crate::shell::router;
use leptos::prelude::*;
use meshes_protocol::navigation::host_target;
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

/// Follow the host's `meshes:navigate-to` when the path is one a deep link could open for this
/// session (`host_target`); otherwise answer `meshes:navigate-refused` and stay. Unsaved changes
/// hold it like any other navigation.
#[component]
pub fn HostNavigation() -> impl IntoView {
    let location = router::use_location();
    let session = expect_context::<Session>();
    Effect::new(move |_| {
        let queued = session.navigate_to.get();
        if queued.is_empty() {
            return;
        }
        session.navigate_to.set(vec![]);
        for path in queued {
            match host_target(&path, session.ctx().session_type) {
                Ok(href) => router::navigate(location, &href, false),
                Err(reason) => session
                    .bridge()
                    .post(&EmbedMessage::NavigateRefused { path, reason }),
            }
        }
    });
}
