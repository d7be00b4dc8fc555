//! `meshes:resize`: report the content height to the host, at most once per animation frame and
//! only when it changed.
//!
//! We measure the app's root element, whose height depends on content only (no `vh`, no
//! `height: 100%` in our CSS), so the host applying the height cannot change what we measure:
//! no feedback loop.

use crate::bridge::Bridge;
use meshes_protocol::EmbedMessage;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

/// Coalesces size notifications into one report per frame, skipping unchanged heights.
#[derive(Clone)]
pub struct Reporter {
    bridge: Bridge,
    last: Rc<Cell<Option<u32>>>,
    pending: Rc<Cell<bool>>,
}

impl Reporter {
    pub fn new(bridge: Bridge) -> Reporter {
        Reporter {
            bridge,
            last: Rc::new(Cell::new(None)),
            pending: Rc::new(Cell::new(false)),
        }
    }

    /// Called for every observer notification; measures in the next animation frame.
    pub fn schedule(&self, el: web_sys::Element) {
        if self.pending.replace(true) {
            return;
        }
        let this = self.clone();
        leptos::prelude::request_animation_frame(move || {
            this.pending.set(false);
            this.report(el.get_bounding_client_rect().height());
        });
    }

    /// Post the height if it is a real, new number.
    pub fn report(&self, height: f64) {
        if !height.is_finite() || height < 0.0 {
            return;
        }
        let h = height.ceil().min(f64::from(u32::MAX)) as u32;
        if self.last.replace(Some(h)) != Some(h) {
            self.bridge.post(&EmbedMessage::Resize { height: h });
        }
    }
}

/// Keeps the observer alive; disconnects on drop.
pub struct ResizeHandle {
    observer: web_sys::ResizeObserver,
    _callback: Closure<dyn FnMut(js_sys::Array, web_sys::ResizeObserver)>,
}

impl Drop for ResizeHandle {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}

pub fn observe(el: &web_sys::Element, bridge: Bridge) -> Option<ResizeHandle> {
    let reporter = Reporter::new(bridge);
    let target = el.clone();
    let callback =
        Closure::<dyn FnMut(js_sys::Array, web_sys::ResizeObserver)>::new(move |_, _| {
            reporter.schedule(target.clone());
        });
    let observer = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()).ok()?;
    observer.observe(el);
    Some(ResizeHandle {
        observer,
        _callback: callback,
    })
}
