//! The embed's router. Six fixed routes, parsed by `meshes_protocol::EmbedRoute`, so a general
//! router is not needed — and `leptos_router` was ~85 kB of pre-optimisation wasm.
//! History entries stay inside the iframe; links are same-document, plain clicks only.

use leptos::prelude::*;
use meshes_protocol::api::LAUNCH_SESSION_PARAM;
use meshes_protocol::query;
use wasm_bindgen::JsValue;

/// The current in-embed location. Provided once by the workspace shell.
#[derive(Clone, Copy)]
pub struct Location {
    pub path: RwSignal<String>,
    /// `?a=b` (with the `?`), or empty.
    pub search: RwSignal<String>,
    /// The launch URL's non-secret `?session=` reference. Every in-embed URL keeps it, so a
    /// reload or a history restore is served with this session's `frame-ancestors` (and can
    /// tell the host its launch is spent) instead of a refused, dead frame.
    session: StoredValue<Option<String>>,
    /// Set by a page while it holds changes not yet saved: in-app navigation then waits for
    /// the user ([`Location::held`]) instead of dropping them.
    pub unsaved: RwSignal<bool>,
    /// A navigation waiting for the user to leave unsaved changes (`href`, `replace`).
    pub held: RwSignal<Option<(String, bool)>>,
}

fn read() -> (String, String) {
    let loc = web_sys::window().map(|w| w.location());
    let get = |f: fn(&web_sys::Location) -> Result<String, JsValue>| {
        loc.as_ref().and_then(|l| f(l).ok()).unwrap_or_default()
    };
    (
        get(web_sys::Location::pathname),
        get(web_sys::Location::search),
    )
}

/// Create the location signals and follow back/forward.
pub fn provide() -> Location {
    let (path, search) = read();
    let session = query::first(&query::pairs(&search), LAUNCH_SESSION_PARAM).map(str::to_owned);
    let loc = Location {
        path: RwSignal::new(path),
        search: RwSignal::new(search),
        session: StoredValue::new(session),
        unsaved: RwSignal::new(false),
        held: RwSignal::new(None),
    };
    provide_context(loc);
    let handle = window_event_listener(leptos::ev::popstate, move |_| popped(loc));
    on_cleanup(move || handle.remove());
    loc
}

/// Back or forward. With unsaved changes the page stays: its URL goes back on top of the
/// history, and the guard asks; "Leave without saving" then goes where Back pointed.
fn popped(loc: Location) {
    if !loc.unsaved.get_untracked() {
        return sync(loc);
    }
    let (path, search) = read();
    let here = format!("{}{}", loc.path.get_untracked(), loc.search.get_untracked());
    let restored = web_sys::window()
        .and_then(|w| w.history().ok())
        .is_some_and(|h| {
            h.push_state_with_url(&JsValue::NULL, "", Some(&here))
                .is_ok()
        });
    if restored {
        loc.held.set(Some((format!("{path}{search}"), false)));
    } else {
        sync(loc);
    }
}

fn sync(loc: Location) {
    let (path, search) = read();
    loc.path.set(path);
    loc.search.set(search);
}

pub fn use_location() -> Location {
    expect_context::<Location>()
}

/// `href` with the session reference first in its query (replacing any other value).
pub fn with_session(session: Option<&str>, href: &str) -> String {
    let Some(session) = session else {
        return href.to_owned();
    };
    let (path, q) = href.split_once('?').unwrap_or((href, ""));
    let rest = query::pairs(q);
    let pairs = [(LAUNCH_SESSION_PARAM, session)].into_iter().chain(
        rest.iter()
            .filter(|(k, _)| k != LAUNCH_SESSION_PARAM)
            .map(|(k, v)| (k.as_str(), v.as_str())),
    );
    format!("{path}?{}", query::encode(pairs))
}

impl Location {
    /// An in-embed URL for `href` (`/workspace/...?…`), keeping the session reference.
    pub fn href(&self, href: &str) -> String {
        self.session
            .with_value(|s| with_session(s.as_deref(), href))
    }
}

/// Go to a same-origin `href` (`/workspace/...?…`). `replace` keeps the history length, for
/// changes (like filters) that should not add Back steps to the host page.
pub fn navigate(loc: Location, href: &str, replace: bool) {
    if loc.unsaved.get_untracked() {
        loc.held.set(Some((href.to_owned(), replace)));
        return;
    }
    let Some(history) = web_sys::window().and_then(|w| w.history().ok()) else {
        return;
    };
    let href = loc.href(href);
    let href = href.as_str();
    let done = if replace {
        history.replace_state_with_url(&JsValue::NULL, "", Some(href))
    } else {
        history.push_state_with_url(&JsValue::NULL, "", Some(href))
    };
    if done.is_ok() {
        sync(loc);
    }
}

/// The user chose to leave unsaved changes: go where they were going.
pub fn leave_anyway(loc: Location) {
    if let Some((href, replace)) = loc.held.get_untracked() {
        loc.held.set(None);
        loc.unsaved.set(false);
        navigate(loc, &href, replace);
    }
}

/// An in-embed link: a real `<a href>` (open in new tab, copy link work), plain left clicks
/// handled here. The current page's link carries `aria-current="page"`.
#[component]
pub fn Link(#[prop(into)] href: String, children: Children) -> impl IntoView {
    let loc = use_location();
    let path = href.split('?').next().unwrap_or_default().to_owned();
    let target = href.clone();
    let href = loc.href(&href);
    let click = move |ev: leptos::ev::MouseEvent| {
        let plain =
            ev.button() == 0 && !(ev.meta_key() || ev.ctrl_key() || ev.shift_key() || ev.alt_key());
        if plain && !ev.default_prevented() {
            ev.prevent_default();
            navigate(loc, &target, false);
        }
    };
    let current = move || (loc.path.get() == path).then_some("page");
    view! {
        <a href=href on:click=click aria-current=current>
            {children()}
        </a>
    }
}

#[cfg(test)]
mod tests {
    use super::with_session;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn in_embed_urls_keep_the_session_reference() {
        assert_eq!(
            with_session(Some("sess_1"), "/workspace/events"),
            "/workspace/events?session=sess_1"
        );
        assert_eq!(
            with_session(
                Some("sess_1"),
                "/workspace/events?status=failed&session=other"
            ),
            "/workspace/events?session=sess_1&status=failed"
        );
        assert_eq!(with_session(None, "/workspace/rules"), "/workspace/rules");
    }
}
