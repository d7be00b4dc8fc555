//! One catalog: key → message, as JSON (`locales/<lang>.json`). A message is a string with
//! `{name}` slots, or its plural forms by CLDR category (`{"one": "…", "other": "…"}`), where
//! `{count}` is the number in the locale's digits.

use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    Text(String),
    /// CLDR category (`zero`, `one`, `two`, `few`, `many`, `other`) → form.
    Plural(HashMap<String, String>),
}

#[derive(Debug, Default, Clone, PartialEq, Deserialize)]
#[serde(transparent)]
pub struct Catalog(HashMap<String, Msg>);

impl Catalog {
    /// A catalog from its JSON, or why not: anything but an object of strings and plural
    /// objects is refused whole (a half-read catalog would mix languages at random).
    pub fn parse(json: &str) -> Result<Catalog, serde_json::Error> {
        serde_json::from_str(json)
    }

    pub fn get(&self, key: &str) -> Option<&Msg> {
        self.0.get(key)
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }
}

/// By hand: `#[serde(untagged)]` buffers every value before it tries a variant, which costs
/// code for a shape this simple (a string, or an object of strings).
impl<'de> Deserialize<'de> for Msg {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Msg, D::Error> {
        struct Either;
        impl<'de> Visitor<'de> for Either {
            type Value = Msg;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a message or its plural forms")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Msg, E> {
                Ok(Msg::Text(s.to_owned()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Msg, A::Error> {
                let mut forms = HashMap::new();
                while let Some((k, v)) = map.next_entry::<String, String>()? {
                    forms.insert(k, v);
                }
                Ok(Msg::Plural(forms))
            }
        }
        d.deserialize_any(Either)
    }
}

impl Msg {
    /// The form for a plural category, `other` when the catalog has no such form; a plain text
    /// is its own every form.
    pub fn form(&self, category: &str) -> &str {
        match self {
            Msg::Text(s) => s,
            Msg::Plural(forms) => forms
                .get(category)
                .or_else(|| forms.get("other"))
                .map_or("", String::as_str),
        }
    }
}

/// `template` with each `{name}` replaced by its value in `args`; an unknown slot is left as
/// written (so a catalog's typo shows, instead of silently losing words).
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let name = &after[..close];
            let (_, v) = args.iter().find(|(k, _)| *k == name)?;
            Some((v, close))
        });
        match value {
            Some((v, close)) => {
                out.push_str(v);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The `{name}` slots a message uses, for the catalog checks.
pub fn slots(template: &str) -> Vec<&str> {
    let mut found = vec![];
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        found.push(&after[..close]);
        rest = &after[close + 1..];
    }
    found.sort_unstable();
    found.dedup();
    found
}
