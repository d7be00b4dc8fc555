//! Where focus goes: into a form that opened, to the first error after a failed submit, back to
//! what opened something when it closes, and to a notice when the control the user was on is
//! gone. What gets focus is also brought into the host page's view (`meshes:scroll-into-view`):
//! the frame is as tall as its content, so only the host can scroll to it.

use crate::session::Session;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

/// Frames to wait for a target to render or to become enabled (about a second).
const TRIES: u32 = 60;

const FIELDS: &str = "input:not([type=hidden]):not([disabled]), select:not([disabled]), \
                      textarea:not([disabled])";
const ERRORS: &str = "[aria-invalid='true'], .error-state";

#[derive(Clone, Copy)]
pub struct Focus {
    session: Option<Session>,
}

/// The focus handle of the current component's session (tests without one just move focus).
pub fn use_focus() -> Focus {
    Focus {
        session: use_context::<Session>(),
    }
}

impl Focus {
    /// Focus the first element matching `selector` once it is there and can take focus (it may
    /// render on a later frame, or be a button that is off until a change ends).
    pub fn later(self, selector: impl Into<String>) {
        self.attempt(None, selector.into(), None, TRIES);
    }

    /// A form opened: its first field takes focus, and the whole form is brought into view.
    pub fn form_opened(self, form: Element) {
        self.attempt(Some(form.clone()), FIELDS.into(), Some(form), TRIES);
    }

    /// A submit failed: the first field in error, or the error shown for the whole form.
    pub fn first_error(self, form: Element) {
        self.attempt(Some(form), ERRORS.into(), None, TRIES);
    }

    /// A new message appeared in `slot` (once rendered, its first element): it takes focus only
    /// if the control the user was on is gone (a row that was deleted, a form that closed), so
    /// nobody is sent back to the start of the page; either way the host brings it into view.
    pub fn announce(self, slot: Element) {
        request_animation_frame(move || {
            let Some(el) = slot.first_element_child() else {
                return;
            };
            if focus_lost()
                && let Some(h) = el.dyn_ref::<HtmlElement>()
            {
                let _ = h.focus();
            }
            self.reveal(&el);
        });
    }

    /// Ask the host to scroll `el` into view, if it is out of sight.
    pub fn reveal(self, el: &Element) {
        if let Some(s) = self.session {
            crate::host::scroll::reveal(&s.bridge(), el);
        }
    }

    fn attempt(self, root: Option<Element>, selector: String, show: Option<Element>, tries: u32) {
        request_animation_frame(move || {
            let found = match &root {
                Some(r) if r.is_connected() => r.query_selector(&selector).ok().flatten(),
                Some(_) => return,
                None => document().query_selector(&selector).ok().flatten(),
            };
            if let Some(el) = found.and_then(|e| e.dyn_into::<HtmlElement>().ok()) {
                let _ = el.focus();
                if is_active(&el) {
                    self.reveal(show.as_ref().unwrap_or(&el));
                    return;
                }
            }
            if tries > 0 {
                self.attempt(root, selector, show, tries - 1);
            }
        });
    }
}

fn is_active(el: &HtmlElement) -> bool {
    document()
        .active_element()
        .is_some_and(|a| a.is_same_node(Some(el)))
}

/// Focus is on an element inside the first match of `selector`.
pub fn focus_within(selector: &str) -> bool {
    let doc = document();
    let Some(active) = doc.active_element() else {
        return false;
    };
    doc.query_selector(selector)
        .ok()
        .flatten()
        .is_some_and(|root| root.contains(Some(&active)))
}

/// Focus is nowhere useful: on the body, or on an element that was removed.
pub fn focus_lost() -> bool {
    let doc = document();
    doc.active_element()
        .is_none_or(|a| !a.is_connected() || doc.body().is_some_and(|b| a.is_same_node(Some(&b))))
}
