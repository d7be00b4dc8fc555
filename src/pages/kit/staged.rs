//! Long lists shown in steps, so no single task builds a whole table.

use leptos::prelude::*;

/// Rows built per task for long lists ([`staged`]).
pub const STAGE_ROWS: usize = 6;

/// A long list shown in steps: the first [`STAGE_ROWS`] items at once, then as many more per
/// task, so no single task builds a whole table (a phone-class CPU spends about 2 ms per row, and
/// a task over 50 ms janks the host page too). The host's frame size waits for the last step:
/// one `meshes:resize` for the list, not one per step.
pub fn staged<T: Clone + Send + Sync + 'static>(items: RwSignal<Vec<T>>) -> Signal<Vec<T>> {
    let shown = RwSignal::new(STAGE_ROWS);
    let hold = StoredValue::new_local(None::<crate::host::resize::Hold>);
    Effect::new(move |_| {
        let (len, now) = (items.with(Vec::len), shown.get());
        if now < len {
            hold.update_value(|h| {
                h.get_or_insert_with(crate::host::resize::hold);
            });
            set_timeout(
                move || {
                    let _ = shown.try_update(|n| *n += STAGE_ROWS);
                },
                std::time::Duration::ZERO,
            );
        } else {
            hold.set_value(None);
        }
    });
    Signal::derive(move || items.with(|v| v[..shown.get().min(v.len())].to_vec()))
}
