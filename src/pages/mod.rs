//! One module per page, plus the states shared by all of them.

pub mod connections;
pub mod dashboard;
pub mod event_detail;
pub mod events;
pub mod lazy;
pub mod mappings;
pub mod rules;

use crate::api::Api;
use crate::error::AppError;
use crate::router::Link;
use crate::session::Session;
use crate::ui::{ErrorState, PageHeader, Skeleton};
use leptos::prelude::*;
use meshes_protocol::EmbedRoute;
use meshes_protocol::access::EmbedPage;
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
    let api = expect_context::<Api>();
    let res = LocalResource::new(move || fetch(api.clone()));
    // Until its first answer is in, the page is still settling: a list, a catalog or a panel
    // that lands later would otherwise cost the host a second `meshes:resize`.
    let hold = crate::resize::owned_hold();
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
        .map(|s| s.ctx.session_id.clone())
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
        .is_some_and(|s| meshes_protocol::access::can_open(s.ctx.session_type, route.page()));
    if allowed {
        view! { <Link href=route.path()>{text}</Link> }.into_any()
    } else {
        view! { <span>{text}</span> }.into_any()
    }
}

/// Rows built per task for long lists ([`staged`]).
pub const STAGE_ROWS: usize = 6;

/// A long list shown in steps: the first [`STAGE_ROWS`] items at once, then as many more per
/// task, so no single task builds a whole table (a phone-class CPU spends about 2 ms per row, and
/// a task over 50 ms janks the host page too). The host's frame size waits for the last step:
/// one `meshes:resize` for the list, not one per step.
pub fn staged<T: Clone + Send + Sync + 'static>(items: RwSignal<Vec<T>>) -> Signal<Vec<T>> {
    let shown = RwSignal::new(STAGE_ROWS);
    let hold = StoredValue::new_local(None::<crate::resize::Hold>);
    Effect::new(move |_| {
        let (len, now) = (items.with(Vec::len), shown.get());
        if now < len {
            hold.update_value(|h| {
                h.get_or_insert_with(crate::resize::hold);
            });
            set_timeout(
                move || {
                    let _ = shown.try_update(|n| *n += STAGE_ROWS);
                },
                std::time::Duration::ZERO,
            );
        } else {
            hold.set_value(None);
        }
    });
    Signal::derive(move || items.with(|v| v[..shown.get().min(v.len())].to_vec()))
}

#[component]
pub fn NotFound() -> impl IntoView {
    let home = use_context::<Session>()
        .map(|s| EmbedRoute::from(s.ctx.launch_page).path())
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
