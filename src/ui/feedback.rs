//! What an action says back: the page's notice, a confirm-in-place button, per-field errors.

use super::ErrorState;
use crate::error::AppError;
use leptos::prelude::*;

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
}

#[component]
pub fn NoticeView(notice: RwSignal<Option<Notice>>) -> impl IntoView {
    move || match notice.get() {
        None => None,
        Some(Notice::Done(text)) => Some(
            view! {
                <p class="notice-ok" role="status">
                    {text}
                </p>
            }
            .into_any(),
        ),
        Some(Notice::Failed(err)) => Some(view! { <ErrorState err /> }.into_any()),
    }
}

/// A destructive button that asks in the page instead of `window.confirm`: a host that sandboxes
/// the iframe without `allow-modals` makes `confirm()` answer "no" silently, and a real modal
/// freezes the host's whole tab. The safe choice gets focus; Escape also keeps.
#[component]
pub fn ConfirmButton(
    label: &'static str,
    #[prop(into)] question: String,
    yes: &'static str,
    class: &'static str,
    #[prop(into)] enabled: Signal<bool>,
    on_yes: Callback<()>,
) -> impl IntoView {
    let asking = RwSignal::new(false);
    let keep = NodeRef::<leptos::html::Button>::new();
    Effect::new(move || {
        if let Some(b) = keep.get() {
            let _ = b.focus();
        }
    });
    let question = StoredValue::new(question);
    view! {
        <Show
            when=move || asking.get()
            fallback=move || {
                view! {
                    <button
                        type="button"
                        class=class
                        disabled=move || !enabled.get()
                        on:click=move |_| asking.set(true)
                    >
                        {label}
                    </button>
                }
            }
        >
            <span
                class="confirm"
                role="group"
                aria-label=label
                on:keydown=move |e| {
                    if e.key() == "Escape" {
                        asking.set(false)
                    }
                }
            >
                <span class="confirm-question">{question.get_value()}</span>
                <button
                    type="button"
                    class="btn btn-danger confirm-yes"
                    disabled=move || !enabled.get()
                    on:click=move |_| {
                        asking.set(false);
                        on_yes.run(());
                    }
                >
                    {yes}
                </button>
                <button
                    type="button"
                    class="btn confirm-no"
                    node_ref=keep
                    on:click=move |_| asking.set(false)
                >
                    "Keep"
                </button>
            </span>
        </Show>
    }
}
