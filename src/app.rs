//! Bootstrap phases, the host connection, and the workspace shell (navigation + routes).

use crate::api::{Api, HttpTransport};
use crate::bridge::{self, Bridge};
use crate::error::AppError;
use crate::launch::{self, LaunchParams};
use crate::pages;
use crate::resize;
use crate::router::{self, Link};
use crate::session::{AuthStatus, Session};
use crate::ui::ErrorState;
use leptos::prelude::*;
use meshes_protocol::access::{EmbedPage, can_open};
use meshes_protocol::origin::choose_parent;
use meshes_protocol::route::EventFilters;
use meshes_protocol::{EmbedMessage, EmbedRoute, ExpiredReason, HostMessage};

#[derive(Clone)]
enum Phase {
    Starting,
    Failed(AppError),
    Running(Session),
}

/// Entry point: strip the launch secret from the URL, then mount.
pub fn start() {
    let params = launch::take_launch_params();
    leptos::mount::mount_to_body(move || view! { <Root params /> });
}

#[component]
fn Root(params: LaunchParams) -> impl IntoView {
    let phase = RwSignal::new(Phase::Starting);
    // For the OAuth redirect fallback; the Connections page takes the returned attempt once.
    provide_context(StoredValue::new(crate::oauth::RedirectInfo {
        return_to: params.return_to.clone(),
        returned_attempt: params.oauth_attempt.clone(),
    }));
    let params = StoredValue::new(params);
    let start = move || {
        phase.set(Phase::Starting);
        leptos::task::spawn_local(async move {
            phase.set(boot(params.get_value()).await);
        });
    };
    start();
    // A network failure did not spend the launch token, so the same launch can be retried.
    let retry = Callback::new(move |_| start());
    view! {
        {move || match phase.get() {
            Phase::Starting => view! { <Splash /> }.into_any(),
            Phase::Failed(err) => {
                view! {
                    <div class="fatal">
                        <ErrorState err retry />
                    </div>
                }
                    .into_any()
            }
            Phase::Running(session) => {
                let api = Api {
                    transport: HttpTransport::shared(),
                    session,
                };
                connect_host(&api);
                view! { <Workspace api /> }.into_any()
            }
        }}
    }
}

/// Refuse to run unframed (without spending the launch token), exchange the token, and bind to
/// exactly one parent origin.
async fn boot(params: LaunchParams) -> Phase {
    let phase = exchange_and_bind(params).await;
    if let Phase::Failed(_) = phase {
        // No session to hand them to: the loader stops keeping messages (and the host's token
        // it may hold) now, not at the end of the page.
        drop(bridge::take_early());
    }
    phase
}

async fn exchange_and_bind(params: LaunchParams) -> Phase {
    if !bridge::is_framed() {
        return Phase::Failed(AppError::NotFramed);
    }
    let observed = bridge::observed_parent_origin();
    match launch::exchange_http(&params, observed.clone()).await {
        Err(err) => {
            // Tell the host, so it can mint a fresh session. The browser only framed us because
            // `frame-ancestors` allowed this parent, and the message carries no secret.
            if let (AppError::Launch(reason), Some(origin)) = (&err, observed) {
                Bridge::to_parent(origin).post(&EmbedMessage::TokenExpired { reason: *reason });
            }
            Phase::Failed(err)
        }
        Ok(ctx) => match choose_parent(observed.as_deref(), &ctx.allowed_origins) {
            Ok(origin) => Phase::Running(Session::new(ctx, Bridge::to_parent(origin.to_string()))),
            Err(e) => Phase::Failed(AppError::Parent(e.to_string())),
        },
    }
}

/// Listen for `meshes:auth` (before announcing readiness; messages the loader kept meanwhile
/// first), then post `meshes:ready` unless the loader already told the bound origin. These
/// listeners live as long as the page: a session never outlives its document.
fn connect_host(api: &Api) {
    let session = &api.session;
    let Some(origin) = session.bridge.parent_origin().map(str::to_owned) else {
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
    let a = api.clone();
    let dropped = session.messages_dropped;
    let on_message = move |ev: &web_sys::MessageEvent| match bridge::inspect(ev, &origin, &parent) {
        Ok(msg) => receive(&a, msg),
        Err(_) => dropped.update(|n| *n += 1),
    };
    dropped.update(|n| *n += early.dropped);
    for ev in &early.pending {
        on_message(ev);
    }
    let _ = window_event_listener(leptos::ev::message, move |ev| on_message(&ev));
    // Hidden pages throttle timers: re-check the token whenever the page comes back, and let a
    // paused session ask again at once when there is a sign of life.
    let nudge = {
        let s = session.clone();
        move || s.nudge()
    };
    let n = nudge.clone();
    let _ = window_event_listener(leptos::ev::focus, move |_| n());
    let n = nudge.clone();
    let _ = window_event_listener(leptos::ev::online, move |_| n());
    let n = nudge.clone();
    let _ = window_event_listener(leptos::ev::pageshow, move |_| n());
    let n = nudge.clone();
    let _ = window_event_listener(leptos::ev::pointerdown, move |_| n());
    let n = nudge.clone();
    let _ = window_event_listener(leptos::ev::keydown, move |_| n());
    // `visibilitychange` fires on the document and bubbles to the window.
    let _ = window_event_listener(leptos::ev::visibilitychange, move |_| nudge());
    session.announce_ready(told);
}

/// Act on one host message that passed the bridge checks. Every token is verified on its own;
/// which one is used is decided by generation after verification, never by arrival order
/// (`Api::accept_auth`), so a junk message cannot keep a good token out.
pub fn receive(api: &Api, msg: HostMessage) {
    match msg {
        HostMessage::Auth { token, .. } => {
            crate::perf::mark_once("meshes:auth");
            let a = api.clone();
            wasm_bindgen_futures::spawn_local(async move {
                a.accept_auth(token).await;
            });
        }
        HostMessage::RefreshFailed => api.session.host_refresh_failed(),
    }
}

#[component]
fn Splash() -> impl IntoView {
    view! {
        <div class="splash" role="status">
            "Loading workspace…"
        </div>
    }
}

/// The workspace UI for a running session. Everything it needs comes through `api` (tests pass
/// a fake transport and a recording bridge).
#[component]
pub fn Workspace(api: Api) -> impl IntoView {
    let session = api.session.clone();
    provide_context(session.clone());
    provide_context(api);

    let session_counts = session.clone();
    let root = NodeRef::<leptos::html::Div>::new();
    let bridge = session.bridge.clone();
    Effect::new(move |_| {
        if let Some(handle) = root
            .get()
            .and_then(|el| resize::observe(&el, bridge.clone()))
        {
            StoredValue::new_local(handle);
        }
    });

    let location = router::provide();
    // Re-render the page only when the route changes, not when its query does.
    let route = Memo::new(move |_| EmbedRoute::parse(&location.path.get()));
    let st = session.ctx.session_type;
    let nav = EmbedPage::TOP_LEVEL
        .into_iter()
        .filter(move |p| can_open(st, *p))
        .map(|p| {
            let href = EmbedRoute::parse(&format!("/workspace/{}", p.name()))
                .map(|r| r.path())
                .unwrap_or_default();
            view! { <Link href=href>{p.title()}</Link> }
        });
    let banner = move || match session.status.get() {
        AuthStatus::Expired(reason) => Some(expired_text(reason)),
        _ => None,
    };
    let name = api_workspace_name();

    view! {
        <div
            class="meshes-root"
            node_ref=root
            data-auth-installed=move || session_counts.auth_installed.get()
            data-messages-dropped=move || session_counts.messages_dropped.get()
        >
            <NavigationReporter />
            <header class="ws-header">
                <span class="ws-name">{name}</span>
                <nav class="ws-nav" aria-label="Workspace">
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
            <main class="ws-main">
                {move || {
                    route.get().map_or_else(|| view! { <pages::NotFound /> }.into_any(), page_view)
                }}
            </main>
        </div>
    }
}

/// The grace-state banner: what happened, that nothing on screen is lost, and who can fix it.
fn expired_text(reason: ExpiredReason) -> &'static str {
    match reason {
        ExpiredReason::SessionEnded => {
            "This session has ended. What you see stays here, but changes are paused. Reload the page around this view to start a new session."
        }
        ExpiredReason::RefreshFailed => {
            "The app around this view could not renew your session. What you see stays here and your unsaved input is kept; changes are paused, and it keeps trying to reconnect."
        }
        _ => {
            "Your session needs to be renewed by the app around this view. What you see stays here and your unsaved input is kept; changes are paused until it reconnects."
        }
    }
}

fn api_workspace_name() -> String {
    use_context::<Session>()
        .map(|s| s.ctx.workspace.name.clone())
        .unwrap_or_default()
}

fn page_view(route: EmbedRoute) -> AnyView {
    use crate::pages::lazy;
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
    let allowed = use_context::<Session>().is_some_and(|s| can_open(s.ctx.session_type, page));
    if allowed {
        view().into_any()
    } else {
        view! { <pages::Refused page /> }.into_any()
    }
}

/// Post `meshes:navigate` on every route change (not for the initial page, which the host chose).
/// The Events page's filters ride along as a query (`/workspace/events?status=failed`), so a
/// host that stores the path can restore them; nothing else from the URL ever does.
#[component]
fn NavigationReporter() -> impl IntoView {
    let location = router::use_location();
    let bridge = expect_context::<Session>().bridge;
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
