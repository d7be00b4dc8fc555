//! Choosing the language and fetching its catalog. A request names a tag; its catalog is the
//! tag's language if shipped, else English. A catalog not yet here is fetched from
//! `/locales/<lang>.json` on the embed's origin through the API transport (so the CSP needs no
//! new source and tests answer it like any request); until it arrives, the current language
//! stays. Only the newest request is applied: a slow French catalog cannot undo a later German.

use super::{Catalog, activate};
use crate::api::{ApiRequest, Transport, send_raw};
use meshes_protocol::locale::{self, is_rtl};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

thread_local! {
    static LOADED: RefCell<HashMap<&'static str, Rc<Catalog>>> = RefCell::new(HashMap::new());
    /// Bumped by every request; a fetch applies its catalog only if no later request came.
    static LATEST: Cell<u32> = const { Cell::new(0) };
}

/// The browser's languages, most preferred first (what a host that says nothing gets).
pub fn wanted_by_browser() -> Vec<String> {
    let Some(nav) = web_sys::window().map(|w| w.navigator()) else {
        return vec![];
    };
    let list: Vec<String> = nav
        .languages()
        .iter()
        .filter_map(|v| v.as_string())
        .collect();
    if list.is_empty() {
        nav.language().into_iter().collect()
    } else {
        list
    }
}

/// Speak the first of `wanted` that has a catalog (English if none): at once when its catalog
/// is here, else once it has been fetched.
pub fn request(wanted: &[String], transport: Transport) {
    let (tag, lang) = locale::negotiate(wanted.iter().map(String::as_str));
    let ticket = LATEST.with(|l| {
        l.set(l.get().wrapping_add(1));
        l.get()
    });
    if lang == "en" {
        return show(&tag, lang, None);
    }
    if let Some(catalog) = LOADED.with_borrow(|l| l.get(lang).cloned()) {
        return show(&tag, lang, Some(catalog));
    }
    leptos::task::spawn_local(async move {
        let path = format!("/locales/{lang}.json");
        let fetched = send_raw(&transport, ApiRequest::get(path)).await;
        // Refused whole if it does not parse: a half-read catalog would mix languages.
        match fetched.map(|json| Catalog::parse(&json)) {
            Ok(Ok(catalog)) => {
                let catalog = Rc::new(catalog);
                LOADED.with_borrow_mut(|l| l.insert(lang, catalog.clone()));
                if LATEST.with(Cell::get) == ticket {
                    show(&tag, lang, Some(catalog));
                }
            }
            // The language stays as it is; the next request tries again.
            _ => leptos::logging::warn!("meshes-embed: the {lang} catalog could not be loaded"),
        }
    });
}

/// Back to English, with no catalog fetched yet: where each test starts (a session never
/// needs it).
pub fn use_english() {
    LATEST.with(|l| l.set(l.get().wrapping_add(1)));
    LOADED.with_borrow_mut(HashMap::clear);
    show("en", "en", None);
}

fn show(tag: &str, lang: &str, catalog: Option<Rc<Catalog>>) {
    activate(tag, catalog);
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("lang", tag);
        let _ = root.set_attribute("dir", if is_rtl(lang) { "rtl" } else { "ltr" });
    }
}
