//! A change a view makes: its controls are off while it runs or while the session can't write,
//! and its outcome lands in the view's notice.

use crate::error::AppError;
use crate::session::Session;
use crate::ui::Notice;
use leptos::prelude::*;
use std::future::Future;

#[derive(Clone, Copy)]
pub struct Mutation {
    busy: RwSignal<bool>,
    session: Session,
    /// Where `run` reports; forms that show errors field by field use `run_then` instead.
    notice: Option<RwSignal<Option<Notice>>>,
}

impl Mutation {
    pub fn new(session: Session) -> Mutation {
        Mutation {
            busy: RwSignal::new(false),
            session,
            notice: None,
        }
    }

    /// Report outcomes of `run` in `notice`.
    pub fn notices(self, notice: RwSignal<Option<Notice>>) -> Mutation {
        Mutation {
            notice: Some(notice),
            ..self
        }
    }

    /// Reactive: can the user start it now? (Writes pause while no token is held.)
    pub fn ready(self) -> bool {
        self.session.can_write.get() && !self.busy.get()
    }

    /// Reactive: is it running?
    pub fn busy(self) -> bool {
        self.busy.get()
    }

    /// Run `work` (once at a time): on success `done` returns the sentence for the notice, if
    /// any; a failure goes in the notice as it is.
    pub fn run<T: 'static>(
        self,
        work: impl Future<Output = Result<T, AppError>> + 'static,
        done: impl FnOnce(T) -> Option<String> + 'static,
    ) {
        let notice = self.notice;
        self.run_then(work, move |result| {
            let said = match result {
                Ok(v) => done(v).map(Notice::Done),
                Err(e) => Some(Notice::Failed(e)),
            };
            if let (Some(notice), Some(said)) = (notice, said) {
                let _ = notice.try_set(Some(said));
            }
        });
    }

    /// Run `work` (once at a time) and hand its result to `then`, which says what it means.
    pub fn run_then<T: 'static>(
        self,
        work: impl Future<Output = Result<T, AppError>> + 'static,
        then: impl FnOnce(Result<T, AppError>) + 'static,
    ) {
        if self.busy.get_untracked() {
            return;
        }
        self.busy.set(true);
        leptos::task::spawn_local(async move {
            let result = work.await;
            // A read the view asked for ended with it: nothing to say, and nothing stays busy
            // if the view is still there after all.
            if matches!(result, Err(AppError::Canceled)) {
                let _ = self.busy.try_set(false);
                return;
            }
            then(result);
            let _ = self.busy.try_set(false);
        });
    }
}
