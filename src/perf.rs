//! User-timing marks of the first load, for `cargo xtask bench` and for anyone measuring the
//! embed in the field: `meshes:ready` (the host was told), `meshes:auth` (the first token
//! arrived), `meshes:painted` (the first page's data is on screen: one frame after it rendered).
//! Marks are names and times only; nothing else is recorded.

use std::sync::atomic::{AtomicBool, Ordering};

pub fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}

/// Mark `name` once per document.
pub fn mark_once(flag: &AtomicBool, name: &'static str) {
    if !flag.swap(true, Ordering::Relaxed) {
        mark(name);
    }
}

static PAINTED: AtomicBool = AtomicBool::new(false);

/// The first page's data rendered: mark it when the frame that shows it is painted.
pub fn first_data_rendered() {
    if !PAINTED.load(Ordering::Relaxed) {
        leptos::prelude::request_animation_frame(|| {
            if !PAINTED.load(Ordering::Relaxed) {
                mark_once(&PAINTED, "meshes:painted");
                crate::pages::lazy::prefetch_after_first_paint();
            }
        });
    }
}
