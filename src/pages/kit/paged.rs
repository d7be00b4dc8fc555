//! A cursor-paginated list: the first page comes with the view, "Load more" appends the next.

use crate::error::AppError;
use crate::i18n::t;
use crate::ui::ErrorState;
use leptos::prelude::*;
use meshes_protocol::api::Page;
use std::future::Future;

pub struct Paged<T: Send + Sync + 'static> {
    pub items: RwSignal<Vec<T>>,
    next: RwSignal<Option<String>>,
    loading: RwSignal<bool>,
    error: RwSignal<Option<AppError>>,
}

impl<T: Send + Sync + 'static> Clone for Paged<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Paged<T> {}

impl<T: Send + Sync + 'static> Paged<T> {
    pub fn new(first: Page<T>) -> Paged<T> {
        Paged {
            items: RwSignal::new(first.records),
            next: RwSignal::new(first.next_cursor),
            loading: RwSignal::new(false),
            error: RwSignal::new(None),
        }
    }

    /// "Load more" for this list: `fetch` gets the page after a cursor.
    pub fn more<Fut>(self, id: &'static str, fetch: impl Fn(String) -> Fut + 'static) -> AnyView
    where
        Fut: Future<Output = Result<Page<T>, AppError>> + 'static,
    {
        let fetch = StoredValue::new_local(fetch);
        let on_more = Callback::new(move |_| {
            let Some(cursor) = self.next.get_untracked() else {
                return;
            };
            if self.loading.get_untracked() {
                return;
            }
            self.loading.set(true);
            let Some(page) = fetch.try_with_value(|f| f(cursor)) else {
                return;
            };
            leptos::task::spawn_local(async move {
                match page.await {
                    Ok(page) => {
                        self.items.update(|v| v.extend(page.records));
                        self.next.set(page.next_cursor);
                        self.error.set(None);
                    }
                    Err(AppError::Canceled) => return,
                    Err(e) => self.error.set(Some(e)),
                }
                self.loading.set(false);
            });
        });
        let next = self.next;
        load_more(
            id,
            Signal::derive(move || next.with(Option::is_some)),
            self.loading,
            self.error,
            on_more,
        )
    }
}

/// The button and what went wrong with the last "Load more"; not generic, so one copy in the wasm.
fn load_more(
    id: &'static str,
    has_more: Signal<bool>,
    loading: RwSignal<bool>,
    error: RwSignal<Option<AppError>>,
    on_more: Callback<()>,
) -> AnyView {
    view! {
        {move || error.get().map(|err| view! { <ErrorState err /> })}
        <Show when=move || has_more.get()>
            <button
                type="button"
                class="btn"
                id=id
                on:click=move |_| on_more.run(())
                disabled=move || loading.get()
            >
                {move || t(if loading.get() { "common.loading_more" } else { "common.load_more" })}
            </button>
        </Show>
    }
    .into_any()
}
