//! The iframe side of the postMessage contract.
//!
//! Inbound: trusted event, sent by `window.parent`, from the bound origin, a plain object with a
//! short string `type`, then field-by-field checks — each step drops silently (docs/contract.md §3). Fields are
//! read one by one with `Reflect`, never by decoding the whole object, so depth and size bombs
//! never reach a decoder. Outbound: always to the bound origin, never `'*'` (docs/contract.md §3).

use js_sys::{Object, Reflect};
use meshes_protocol::message::{self, Reject};
use meshes_protocol::{EmbedMessage, HostMessage};
use std::sync::{Arc, Mutex};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::MessageEvent;

#[derive(Clone)]
pub struct Bridge {
    target: Target,
}

#[derive(Clone)]
enum Target {
    /// The parent window, at exactly this origin.
    Parent(String),
    /// Tests: keep what would have been posted.
    Record(Arc<Mutex<Vec<EmbedMessage>>>),
}

impl Bridge {
    pub fn to_parent(origin: String) -> Bridge {
        Bridge {
            target: Target::Parent(origin),
        }
    }

    pub fn recording() -> (Bridge, Arc<Mutex<Vec<EmbedMessage>>>) {
        let log = Arc::new(Mutex::new(vec![]));
        (
            Bridge {
                target: Target::Record(log.clone()),
            },
            log,
        )
    }

    pub fn parent_origin(&self) -> Option<&str> {
        match &self.target {
            Target::Parent(o) => Some(o),
            Target::Record(_) => None,
        }
    }

    pub fn post(&self, msg: &EmbedMessage) {
        match &self.target {
            Target::Parent(origin) => {
                let Some(parent) = web_sys::window().and_then(|w| w.parent().ok().flatten()) else {
                    return;
                };
                // One serializer in the bundle: serde_json, then the browser's JSON.parse.
                let value = serde_json::to_string(msg)
                    .ok()
                    .and_then(|text| js_sys::JSON::parse(&text).ok());
                if let Some(value) = value {
                    let _ = parent.post_message(&value, origin);
                }
            }
            Target::Record(log) => {
                if let Ok(mut log) = log.lock() {
                    log.push(msg.clone());
                }
            }
        }
    }
}

/// What the loader (`assets/boot.js`) did before the runtime listened: the origin it already
/// posted `meshes:ready` to, the `message` events it kept, unread, in arrival order, and how
/// many it dropped (not from the parent). `complete`: nothing from the parent was turned away
/// (else the runtime asks the host again).
#[derive(Default)]
pub struct Early {
    pub ready_to: Option<String>,
    pub pending: Vec<MessageEvent>,
    pub dropped: u32,
    pub complete: bool,
}

const EARLY: &str = "__meshesEarly";

/// Take over from the loader's listener (once): it stops keeping messages, and what it kept is
/// returned for the same checks as live ones. Without a loader (tests, unframed) it is empty.
pub fn take_early() -> Early {
    let Some(w) = web_sys::window() else {
        return Early::default();
    };
    let w: JsValue = w.into();
    let early = Reflect::get(&w, &EARLY.into()).unwrap_or_default();
    let _ = Reflect::delete_property(w.unchecked_ref::<Object>(), &EARLY.into());
    if !early.is_object() {
        return Early::default();
    }
    let get = |key: &str| Reflect::get(&early, &key.into()).unwrap_or_default();
    if let Ok(stop) = get("stop").dyn_into::<js_sys::Function>() {
        let _ = stop.call0(&JsValue::UNDEFINED);
    }
    let pending = get("inbox")
        .dyn_into::<js_sys::Array>()
        .map(|a| a.iter().filter_map(|e| e.dyn_into().ok()).collect())
        .unwrap_or_default();
    Early {
        ready_to: get("ready").as_string(),
        pending,
        dropped: get("dropped").as_f64().map_or(0, |n| n as u32),
        complete: get("overflowed") == JsValue::FALSE,
    }
}

/// Are we inside a frame at all? (`window.parent !== window`)
pub fn is_framed() -> bool {
    let Some(w) = web_sys::window() else {
        return false;
    };
    match w.parent() {
        Ok(Some(p)) => !Object::is(&p, &w),
        _ => false,
    }
}

/// The embedding page's origin as the browser reports it: `location.ancestorOrigins[0]`
/// (Chromium, WebKit), else the origin of `document.referrer`.
pub fn observed_parent_origin() -> Option<String> {
    let w = web_sys::window()?;
    let from_ancestors = Reflect::get(&w.location(), &"ancestorOrigins".into())
        .ok()
        .filter(|l| !l.is_undefined() && !l.is_null())
        .and_then(|list| Reflect::get(&list, &0.into()).ok())
        .and_then(|o| o.as_string());
    from_ancestors.or_else(|| {
        let referrer = w.document()?.referrer();
        web_sys::Url::new(&referrer)
            .ok()
            .map(|u| u.origin())
            .filter(|o| o != "null")
    })
}

/// Run the inbound checks on one `message` event. `parent` is the window the message must come
/// from; `origin` the exact origin it must carry.
pub fn inspect(ev: &MessageEvent, origin: &str, parent: &JsValue) -> Result<HostMessage, Reject> {
    if !ev.is_trusted() {
        return Err(Reject::Source);
    }
    match ev.source() {
        Some(src) if Object::is(&src, parent) => {}
        _ => return Err(Reject::Source),
    }
    if ev.origin() != origin || origin == "null" {
        return Err(Reject::Origin);
    }
    let data = ev.data();
    if !is_plain_object(&data) {
        return Err(Reject::Shape);
    }
    message::decode(&JsFields(&data))
}

/// A JS object's own fields, read one at a time (never the whole object).
struct JsFields<'a>(&'a JsValue);

impl message::MessageFields for JsFields<'_> {
    fn string(&self, key: &str, max: usize) -> Option<String> {
        short_string(self.0, key, max)
    }

    fn number(&self, key: &str) -> message::Num {
        match Reflect::get(self.0, &key.into()) {
            Ok(v) if v.is_undefined() || v.is_null() => message::Num::Absent,
            Ok(v) => v
                .as_f64()
                .map_or(message::Num::NotANumber, message::Num::Number),
            Err(_) => message::Num::NotANumber,
        }
    }

    fn nested_string(&self, outer: &str, key: &str, max: usize) -> Option<String> {
        let inner = Reflect::get(self.0, &outer.into()).ok()?;
        is_plain_object(&inner).then(|| short_string(&inner, key, max))?
    }
}

/// `{...}` created by an object literal or JSON (prototype is `Object.prototype` or null):
/// rejects arrays, Blobs, Files, Maps, Dates, Errors and other structured-clone types.
fn is_plain_object(v: &JsValue) -> bool {
    if !v.is_object() || js_sys::Array::is_array(v) {
        return false;
    }
    let proto = Object::get_prototype_of(v);
    proto.is_null() || Object::is(&proto, &Object::get_prototype_of(&Object::new()))
}

/// Read an own string property without copying more than `max` UTF-16 units into Rust.
fn short_string(obj: &JsValue, key: &str, max: usize) -> Option<String> {
    let v = Reflect::get(obj, &key.into()).ok()?;
    let s = v.dyn_ref::<js_sys::JsString>()?;
    if s.length() as usize > max {
        return None;
    }
    s.as_string()
}
