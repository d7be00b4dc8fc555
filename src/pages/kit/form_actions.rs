//! The end of a form: what the server refused, the submit button (off while saving or while
//! the session can't write) and Cancel.

use super::{FormErrors, Mutation};
use crate::i18n::{t, tr};
use crate::ui::ErrorState;
use leptos::prelude::*;

#[component]
pub fn FormActions(
    /// The submit button's id.
    id: &'static str,
    /// Catalog key of the submit button.
    label: &'static str,
    save: Mutation,
    errors: FormErrors,
    on_cancel: Callback<()>,
) -> impl IntoView {
    view! {
        {move || errors.server().map(|err| view! { <ErrorState err /> })}
        <div class="form-actions">
            <button type="submit" class="btn btn-primary" id=id disabled=move || !save.ready()>
                {move || t(if save.busy() { "common.saving" } else { label })}
            </button>
            <button type="button" class="btn" on:click=move |_| on_cancel.run(())>
                {tr("common.cancel")}
            </button>
        </div>
    }
}
