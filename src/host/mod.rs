//! The host page, both ways: inbound messages pass the checks in `bridge` and are acted on here;
//! outbound go through the session's bridge (`ready`, token asks), `resize` (frame height) and
//! `navigate` (route changes).

mod appearance;
pub mod bridge;
mod navigate;
pub mod resize;
pub mod scroll;

pub use navigate::{HostNavigation, NavigationReporter};

use crate::api::Api;
use leptos::prelude::*;
use meshes_protocol::HostMessage;

/// Listen for `meshes:auth` (before announcing readiness; messages the loader kept meanwhile
/// first), then post `meshes:ready` unless the loader already told the bound origin. These
/// listeners live as long as the page: a session never outlives its document.
pub fn connect(api: Api) {
    let session = api.session;
    let Some(origin) = session.bridge().parent_origin().map(str::to_owned) else {
        return;
    };
    let Some(parent) = web_sys::window().and_then(|w| w.parent().ok().flatten()) else {
        return;
    };
    let parent: wasm_bindgen::JsValue = parent.into();
    // What arrived while the runtime loaded goes first (no event can come in between: one
    // thread), then the live listener takes over.
    let early = bridge::take_early();
    let told = early.complete && early.ready_to.as_deref() == Some(origin.as_str());
    let dropped = session.messages_dropped;
    let on_message = move |ev: &web_sys::MessageEvent| match bridge::inspect(ev, &origin, &parent) {
        Ok(msg) => receive(api, msg),
        Err(_) => dropped.update(|n| *n += 1),
    };
    dropped.update(|n| *n += early.dropped);
    for ev in &early.pending {
        on_message(ev);
    }
    let _ = window_event_listener(leptos::ev::message, move |ev| on_message(&ev));
    // Hidden pages throttle timers: re-check the token whenever the page comes back, and let a
    // paused session ask again at once when there is a sign of life.
    let _ = window_event_listener(leptos::ev::focus, move |_| session.nudge());
    let _ = window_event_listener(leptos::ev::online, move |_| session.nudge());
    let _ = window_event_listener(leptos::ev::pageshow, move |_| session.nudge());
    let _ = window_event_listener(leptos::ev::pointerdown, move |_| session.nudge());
    let _ = window_event_listener(leptos::ev::keydown, move |_| session.nudge());
    // `visibilitychange` fires on the document and bubbles to the window.
    let _ = window_event_listener(leptos::ev::visibilitychange, move |_| session.nudge());
    session.announce_ready(told);
}

/// `meshes:navigate-to` messages kept between two runs of the shell's effect.
const MAX_QUEUED_NAVIGATIONS: usize = 16;

/// Act on one host message that passed the bridge checks. Every token is verified on its own;
/// which one is used is decided by generation after verification, never by arrival order
/// (`Api::accept_auth`), so a junk message cannot keep a good token out.
pub fn receive(api: Api, msg: HostMessage) {
    match msg {
        HostMessage::Auth { token, .. } => {
            crate::perf::mark_once("meshes:auth");
            wasm_bindgen_futures::spawn_local(async move {
                api.accept_auth(token).await;
            });
        }
        HostMessage::RefreshFailed => api.session.host_refresh_failed(),
        // Queued, not replaced: each one is followed or answered, in order. Bounded, so a
        // flood between two ticks cannot grow it.
        HostMessage::Configure { appearance, locale } => {
            appearance::apply(&appearance);
            if let Some(tag) = locale {
                crate::i18n::request(&[tag], api.transport());
            }
        }
        HostMessage::NavigateTo { path } => api.session.navigate_to.update(|queue| {
            if queue.len() < MAX_QUEUED_NAVIGATIONS {
                queue.push(path);
            }
        }),
    }
}
