//! `meshes:resize`: report the content height to the host, at most once per animation frame and
//! only when it changed — and only once it has settled: while a skeleton stands in for content
//! that is on its way (a page switch, a page's code or data loading), reports wait ([`hold`]), so
//! a switch costs the host one resize, not one for the skeleton and one for the page. A hold
//! that lasts longer than [`MAX_HOLD_MS`] (a slow network) reports anyway.
//!
//! We measure the app's root element, whose height depends on content only (no `vh`, no
//! `height: 100%` in our CSS), so the host applying the height cannot change what we measure:
//! no feedback loop.

use crate::host::bridge::Bridge;
use meshes_protocol::EmbedMessage;
use std::cell::{Cell, RefCell};
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

    /// Called for every observer notification; measures in the next animation frame, unless
    /// the content is still settling ([`hold`]): then when it has (or the hold is too long).
    pub fn schedule(&self, el: web_sys::Element) {
        if self.pending.replace(true) {
            return;
        }
        let this = self.clone();
        leptos::prelude::request_animation_frame(move || {
            this.pending.set(false);
            match held_for_ms() {
                Some(ms) if ms < MAX_HOLD_MS => this.defer(el, MAX_HOLD_MS - ms),
                _ => {
                    settled();
                    this.report(el.get_bounding_client_rect().height());
                }
            }
        });
    }

    /// Measure again when the last hold is released, or after `ms` at the latest (one timer
    /// at a time, however many notifications arrive meanwhile).
    fn defer(&self, el: web_sys::Element, ms: f64) {
        let this = self.clone();
        DEFERRED.with(|d| *d.borrow_mut() = Some(Box::new(move || this.schedule(el))));
        if TIMER.with(|t| t.replace(true)) {
            return;
        }
        // The timer runs whatever waits when it fires (never a reporter it captured, which
        // may have been replaced since).
        leptos::prelude::set_timeout(
            || {
                TIMER.with(|t| t.set(false));
                if let Some(measure) = DEFERRED.with(|d| d.borrow_mut().take()) {
                    measure();
                }
            },
            std::time::Duration::from_millis(ms.ceil() as u64),
        );
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

/// How long a skeleton may keep the host's frame at its old height.
pub const MAX_HOLD_MS: f64 = 1000.0;

thread_local! {
    /// Open holds, and since when the content has been unsettled (ms, `performance.now()`):
    /// from the first hold until a measurement with none open, so skeletons handing over to
    /// each other (the page's code, then its data) share one limit.
    static HOLDS: Cell<(u32, Option<f64>)> = const { Cell::new((0, None)) };
    /// The measurement that waits for the holds to end.
    static DEFERRED: RefCell<Option<Box<dyn FnOnce()>>> = const { RefCell::new(None) };
    /// A limit timer is pending.
    static TIMER: Cell<bool> = const { Cell::new(false) };
}

/// A measurement is reported: nothing waits for it any more, and with no hold open the
/// content is settled.
fn settled() {
    DEFERRED.with(|d| d.borrow_mut().take());
    HOLDS.with(|h| {
        if let (0, Some(_)) = h.get() {
            h.set((0, None));
        }
    });
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// How long the content has been settling, if it is.
fn held_for_ms() -> Option<f64> {
    let (count, since) = HOLDS.with(Cell::get);
    (count > 0).then(|| since.map_or(0.0, |since| now_ms() - since))
}

/// While this lives, the content is not settled: a placeholder stands in for what is loading.
pub struct Hold(());

/// Hold resize reports until the returned guard is dropped (see the module docs).
pub fn hold() -> Hold {
    HOLDS.with(|h| {
        let (count, since) = h.get();
        h.set((count + 1, since.or_else(|| Some(now_ms()))));
    });
    Hold(())
}

/// A [`hold`] that belongs to the current reactive owner ([`owned_hold`]).
#[derive(Clone, Copy)]
pub struct OwnedHold(leptos::prelude::StoredValue<Option<Hold>, leptos::prelude::LocalStorage>);

/// Hold resize reports until [`OwnedHold::release`] or until the current reactive owner is
/// cleaned up, whichever comes first.
pub fn owned_hold() -> OwnedHold {
    use leptos::prelude::*;
    let held = StoredValue::new_local(Some(hold()));
    on_cleanup(move || drop(held.try_update_value(Option::take)));
    OwnedHold(held)
}

impl OwnedHold {
    pub fn release(self) {
        use leptos::prelude::*;
        drop(self.0.try_update_value(Option::take));
    }
}

impl Drop for Hold {
    fn drop(&mut self) {
        let left = HOLDS.with(|h| {
            let (count, since) = h.get();
            h.set((count.saturating_sub(1), since));
            count.saturating_sub(1)
        });
        if left == 0 {
            // The content settled: measure it, even if nothing resizes from here (the skeleton
            // may have had the page's height while the host still has the old one).
            match DEFERRED.with(|d| d.borrow_mut().take()) {
                Some(measure) => measure(),
                // Nothing was held back: the next skeleton starts its own limit.
                None => HOLDS.with(|h| h.set((0, None))),
            }
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
        // A waiting measurement would measure a detached element through an old bridge.
        DEFERRED.with(|d| d.borrow_mut().take());
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
