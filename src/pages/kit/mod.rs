//! What pages repeat: loading a resource with the session's API, rendering its three states,
//! polling, links that keep the session reference, long lists in steps ([`staged`]), changes
//! with a busy state and a notice ([`Mutation`]), "Load more" ([`Paged`]) and form errors
//! ([`FormErrors`]).

mod form_actions;
mod form_errors;
mod mutation;
mod paged;
mod staged;

pub use form_actions::FormActions;
pub use form_errors::{FieldError, FormErrors};
pub use mutation::Mutation;
pub use paged::Paged;
pub use staged::{STAGE_ROWS, staged};

use crate::api::{Api, use_api};
use crate::error::AppError;
use crate::session::Session;
use crate::shell::router::Link;
use crate::ui::{ErrorState, Skeleton};
use leptos::prelude::*;
use meshes_protocol::EmbedRoute;
use std::future::Future;

pub type Loaded<T> = LocalResource<Result<T, AppError>>;

/// A resource fetched with the session's API client. Requests wait for a token (first
/// `meshes:auth`, refreshes), so pages show their skeleton until then and keep what they show
/// while a token is renewed. The host's frame size waits for its first answer.
pub fn authed_resource<T, Fut>(fetch: impl Fn(Api) -> Fut + 'static) -> Loaded<T>
where
    T: 'static,
    Fut: Future<Output = Result<T, AppError>> + 'static,
{
    let api = use_api();
    let res = LocalResource::new(move || fetch(api));
    // Until its first answer is in, the page is still settling: a list, a catalog or a panel
    // that lands later would otherwise cost the host a second `meshes:resize`.
    let hold = crate::host::resize::owned_hold();
    Effect::new(move |_| {
        if res.with(|r| !matches!(r, None | Some(Err(AppError::AwaitingAuth)))) {
            hold.release();
        }
    });
    res
}

/// Render a loaded resource: skeleton while loading or waiting for auth, the error state with a
/// retry, or the content.
pub fn render_loaded<T, V>(
    res: Loaded<T>,
    rows: usize,
    ok: impl Fn(T) -> V + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + 'static,
    V: IntoView + 'static,
{
    move || match res.get() {
        None | Some(Err(AppError::AwaitingAuth)) => view! { <Skeleton rows /> }.into_any(),
        Some(Err(err)) => {
            let retry = Callback::new(move |_| res.refetch());
            view! { <ErrorState err retry /> }.into_any()
        }
        Some(Ok(data)) => {
            crate::perf::first_data_rendered();
            ok(data).into_view().into_any()
        }
    }
}

/// Run `f` every `ms` while the calling component lives, skipping ticks while the page is
/// hidden (no point polling for a tab nobody looks at).
pub fn every(ms: u64, f: impl Fn() + 'static) {
    let tick = move || {
        let visible = web_sys::window()
            .and_then(|w| w.document())
            .is_none_or(|d| d.visibility_state() == web_sys::VisibilityState::Visible);
        if visible {
            f();
        }
    };
    if let Ok(handle) = set_interval_with_handle(tick, std::time::Duration::from_millis(ms)) {
        on_cleanup(move || handle.clear());
    }
}

/// An in-embed href that keeps the non-secret `?session=` reference (so a reload stays framed
/// to this session) plus an optional page query.
pub fn href_with_query(path: &str, query: &str) -> String {
    let session = use_context::<Session>()
        .map(|s| s.ctx().session_id.clone())
        .filter(|id| meshes_protocol::route::is_id(id));
    let mut parts: Vec<String> = session
        .map(|s| format!("session={s}"))
        .into_iter()
        .collect();
    if !query.is_empty() {
        parts.push(query.to_owned());
    }
    if parts.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", parts.join("&"))
    }
}

/// A link to another embed page, only rendered when this session may open it.
pub fn page_link(route: EmbedRoute, text: String) -> AnyView {
    let allowed = use_context::<Session>()
        .is_some_and(|s| meshes_protocol::access::can_open(s.ctx().session_type, route.page()));
    if allowed {
        view! { <Link href=route.path()>{text}</Link> }.into_any()
    } else {
        view! { <span>{text}</span> }.into_any()
    }
}
