//! The end of a form: what the server refused, the submit button (off while saving or while
//! the session can't write) and Cancel.

use super::{FormErrors, Mutation};
use crate::ui::ErrorState;
use leptos::prelude::*;

#[component]
pub fn FormActions(
    /// The submit button's id.
    id: &'static str,
    label: &'static str,
    save: Mutation,
    errors: FormErrors,
    on_cancel: Callback<()>,
) -> impl IntoView {
    view! {
        {move || errors.server().map(|err| view! { <ErrorState err /> })}
        <div class="form-actions">
            <button type="submit" class="btn btn-primary" id=id disabled=move || !save.ready()>
                {move || if save.busy() { "Saving…" } else { label }}
            </button>
            <button type="button" class="btn" on:click=move |_| on_cancel.run(())>
                "Cancel"
            </button>
        </div>
    }
}
