//! Every word the embed shows comes from a message catalog (decision 94): `locales/en.json` is
//! compiled in; the others (`fr`, `de`, `ar`) are fetched from the embed's own origin the first
//! time they are used ([`load`]). A key the active catalog lacks falls back to English.
//!
//! Views take [`tr`] (a closure, so the text follows a live switch); code that builds a string
//! inside a reactive closure takes [`t`], [`tf`] (with `{slots}`) or [`tp`] (plural forms).
//! Dates, numbers and relative times come from the same locale through `Intl` ([`Formats`]).

mod catalog;
mod intl;
pub mod load;

pub use catalog::{Catalog, Msg, fill, slots};
pub use intl::Formats;
pub use load::{request, use_english, wanted_by_browser};

use leptos::prelude::{ArcTrigger, Notify, Track};
use std::cell::{OnceCell, RefCell};
use std::rc::Rc;

/// The compiled-in catalog.
pub const ENGLISH: &str = include_str!("../../locales/en.json");

struct Active {
    /// `None`: English.
    catalog: Option<Rc<Catalog>>,
    tag: String,
    /// Built the first time a date, number or plural needs them (texts alone never do).
    formats: OnceCell<Formats>,
}

impl Active {
    fn new(tag: &str, catalog: Option<Rc<Catalog>>) -> Active {
        Active {
            catalog,
            tag: tag.to_owned(),
            formats: OnceCell::new(),
        }
    }

    fn formats(&self) -> &Formats {
        self.formats.get_or_init(|| Formats::new(&self.tag))
    }
}

thread_local! {
    static EN: Catalog = Catalog::parse(ENGLISH).unwrap_or_default();
    static ACTIVE: RefCell<Active> = RefCell::new(Active::new("en", None));
    /// Every text read through this module subscribes to this; a switch notifies it.
    static CHANGED: ArcTrigger = ArcTrigger::new();
}

/// Make `catalog` (with `Intl` for `tag`) the language of every text from now on.
fn activate(tag: &str, catalog: Option<Rc<Catalog>>) {
    ACTIVE.with_borrow_mut(|a| *a = Active::new(tag, catalog));
    CHANGED.with(ArcTrigger::notify);
}

/// Subscribe the running effect, if any, to a switch (a click handler reading a text has
/// nothing to subscribe).
fn track() {
    if leptos::reactive::graph::Observer::get().is_some() {
        CHANGED.with(ArcTrigger::track);
    }
}

/// Run `f` on the message for `key` (active catalog, else English) and the active locale.
fn with_msg<R>(key: &str, f: impl FnOnce(Option<&Msg>, &Active) -> R) -> R {
    track();
    ACTIVE.with_borrow(|a| match a.catalog.as_deref().and_then(|c| c.get(key)) {
        Some(msg) => f(Some(msg), a),
        None => EN.with(|en| f(en.get(key), a)),
    })
}

/// The text for `key`. A key no catalog has shows as itself (a test keeps that from shipping).
pub fn t(key: &'static str) -> String {
    tf(key, &[])
}

/// The text for `key` with its `{name}` slots filled.
pub fn tf(key: &'static str, args: &[(&str, &str)]) -> String {
    with_msg(key, |msg, _| {
        msg.map_or_else(|| key.to_owned(), |m| fill(m.form("other"), args))
    })
}

/// The form of `key` for `count` in the locale's plural rules, `{count}` in its digits.
pub fn tp(key: &'static str, count: usize, args: &[(&str, &str)]) -> String {
    with_msg(key, |msg, active| {
        let formats = active.formats();
        let number = formats.number(count);
        let mut all = vec![("count", number.as_str())];
        all.extend_from_slice(args);
        msg.map_or_else(
            || key.to_owned(),
            |m| fill(m.form(&formats.category(count)), &all),
        )
    })
}

/// [`t`] as a view child or attribute value: re-read when the language changes.
pub fn tr(key: &'static str) -> impl Fn() -> String + Copy + Send + Sync + 'static {
    move || t(key)
}

/// The active locale's formatters (tracked, like the texts).
pub fn formats<R>(f: impl FnOnce(&Formats) -> R) -> R {
    track();
    ACTIVE.with_borrow(|a| f(a.formats()))
}

/// A count in the locale's digits and grouping.
pub fn number(n: usize) -> String {
    formats(|f| f.number(n))
}

#[cfg(test)]
mod tests;
