//! What is wrong with a form, field by field: the same checks as the API run before sending
//! (`local`), and what the server said when it refused anyway (`server`). A refusal of either
//! kind moves focus to the first field in error (or to the form's error) and brings it into the
//! host's view; fields say they are invalid and name their message (`aria-invalid`,
//! `aria-describedby` → [`FieldError`]).

use crate::error::AppError;
use crate::ui::{Focus, param_error, use_focus};
use leptos::prelude::*;
use meshes_protocol::api::ParamError;

#[derive(Clone, Copy)]
pub struct FormErrors {
    local: RwSignal<Vec<ParamError>>,
    server: RwSignal<Option<AppError>>,
    form: NodeRef<leptos::html::Form>,
    focus: Focus,
}

impl Default for FormErrors {
    fn default() -> Self {
        FormErrors {
            local: RwSignal::new(vec![]),
            server: RwSignal::new(None),
            form: NodeRef::new(),
            focus: use_focus(),
        }
    }
}

impl FormErrors {
    /// The form these errors belong to (`node_ref=errors.form()`).
    pub fn form(self) -> NodeRef<leptos::html::Form> {
        self.form
    }

    /// Before sending: keep the local checks' findings; true when there is nothing to fix.
    pub fn check(self, errors: Vec<ParamError>) -> bool {
        let ok = errors.is_empty();
        self.local.set(errors);
        self.server.set(None);
        if !ok {
            self.show_first();
        }
        ok
    }

    /// The server refused: its per-field errors show next to the fields, the rest above.
    pub fn refused(self, e: AppError) {
        if self.server.try_set(Some(e)).is_none() {
            self.show_first();
        }
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

    /// Reactive: `aria-invalid` for the field of `param`.
    pub fn invalid(self, param: &str) -> Option<&'static str> {
        self.of(param).map(|_| "true")
    }

    /// Reactive: the server's refusal, for the error state under the form.
    pub fn server(self) -> Option<AppError> {
        self.server.get()
    }

    fn show_first(self) {
        if let Some(form) = self.form.get_untracked() {
            self.focus.first_error(form.into());
        }
    }
}

/// The message under a field; the field names it with `aria-describedby=id`.
#[component]
pub fn FieldError(errors: FormErrors, #[prop(into)] param: String, id: String) -> impl IntoView {
    view! {
        <p class="field-error" id=id>
            {move || errors.of(&param)}
        </p>
    }
}
