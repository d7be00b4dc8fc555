//! What an action says back: the page's notice, a confirm-in-place button, per-field errors.

use super::{ErrorState, use_focus};
use crate::error::AppError;
use crate::i18n::{t, tf, tr};
use leptos::prelude::*;
use leptos::text_prop::TextProp;

/// The message a failed form save shows next to one input, if the server named it.
pub fn param_error(err: &Option<AppError>, param: &str) -> Option<String> {
    match err {
        Some(AppError::Http { body: Some(b), .. }) => b
            .params()
            .iter()
            .find(|p| p.param == param)
            .map(|p| p.msg.clone()),
        _ => None,
    }
}

/// Outcome of the last action on a page: a success line, or the error state.
#[derive(Clone, Debug)]
pub enum Notice {
    Done(String),
    Failed(AppError),
    /// Something the user started ended badly, told in the page's words (a retry that failed).
    Problem(String),
}

/// The notice, brought into the host's view whenever it changes (and focused if the control
/// the user was on went away with the change).
#[component]
pub fn NoticeView(notice: RwSignal<Option<Notice>>) -> impl IntoView {
    let slot = NodeRef::<leptos::html::Div>::new();
    let focus = use_focus();
    Effect::new(move |_| {
        let shown = notice.with(Option::is_some);
        if let (true, Some(el)) = (shown, slot.get_untracked()) {
            focus.announce(el.into());
        }
    });
    view! {
        <div class="notice-slot" node_ref=slot>
            {move || match notice.get() {
                None => None,
                Some(Notice::Done(text)) => {
                    Some(
                        view! {
                            <p class="notice-ok" role="status" tabindex="-1">
                                {text}
                            </p>
                        }
                            .into_any(),
                    )
                }
                Some(Notice::Failed(err)) => Some(view! { <ErrorState err /> }.into_any()),
                Some(Notice::Problem(text)) => {
                    Some(
                        view! {
                            <p class="notice-bad" role="alert" tabindex="-1">
                                {text}
                            </p>
                        }
                            .into_any(),
                    )
                }
            }}
        </div>
    }
}

/// A destructive button that asks in the page instead of `window.confirm`: a host that sandboxes
/// the iframe without `allow-modals` makes `confirm()` answer "no" silently, and a real modal
/// freezes the host's whole tab. The safe choice gets focus; Escape also keeps.
#[component]
pub fn ConfirmButton(
    /// Catalog key of the button (and of the question's group name).
    label: &'static str,
    /// What it acts on, for its accessible name ("Delete Order Webhook"): lists repeat the
    /// button on every row.
    #[prop(optional, into)]
    what: Option<String>,
    #[prop(into)] question: TextProp,
    /// Catalog key of the button that does it.
    yes: &'static str,
    class: &'static str,
    #[prop(into)] enabled: Signal<bool>,
    on_yes: Callback<()>,
) -> impl IntoView {
    let what = StoredValue::new(what);
    let aria_label = move || {
        what.with_value(|w| {
            w.as_ref()
                .map(|w| tf("label.action_on", &[("action", &t(label)), ("name", w)]))
        })
    };
    let question = StoredValue::new(question);
    let asking = RwSignal::new(false);
    let keep = NodeRef::<leptos::html::Button>::new();
    let trigger = NodeRef::<leptos::html::Button>::new();
    // Keep and Escape give focus back to the button that asked.
    let give_back = StoredValue::new(false);
    Effect::new(move || {
        if let Some(b) = keep.get() {
            // On a busy machine the button can exist before it is in the document, where
            // focus() does nothing: then once more on the next frame.
            if b.is_connected() {
                let _ = b.focus();
            } else {
                request_animation_frame(move || {
                    let _ = b.focus();
                });
            }
        }
    });
    Effect::new(move || {
        if let Some(b) = trigger.get()
            && give_back.get_value()
        {
            give_back.set_value(false);
            let _ = b.focus();
        }
    });
    let keep_it = move || {
        give_back.set_value(true);
        asking.set(false);
    };
    view! {
        <Show
            when=move || asking.get()
            fallback=move || {
                view! {
                    <button
                        type="button"
                        class=class
                        node_ref=trigger
                        aria-label=aria_label
                        disabled=move || !enabled.get()
                        on:click=move |_| asking.set(true)
                    >
                        {tr(label)}
                    </button>
                }
            }
        >
            <span
                class="confirm"
                role="group"
                aria-label=move || aria_label().unwrap_or_else(|| t(label))
                on:keydown=move |e| {
                    if e.key() == "Escape" {
                        keep_it()
                    }
                }
            >
                <span class="confirm-question">{move || question.with_value(TextProp::get)}</span>
                <button
                    type="button"
                    class="btn btn-danger confirm-yes"
                    disabled=move || !enabled.get()
                    on:click=move |_| {
                        asking.set(false);
                        on_yes.run(());
                    }
                >
                    {tr(yes)}
                </button>
                <button
                    type="button"
                    class="btn confirm-no"
                    node_ref=keep
                    on:click=move |_| keep_it()
                >
                    {tr("common.keep")}
                </button>
            </span>
        </Show>
    }
}
