//! The workspace frame for a running session: header with the workspace name and the pages this
//! session may open, the expired banner, and the routed page (`routes`).

pub mod router;
mod routes;

use crate::api::Api;
use crate::host::{HostNavigation, NavigationReporter, resize};
use crate::i18n::{t, tr};
use crate::session::AuthStatus;
use crate::ui::page_title;
use leptos::prelude::*;
use meshes_protocol::access::{EmbedPage, can_open};
use meshes_protocol::{EmbedRoute, ExpiredReason};
use router::Link;

/// The workspace UI for a running session. Everything it needs comes through `api` (tests pass
/// a fake transport and a recording bridge).
#[component]
pub fn Workspace(api: Api) -> impl IntoView {
    let session = api.session;
    provide_context(session);
    provide_context(api);

    let root = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if let Some(handle) = root
            .get()
            .and_then(|el| resize::observe(&el, session.bridge()))
        {
            StoredValue::new_local(handle);
        }
    });

    let location = router::provide();
    // Re-render the page only when the route changes, not when its query does.
    let route = Memo::new(move |_| EmbedRoute::parse(&location.path.get()));
    let st = session.ctx().session_type;
    let nav = EmbedPage::TOP_LEVEL
        .into_iter()
        .filter(move |p| can_open(st, *p))
        .map(|p| {
            let href = EmbedRoute::parse(&format!("/workspace/{}", p.name()))
                .map(|r| r.path())
                .unwrap_or_default();
            view! { <Link href=href>{move || page_title(p)}</Link> }
        });
    let banner = move || match session.status.get() {
        AuthStatus::Expired(reason) => Some(t(expired_text(reason))),
        _ => None,
    };
    // A renewal that takes more than a moment is said out loud: the greyed-out buttons have a
    // reason on screen instead of none for up to 30 s.
    let renewing = RwSignal::new(false);
    Effect::new(move |_| {
        let now = session.status.get() == AuthStatus::Refreshing;
        renewing.set(false);
        if now {
            set_timeout(
                move || {
                    if session.status.get_untracked() == AuthStatus::Refreshing {
                        let _ = renewing.try_set(true);
                    }
                },
                std::time::Duration::from_millis(RENEWING_SAYS_AFTER_MS),
            );
        }
    });
    let name = session.ctx().workspace.name.clone();

    view! {
        <div
            class="meshes-root"
            node_ref=root
            data-auth-installed=move || session.auth_installed.get()
            data-messages-dropped=move || session.messages_dropped.get()
        >
            <NavigationReporter />
            <HostNavigation />
            <header class="ws-header">
                <span class="ws-name">{name}</span>
                <nav class="ws-nav" aria-label=tr("shell.nav")>
                    {nav.collect_view()}
                </nav>
            </header>
            {move || {
                banner()
                    .map(|text| {
                        view! {
                            <p class="banner banner-warn" role="alert" id="session-banner">
                                {text}
                            </p>
                        }
                    })
            }}
            <p
                class="banner banner-quiet"
                role="status"
                id="session-renewing"
                hidden=move || !renewing.get()
            >
                {tr("shell.renewing")}
            </p>
            <LeaveGuard loc=location />
            <main class="ws-main">
                {move || {
                    route
                        .get()
                        .map_or_else(
                            || view! { <crate::pages::NotFound /> }.into_any(),
                            routes::page,
                        )
                }}
            </main>
        </div>
    }
}

/// How long a renewal may take before the page says why changes are paused.
const RENEWING_SAYS_AFTER_MS: u64 = 2_000;

/// The grace-state banner (a catalog key): what happened, that nothing on screen is lost, and
/// who can fix it.
fn expired_text(reason: ExpiredReason) -> &'static str {
    match reason {
        ExpiredReason::SessionEnded => "shell.expired_session_ended",
        ExpiredReason::RefreshFailed => "shell.expired_refresh_failed",
        _ => "shell.expired_renew",
    }
}

/// Leaving a page with unsaved changes asks first, in the page (a sandboxed frame may not be
/// allowed `confirm()`): Stay has focus; leaving drops the changes and goes on.
#[component]
fn LeaveGuard(loc: router::Location) -> impl IntoView {
    let stay = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if let Some(b) = stay.get() {
            let _ = b.focus();
        }
    });
    move || {
        loc.held.get().map(|_| {
            view! {
                <div
                    class="banner banner-warn"
                    role="alertdialog"
                    id="leave-guard"
                    aria-label=tr("shell.unsaved")
                >
                    <p>{tr("shell.unsaved_question")}</p>
                    <div class="form-actions">
                        <button
                            type="button"
                            class="btn"
                            node_ref=stay
                            on:click=move |_| loc.held.set(None)
                        >
                            {tr("shell.stay")}
                        </button>
                        <button
                            type="button"
                            class="btn btn-danger"
                            id="leave-anyway"
                            on:click=move |_| router::leave_anyway(loc)
                        >
                            {tr("shell.leave")}
                        </button>
                    </div>
                </div>
            }
        })
    }
}
