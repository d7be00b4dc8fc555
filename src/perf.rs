//! User-timing marks of the first load, for `cargo xtask bench` and for anyone measuring the
//! embed in the field: `meshes:ready` (the host was told), `meshes:auth` (the first token
//! arrived), `meshes:painted` (the first page's data is on screen: one frame after it rendered).
//! Marks are names and times only; nothing else is recorded. The loader (`assets/boot.js`) sets
//! the first two when it tells the host itself and when a token reaches it before the runtime.

use std::sync::atomic::{AtomicBool, Ordering};

/// Mark `name` once per document (the loader may have marked it already).
pub fn mark_once(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance())
        && p.get_entries_by_name(name).length() == 0
    {
        let _ = p.mark(name);
    }
}

static PAINTED: AtomicBool = AtomicBool::new(false);

/// The first page's data rendered: mark it when the frame that shows it is painted.
pub fn first_data_rendered() {
    if !PAINTED.load(Ordering::Relaxed) {
        leptos::prelude::request_animation_frame(|| {
            if !PAINTED.load(Ordering::Relaxed) {
                PAINTED.store(true, Ordering::Relaxed);
                mark_once("meshes:painted");
                crate::pages::lazy::prefetch_after_first_paint();
            }
        });
    }
}
