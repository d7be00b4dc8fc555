//! The states every page shares: its header, loading skeleton, error with remedy, read-only note.

use crate::error::AppError;
use crate::i18n::tr;
use leptos::prelude::*;
use leptos::text_prop::TextProp;

#[component]
pub fn PageHeader(
    #[prop(into)] title: TextProp,
    #[prop(into, optional)] subtitle: Option<TextProp>,
) -> impl IntoView {
    view! {
        <div class="page-header">
            <h1>{move || title.get()}</h1>
            {subtitle.map(|s| view! { <p class="subtitle">{move || s.get()}</p> })}
        </div>
    }
}

/// What went wrong and who can fix it; optional retry.
#[component]
pub fn ErrorState(
    err: AppError,
    #[prop(optional, into)] retry: Option<Callback<()>>,
) -> impl IntoView {
    let retry = retry.filter(|_| err.is_retryable() || matches!(err, AppError::Http { .. }));
    let err = StoredValue::new(err);
    view! {
        <div class="error-state" role="alert" tabindex="-1">
            <p class="error-title">{move || err.with_value(AppError::message)}</p>
            <p class="error-remedy">{move || err.with_value(AppError::remedy)}</p>
            {retry
                .map(|cb| {
                    view! {
                        <button type="button" class="btn" on:click=move |_| cb.run(())>
                            {tr("common.try_again")}
                        </button>
                    }
                })}
        </div>
    }
}

/// Placeholder rows shaped like the content, so nothing jumps when data arrives.
#[component]
pub fn Skeleton(#[prop(default = 3)] rows: usize) -> impl IntoView {
    // Its height is not the page's: the host hears of the size once the content is here.
    crate::host::resize::owned_hold();
    view! {
        <div class="skeleton" aria-busy="true" aria-label=tr("common.loading")>
            {(0..rows).map(|_| view! { <div class="skeleton-row"></div> }).collect_view()}
        </div>
    }
}

/// Why the controls of a page are missing, in one line, instead of silently hiding them.
#[component]
pub fn ReadOnlyNote(#[prop(into)] reason: TextProp) -> impl IntoView {
    view! {
        <p class="note" role="note">
            {move || reason.get()}
        </p>
    }
}
