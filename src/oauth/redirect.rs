//! The redirect fallback: a redirect-mode attempt the user leaves for through a real link, and
//! picking the result up again after the host brings them back.

use super::{OauthFlow, Phase, Target};
use leptos::prelude::*;
use meshes_protocol::api::{CreateAttempt, OauthMode};

impl OauthFlow {
    /// Offer the redirect fallback, coming back to `url`.
    pub fn allow_redirect(&self, url: String) {
        self.return_to.set_value(Some(url));
    }

    pub fn can_redirect(&self) -> bool {
        self.return_to.with_value(Option::is_some)
    }

    /// "Continue here instead": a redirect-mode attempt; the user leaves through a real link.
    pub fn redirect(self) {
        let (Some(target), Some(return_to)) =
            (self.target.get_untracked(), self.return_to.get_value())
        else {
            return;
        };
        self.cancel_quietly();
        self.close_window();
        self.phase.set(Phase::Opening);
        let run = self.next_run();
        let body = CreateAttempt {
            integration: target.kind,
            connection_id: target.reconnect,
            mode: OauthMode::Redirect,
            return_to: Some(return_to),
            nonce: None,
        };
        let api = self.api;
        leptos::task::spawn_local(async move {
            let created = api.create_attempt(&body).await;
            if !self.current(run) {
                return;
            }
            match created {
                Ok(a) => {
                    let start = a.start_url.clone().unwrap_or_default();
                    self.attempt.set(Some(a));
                    self.phase.set(Phase::RedirectReady(start));
                }
                Err(e) => self.phase.set(Phase::Refused(super::explain(&e))),
            }
        });
    }

    /// After a redirect round trip: show how the attempt ended (and tell the host).
    pub fn resume(self, id: String) {
        self.phase.set(Phase::Resuming);
        let run = self.next_run();
        let api = self.api;
        leptos::task::spawn_local(async move {
            let Ok(a) = api.attempt(&id).await else {
                if self.current(run) {
                    self.phase.set(Phase::Idle);
                }
                return;
            };
            if !self.current(run) {
                return;
            }
            self.target.set(Some(Target {
                kind: a.integration.clone(),
                name: crate::ui::integration_label(&a.integration).to_owned(),
                reconnect: a.reauthorize.then(|| a.connection_id.clone()).flatten(),
            }));
            self.attempt.set(Some(a.clone()));
            if a.status.is_final() {
                self.finish(a);
            } else {
                self.phase.set(Phase::Waiting { lost: true });
                self.poll(run).await;
            }
        });
    }
}
