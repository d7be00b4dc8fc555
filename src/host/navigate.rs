//! `meshes:navigate`: the host hears about every route change, so it can keep its URL in step.
//! `meshes:navigate-to`: the host opens a page, checked like a deep link, and always hears back.

use crate::session::Session;
use crate::shell::router::{self, Location};
use leptos::prelude::*;
use meshes_protocol::message::NavigateRefusal;
use meshes_protocol::navigation::host_target;
use meshes_protocol::route::EventFilters;
use meshes_protocol::{EmbedMessage, EmbedRoute};

/// The route at `path`, and the path `meshes:navigate` reports for it: the Events page's
/// filters ride along as a query (`/workspace/events?status=failed`), nothing else does.
fn reported(path: String, search: &str) -> (Option<EmbedRoute>, String) {
    let route = EmbedRoute::parse(&path);
    let full = match &route {
        Some(r @ EmbedRoute::Events) => {
            let q = EventFilters::parse(search).query();
            if q.is_empty() {
                r.path()
            } else {
                format!("{}?{q}", r.path())
            }
        }
        Some(r) => r.path(),
        None => path,
    };
    (route, full)
}

/// Post `meshes:navigate` on every route change (not for the initial page, which the host chose),
/// so a host that stores the path can restore the page and its filters.
#[component]
pub fn NavigationReporter() -> impl IntoView {
    let location = router::use_location();
    let bridge = expect_context::<Session>().bridge();
    Effect::new(move |prev: Option<String>| {
        let (route, full) = reported(location.path.get(), &location.search.get());
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

/// Follow each `meshes:navigate-to` whose path a deep link could open for this session
/// (`host_target`), in arrival order; every one gets an answer: `meshes:navigate` when followed
/// (or already there), `meshes:navigate-refused` when not. Unsaved changes hold it like any other
/// navigation; while the user is already deciding about them, it is refused as `busy` rather
/// than replacing where the user meant to go.
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
            let refused = match host_target(&path, session.ctx().session_type) {
                Err(reason) => Some(reason),
                Ok(_) if location.held.get_untracked().is_some() => Some(NavigateRefusal::Busy),
                Ok(href) => {
                    follow(location, session, href);
                    None
                }
            };
            if let Some(reason) = refused {
                session
                    .bridge()
                    .post(&EmbedMessage::NavigateRefused { path, reason });
            }
        }
    });
}

/// Go to `href`, or, when it is where the embed already is, say so (no route change would).
fn follow(location: Location, session: Session, href: String) {
    let (route, here) = reported(
        location.path.get_untracked(),
        &location.search.get_untracked(),
    );
    match route {
        Some(route) if here == href => session.bridge().post(&EmbedMessage::Navigate {
            path: here,
            page: route.page(),
        }),
        _ => router::navigate(location, &href, false),
    }
}
