//! "Connect <Provider>": runs the Meshes-hosted OAuth flow from inside the iframe.
//!
//! The window opens synchronously in the click (a popup blocker only lets a click open one
//! before any `await`), then the attempt is created and the window pointed at its start page.
//! Completion can't get lost: the attempt's status on the server is the only truth, polled with
//! backoff; the callback page's message, focus and visibility changes only make the next poll
//! come sooner. A window that reads "closed" may just be severed by COOP, so it never ends the
//! attempt by itself — the server has to confirm nothing completed.

use crate::api::Api;
use crate::error::AppError;
use crate::i18n::tf;
use leptos::prelude::*;
use meshes_protocol::api::{CreateAttempt, OauthAttempt, OauthMode};

mod redirect;
mod watch;
mod window;

use window::{POPUP_FEATURES, WINDOW_NAME, nonce, open_window, origin_of};

const FIRST_POLL_MS: u32 = 1000;
const MAX_POLL_MS: u32 = 5000;
/// How often the waiting loop looks at its wake-up flag and the window.
const SLICE_MS: u32 = 250;

#[derive(Clone, Debug, PartialEq)]
pub enum Phase {
    Idle,
    /// Creating the attempt; the window (if it opened) says so.
    Opening,
    /// The hosted flow runs in a window. `lost`: that window reads closed — closed by the
    /// user, or cut off by the provider's COOP while still open.
    Waiting {
        lost: bool,
    },
    /// The popup was blocked: a new tab needs a fresh click.
    Blocked,
    /// Neither a popup nor a tab could open: the host's iframe sandbox lacks `allow-popups`.
    NoWindows,
    /// Redirect fallback: the attempt exists; a real link (fresh click) leaves for its start page.
    RedirectReady(String),
    /// Back from a redirect round trip: reading the attempt's outcome.
    Resuming,
    Finished(Box<OauthAttempt>),
    /// The attempt could not be created; the sentence says why.
    Refused(String),
}

/// What was asked, for "Try again".
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    pub kind: String,
    pub name: String,
    pub reconnect: Option<String>,
}

#[derive(Clone, Copy)]
pub struct OauthFlow {
    pub phase: RwSignal<Phase>,
    pub target: RwSignal<Option<Target>>,
    attempt: RwSignal<Option<OauthAttempt>>,
    window: StoredValue<Option<web_sys::Window>, LocalStorage>,
    /// Pairs the callback's message with this attempt.
    nonce: StoredValue<String>,
    /// Callback messages (accepted, refused), shown as data attributes for tests and debugging.
    pub hints: RwSignal<(u32, u32)>,
    /// Set by the fast-path message, focus or visibility; the loop polls at once.
    kick: StoredValue<bool>,
    /// Bumped by every new flow and on unmount; a loop of an older run stops.
    run: StoredValue<u32>,
    api: Api,
    on_done: Callback<OauthAttempt>,
    /// The host page to come back to, when the host opted in to the redirect fallback.
    return_to: StoredValue<Option<String>>,
}

/// What the host passed for the redirect fallback (`launch::LaunchParams`).
#[derive(Clone, Debug, Default)]
pub struct RedirectInfo {
    pub return_to: Option<String>,
    pub returned_attempt: Option<String>,
}

/// The server's own sentence when it sent one (it names the role or the field), then who can fix it.
/// The refusal in the Connect panel: the same message as every error view, then its remedy.
fn explain(e: &AppError) -> String {
    let (message, remedy) = (e.message(), e.remedy());
    tf(
        "oauth.refused",
        &[
            ("message", message.trim_end_matches('.')),
            ("remedy", &*remedy),
        ],
    )
}

impl OauthFlow {
    /// One flow per page; listens for the callback's message and for the user coming back.
    pub fn new(api: Api, on_done: Callback<OauthAttempt>) -> OauthFlow {
        let flow = OauthFlow {
            phase: RwSignal::new(Phase::Idle),
            target: RwSignal::new(None),
            attempt: RwSignal::new(None),
            window: StoredValue::new_local(None),
            nonce: StoredValue::new(String::new()),
            hints: RwSignal::new((0, 0)),
            kick: StoredValue::new(false),
            run: StoredValue::new(0),
            api,
            on_done,
            return_to: StoredValue::new(None),
        };
        let message = window_event_listener(leptos::ev::message, move |e| flow.on_message(&e));
        let focus = window_event_listener(leptos::ev::focus, move |_| flow.wake());
        let visible = window_event_listener(leptos::ev::visibilitychange, move |_| flow.wake());
        on_cleanup(move || {
            message.remove();
            focus.remove();
            visible.remove();
            let _ = flow.run.try_update_value(|r| *r += 1);
        });
        flow
    }

    pub fn busy(&self) -> bool {
        matches!(
            self.phase.get(),
            Phase::Opening | Phase::Waiting { .. } | Phase::Blocked
        )
    }

    /// The click handler: no `await` before the window opens.
    pub fn start(self, target: Target) {
        if matches!(
            self.phase.get_untracked(),
            Phase::Opening | Phase::Waiting { .. } | Phase::Resuming
        ) {
            // A double click, or another Connect button: one attempt at a time.
            self.show_window();
            return;
        }
        self.cancel_quietly();
        let window = open_window("about:blank", WINDOW_NAME, POPUP_FEATURES);
        if let Some(doc) = window.as_ref().and_then(|w| w.document()) {
            doc.set_title(&tf("oauth.window_title", &[("name", target.name.as_str())]));
            if let Some(body) = doc.body() {
                body.set_text_content(Some(&tf(
                    "oauth.window_opening",
                    &[("name", target.name.as_str())],
                )));
            }
        }
        let mode = if window.is_some() {
            OauthMode::Popup
        } else {
            OauthMode::Tab
        };
        self.window.set_value(window);
        self.attempt.set(None);
        self.target.set(Some(target.clone()));
        self.phase.set(Phase::Opening);
        let run = self.next_run();
        let nonce = nonce();
        self.nonce.set_value(nonce.clone());
        let body = CreateAttempt {
            integration: target.kind,
            connection_id: target.reconnect,
            mode,
            return_to: None,
            nonce: Some(nonce),
        };
        let api = self.api;
        leptos::task::spawn_local(async move {
            let created = api.create_attempt(&body).await;
            if !self.current(run) {
                return;
            }
            let attempt = match created {
                Ok(a) => a,
                Err(e) => {
                    self.close_window();
                    self.phase.set(Phase::Refused(explain(&e)));
                    return;
                }
            };
            let start = attempt.start_url.clone().unwrap_or_default();
            self.attempt.set(Some(OauthAttempt {
                start_url: Some(start.clone()),
                ..attempt
            }));
            self.kick.set_value(false);
            let opened = self.window.with_value(|w| {
                w.as_ref()
                    .is_some_and(|w| w.location().set_href(&start).is_ok())
            });
            self.phase.set(if opened {
                Phase::Waiting { lost: false }
            } else {
                Phase::Blocked
            });
            self.poll(run).await;
        });
    }

    /// "Continue in a new tab": a fresh click, so a blocker lets it through.
    pub fn open_tab(self) {
        let Some(start) = self
            .attempt
            .with_untracked(|a| a.as_ref().and_then(|a| a.start_url.clone()))
        else {
            return;
        };
        match open_window(&start, "_blank", "") {
            Some(w) => {
                self.window.set_value(Some(w));
                self.phase.set(Phase::Waiting { lost: false });
            }
            None => self.phase.set(Phase::NoWindows),
        }
    }

    pub fn show_window(&self) {
        self.window.with_value(|w| {
            if let Some(w) = w {
                let _ = w.focus();
            }
        });
    }

    /// The user gave up: the server decides whether that is still possible.
    pub fn cancel(self) {
        let Some(id) = self
            .attempt
            .with_untracked(|a| a.as_ref().map(|a| a.id.clone()))
        else {
            self.phase.set(Phase::Idle);
            return;
        };
        let run = self.next_run();
        let api = self.api;
        leptos::task::spawn_local(async move {
            match api.cancel_attempt(&id).await {
                Ok(a) if self.current(run) => self.finish(a),
                Err(e) if self.current(run) => self.phase.set(Phase::Refused(explain(&e))),
                _ => {}
            }
        });
    }

    pub fn retry(self) {
        if let Some(t) = self.target.get_untracked() {
            self.start(t);
        }
    }

    pub fn reset(self) {
        self.next_run();
        self.phase.set(Phase::Idle);
    }

    /// A flow replaced by a new one ends on the server too, so its window can't finish later.
    fn cancel_quietly(&self) {
        let pending = self.attempt.with_untracked(|a| {
            a.as_ref()
                .filter(|a| !a.status.is_final())
                .map(|a| a.id.clone())
        });
        if let (Some(id), Phase::Blocked | Phase::NoWindows) = (pending, self.phase.get_untracked())
        {
            let api = self.api;
            leptos::task::spawn_local(async move {
                let _ = api.cancel_attempt(&id).await;
            });
        }
    }

    fn next_run(&self) -> u32 {
        self.run.update_value(|r| *r += 1);
        self.run.get_value()
    }

    fn current(&self, run: u32) -> bool {
        self.run.try_get_value() == Some(run)
    }

    fn wake(&self) {
        let _ = self.kick.try_set_value(true);
    }

    fn close_window(&self) {
        self.window.update_value(|w| {
            if let Some(w) = w.take() {
                let _ = w.close();
            }
        });
    }

    fn window_closed(&self) -> bool {
        self.window
            .with_value(|w| w.as_ref().is_some_and(|w| w.closed().unwrap_or(true)))
    }
}
