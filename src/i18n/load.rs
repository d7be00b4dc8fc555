//! Choosing the language and fetching its catalog. A request names a tag; its catalog is the
//! tag's language if shipped, else English. A catalog not yet here is fetched from
//! `/locales/<lang>.json` on the embed's origin through the API transport (so the CSP needs no
//! new source and tests answer it like any request); until it arrives, the current language
//! stays. Only the newest request is applied: a slow French catalog cannot undo a later German.

use super::{Catalog, activate};
use crate::api::{ApiRequest, Transport, send_raw};
use meshes_protocol::locale::{self, is_rtl};
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

thread_local! {
    static LOADED: RefCell<HashMap<&'static str, Rc<Catalog>>> = RefCell::new(HashMap::new());
    /// The newest request: its tag and catalog. A fetch that lands applies only if its
    /// catalog is still the one wanted, with the tag wanted now.
    static WANTED: RefCell<(String, &'static str)> = RefCell::new(("en".to_owned(), "en"));
    /// Catalogs on their way (a second request for one waits for the same answer).
    static FETCHING: RefCell<HashSet<&'static str>> = RefCell::new(HashSet::new());
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
    WANTED.with_borrow_mut(|w| *w = (tag.clone(), lang));
    if lang == "en" {
        return show(&tag, lang, None);
    }
    if let Some(catalog) = LOADED.with_borrow(|l| l.get(lang).cloned()) {
        return show(&tag, lang, Some(catalog));
    }
    if !FETCHING.with_borrow_mut(|f| f.insert(lang)) {
        return;
    }
    leptos::task::spawn_local(async move {
        let path = format!("/locales/{lang}.json");
        let fetched = send_raw(&transport, ApiRequest::get(path)).await;
        FETCHING.with_borrow_mut(|f| f.remove(lang));
        // Refused whole if it does not parse: a half-read catalog would mix languages.
        match fetched.map(|json| Catalog::parse(&json)) {
            Ok(Ok(catalog)) => {
                let catalog = Rc::new(catalog);
                LOADED.with_borrow_mut(|l| l.insert(lang, catalog.clone()));
                let (tag, still) = WANTED.with_borrow(Clone::clone);
                if still == lang {
                    show(&tag, lang, Some(catalog));
                }
            }
            // The language stays as it is; the next request for it tries again.
            _ => leptos::logging::warn!("meshes-embed: the {lang} catalog could not be loaded"),
        }
    });
}

/// Back to English, with no catalog fetched yet: where each test starts (a session never
/// needs it).
pub fn use_english() {
    WANTED.with_borrow_mut(|w| *w = ("en".to_owned(), "en"));
    LOADED.with_borrow_mut(HashMap::clear);
    FETCHING.with_borrow_mut(HashSet::clear);
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
