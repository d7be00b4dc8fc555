//! Waiting for the outcome: the callback page's hint, the window's state, and the server's
//! answer, which is the only one that counts.

use super::{FIRST_POLL_MS, MAX_POLL_MS, OauthFlow, Phase, SLICE_MS, origin_of};
use crate::error::AppError;
use leptos::prelude::*;
use meshes_protocol::api::{AttemptStatus, OAUTH_DONE, OAUTH_HELLO, OAUTH_PROOF, OauthAttempt};
use wasm_bindgen::JsCast;

impl OauthFlow {
    /// The callback page's hint. Only from the exact origin that served the attempt's start
    /// page, from the window we opened, with our attempt id and nonce; even then it only
    /// triggers a poll — the status shown is the server's.
    pub(super) fn on_message(&self, e: &web_sys::MessageEvent) {
        // Read three strings by hand: a serde deserializer for JS values costs ~3 kB brotli.
        let data = e.data();
        let field = |k: &str| {
            js_sys::Reflect::get(&data, &wasm_bindgen::JsValue::from_str(k))
                .ok()
                .and_then(|v| v.as_string())
        };
        match field("type").as_deref() {
            Some(OAUTH_DONE) => {}
            Some(OAUTH_HELLO) => return self.prove(e, field("attempt")),
            _ => return,
        }
        let (Some(attempt), Some(nonce)) = (field("attempt"), field("nonce")) else {
            self.hints.update(|h| h.1 += 1);
            return;
        };
        let ours = self.attempt.with_untracked(|a| {
            a.as_ref().is_some_and(|a| {
                a.id == attempt
                    && a.start_url.as_deref().and_then(origin_of).as_deref() == Some(&e.origin())
            })
        });
        let from_window = self.window.with_value(|w| match (w, e.source()) {
            (Some(w), Some(src)) => js_sys::Object::is(w.as_ref(), src.unchecked_ref()),
            _ => false,
        });
        if ours && from_window && self.nonce_matches(&nonce) {
            self.hints.update(|h| h.0 += 1);
            self.wake();
        } else {
            self.hints.update(|h| h.1 += 1);
        }
    }

    /// The start page our window opened asks whether the attempt is ours: answer with the
    /// attempt's proof — only to that window, only at the start URL's exact origin, only for our
    /// attempt. Anything else (another window, another origin, a forwarded link) gets nothing,
    /// and the start page asks its user to confirm instead.
    fn prove(&self, e: &web_sys::MessageEvent, attempt: Option<String>) {
        let Some(src) = e.source() else { return };
        let answer = self.attempt.with_untracked(|a| {
            let a = a.as_ref()?;
            let origin = a.start_url.as_deref().and_then(origin_of)?;
            (Some(&a.id) == attempt.as_ref() && origin == e.origin())
                .then(|| (a.id.clone(), a.start_proof.clone(), origin))
        });
        let Some((id, Some(proof), origin)) = answer else {
            self.hints.update(|h| h.1 += 1);
            return;
        };
        self.window.with_value(|w| {
            let Some(w) = w
                .as_ref()
                .filter(|w| js_sys::Object::is(w.as_ref(), src.unchecked_ref()))
            else {
                self.hints.update(|h| h.1 += 1);
                return;
            };
            let msg = js_sys::Object::new();
            for (k, v) in [("type", OAUTH_PROOF), ("attempt", &id), ("proof", &proof)] {
                let _ = js_sys::Reflect::set(&msg, &k.into(), &v.into());
            }
            let _ = w.post_message(&msg, &origin);
        });
    }

    pub(super) fn nonce_matches(&self, n: &str) -> bool {
        self.nonce.with_value(|mine| !mine.is_empty() && mine == n)
    }

    pub(super) async fn poll(self, run: u32) {
        let Some(id) = self
            .attempt
            .with_untracked(|a| a.as_ref().map(|a| a.id.clone()))
        else {
            return;
        };
        let api = self.api;
        let mut delay = FIRST_POLL_MS;
        loop {
            let mut waited = 0;
            while waited < delay {
                gloo_timers::future::TimeoutFuture::new(SLICE_MS).await;
                if !self.current(run) {
                    return;
                }
                waited += SLICE_MS;
                if self.kick.get_value() {
                    break;
                }
                if self.phase.get_untracked() == (Phase::Waiting { lost: false })
                    && self.window_closed()
                {
                    self.phase.set(Phase::Waiting { lost: true });
                    break;
                }
            }
            self.kick.set_value(false);
            let a = match api.attempt(&id).await {
                Ok(a) => a,
                // The page that watched is gone.
                Err(AppError::Canceled) => return,
                Err(_) => continue,
            };
            if !self.current(run) {
                return;
            }
            if a.status.is_final() {
                self.finish(a);
                return;
            }
            // The window is gone and never reached the start page: nothing can complete.
            if a.status == AttemptStatus::Pending
                && self.phase.get_untracked() == (Phase::Waiting { lost: true })
            {
                self.cancel();
                return;
            }
            delay = (delay * 3 / 2).min(MAX_POLL_MS);
        }
    }

    pub(super) fn finish(&self, a: OauthAttempt) {
        self.next_run();
        self.close_window();
        self.attempt.set(Some(a.clone()));
        if a.status == AttemptStatus::Completed {
            self.on_done.run(a.clone());
        }
        self.phase.set(Phase::Finished(Box::new(a)));
    }
}
