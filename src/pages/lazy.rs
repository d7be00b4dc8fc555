//! Pages whose code loads on demand. The shell and the Dashboard (the default launch page) are
//! on the critical path; every other page is a split function, which a `split` release build
//! (`cargo xtask build`) puts in one wasm module of its own, `split_meshes_pages.wasm`, fetched
//! the first time one of them is shown (or earlier: [`prefetch_after_first_paint`]). One module,
//! not one per page: five separately compressed chunks and the code they share cost 90 kB more
//! brotli in all (decision 73). Without the `split` feature (`trunk serve`, the
//! tests) they are plain functions in the one module — an unsplit build of split code would not
//! even load (its imports name chunks that do not exist).
//!
//! Not Leptos' `#[lazy]`: that panics when a chunk fails to arrive, and a panic aborts the whole
//! embed. The `fallible` split turns a lost chunk into an [`AppError`] the page shows with
//! "Try again" (the loader does not cache failures, so the retry fetches afresh).

use super::{connections, event_detail, events, mappings, rules};
use crate::error::AppError;
use crate::ui::{ErrorState, Skeleton};
use leptos::prelude::*;
use std::future::Future;

#[cfg(feature = "split")]
impl From<leptos::wasm_split::SplitLoaderError> for AppError {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        AppError::Network("this page's code did not arrive".to_owned())
    }
}

/// One on-demand page: with `split`, a function the splitter moves into `split_meshes_pages.wasm`,
/// and `$preload` fetches that module without showing the page; `$ready` is that fetch as an
/// [`AppError`] (nothing to fetch without `split`).
macro_rules! page_chunk {
    ($preload:ident, $ready:ident, fn $name:ident($($arg:ident: $ty:ty),*) $body:block) => {
        #[cfg(feature = "split")]
        #[leptos::wasm_split::wasm_split(
            meshes_pages,
            wasm_split_path = ::leptos::wasm_split,
            preload($preload),
            fallible
        )]
        pub fn $name($($arg: $ty),*) -> Result<AnyView, AppError> {
            Ok($body)
        }

        #[cfg(not(feature = "split"))]
        pub async fn $name($($arg: $ty),*) -> Result<AnyView, AppError> {
            Ok($body)
        }

        pub async fn $ready() -> Result<(), AppError> {
            #[cfg(feature = "split")]
            $preload().await?;
            Ok(())
        }
    };
}

page_chunk!(
    preload_connections,
    connections_ready,
    fn connections() {
        view! { <connections::ConnectionsPage/> }.into_any()
    }
);
page_chunk!(
    preload_mappings,
    mappings_ready,
    fn mappings(id: String) {
        view! { <mappings::MappingsPage id/> }.into_any()
    }
);
page_chunk!(
    preload_rules,
    rules_ready,
    fn rules() {
        view! { <rules::RulesPage/> }.into_any()
    }
);
page_chunk!(
    preload_events,
    events_ready,
    fn events() {
        view! { <events::EventsPage/> }.into_any()
    }
);
page_chunk!(
    preload_event_detail,
    event_detail_ready,
    fn event_detail(id: String) {
        view! { <event_detail::EventDetailPage id/> }.into_any()
    }
);

/// Once the first page is on screen, fetch the other pages' code in the background, so moving
/// on later waits for nothing. (One module holds them all; any page's preload fetches it.) If
/// it fails here, it is fetched again when a page that needs it is opened. (Unsplit builds have
/// nothing to fetch.)
pub fn prefetch_after_first_paint() {
    #[cfg(feature = "split")]
    leptos::task::spawn_local(async {
        gloo_timers::future::TimeoutFuture::new(300).await;
        let _ = connections_ready().await;
    });
}

/// A page whose code may still be on its way: the page skeleton until it is there, the error
/// state with "Try again" if it did not arrive. Not a `<Suspense>`: that would also catch the
/// page's own data reloads and swap the page (and what the user typed) for the skeleton every
/// time; the code loads once. The page is only built once its code is here *and* this view
/// still stands: a user who moved on meanwhile must not get a page built behind their back.
pub fn show<R, RFut, F, Fut>(ready: R, load: F) -> AnyView
where
    R: Fn() -> RFut + 'static,
    RFut: Future<Output = Result<(), AppError>> + 'static,
    F: Fn() -> Fut + 'static,
    Fut: Future<Output = Result<AnyView, AppError>> + 'static,
{
    let done = RwSignal::new(false);
    let slot = StoredValue::new_local(None::<Result<AnyView, AppError>>);
    let load = StoredValue::new_local(load);
    // The page is built in this component's scope (its contexts), whoever starts the load.
    let owner = Owner::current();
    let start = StoredValue::new_local(move || {
        let fetched = ready();
        done.set(false);
        let run = move || {
            leptos::task::spawn_local(ScopedFuture::new_untracked(async move {
                let fetched = fetched.await;
                if done.try_get_untracked().is_none() {
                    return; // this view is gone
                }
                // Build the page in a task of its own: the click that got here already took
                // down the old page (tens of ms on a phone for a long list), and both in one
                // task would block the host's thread past 50 ms.
                gloo_timers::future::TimeoutFuture::new(0).await;
                if done.try_get_untracked().is_none() {
                    return;
                }
                let result = match fetched {
                    // The code is here: this resolves at once.
                    Ok(()) => match load.try_with_value(|load| load()) {
                        Some(page) => page.await,
                        None => return,
                    },
                    Err(err) => Err(err),
                };
                if slot.try_set_value(Some(result)).is_none() {
                    let _ = done.try_set(true);
                }
            }))
        };
        match &owner {
            Some(owner) => owner.with(run),
            None => run(),
        }
    });
    start.with_value(|start| start());
    (move || {
        if !done.get() {
            return view! { <Skeleton rows=6 /> }.into_any();
        }
        match slot.try_update_value(Option::take).flatten() {
            Some(Ok(page)) => page,
            Some(Err(err)) => {
                let retry = Callback::new(move |_| start.with_value(|start| start()));
                view! { <ErrorState err retry /> }.into_any()
            }
            None => ().into_any(),
        }
    })
    .into_any()
}
