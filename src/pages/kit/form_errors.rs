//! What is wrong with a form, field by field: the same checks as the API run before sending
//! (`local`), and what the server said when it refused anyway (`server`).

use crate::error::AppError;
use crate::ui::param_error;
use leptos::prelude::*;
use meshes_protocol::api::ParamError;

#[derive(Clone, Copy)]
pub struct FormErrors {
    local: RwSignal<Vec<ParamError>>,
    server: RwSignal<Option<AppError>>,
}

impl Default for FormErrors {
    fn default() -> Self {
        FormErrors {
            local: RwSignal::new(vec![]),
            server: RwSignal::new(None),
        }
    }
}

impl FormErrors {
    /// Before sending: keep the local checks' findings; true when there is nothing to fix.
    pub fn check(self, errors: Vec<ParamError>) -> bool {
        let ok = errors.is_empty();
        self.local.set(errors);
        self.server.set(None);
        ok
    }

    /// The server refused: its per-field errors show next to the fields, the rest above.
    pub fn refused(self, e: AppError) {
        let _ = self.server.try_set(Some(e));
    }

    pub fn clear(self) {
        self.local.set(vec![]);
        self.server.set(None);
    }

    /// Reactive: what is wrong with `param`, if anything.
    pub fn of(self, param: &str) -> Option<String> {
        self.local
            .with(|l| l.iter().find(|e| e.param == param).map(|e| e.msg.clone()))
            .or_else(|| self.server.with(|s| param_error(s, param)))
    }

    /// Reactive: the server's refusal, for the error state under the form.
    pub fn server(self) -> Option<AppError> {
        self.server.get()
    }
}
