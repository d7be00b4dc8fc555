//! The catalogs against each other and against the code: a catalog that misses a key, has a
//! key nobody uses, loses a `{slot}` or a plural form its language needs fails here, before a
//! user sees a key name or an English word in the middle of French.

use super::catalog::{Catalog, Msg, fill, slots};
use meshes_protocol::locale::SHIPPED;
use std::collections::{BTreeMap, BTreeSet};

fn dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn catalog(lang: &str) -> Catalog {
    let path = dir().join(format!("locales/{lang}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    Catalog::parse(&text).unwrap_or_else(|e| panic!("{lang}.json does not parse: {e}"))
}

/// CLDR cardinal categories each shipped language uses (unicode.org/cldr, plurals.xml): every
/// plural message must have each of them.
fn categories(lang: &str) -> &'static [&'static str] {
    match lang {
        "en" | "de" => &["one", "other"],
        "fr" => &["one", "many", "other"],
        "ar" => &["zero", "one", "two", "few", "many", "other"],
        other => panic!("no plural categories recorded for {other}"),
    }
}

/// The slots a message uses, over all its forms; `count` is the plural's own.
fn all_slots(msg: &Msg) -> BTreeSet<String> {
    match msg {
        Msg::Text(s) => slots(s).into_iter().map(str::to_owned).collect(),
        Msg::Plural(forms) => forms
            .values()
            .flat_map(|f| slots(f))
            .filter(|s| *s != "count")
            .map(str::to_owned)
            .collect(),
    }
}

#[test]
fn every_catalog_has_every_key_with_its_slots_and_plural_forms() {
    let en = catalog("en");
    let keys: BTreeSet<&str> = en.keys().collect();
    let mut problems = vec![];
    for lang in SHIPPED {
        let other = catalog(lang);
        let theirs: BTreeSet<&str> = other.keys().collect();
        for missing in keys.difference(&theirs) {
            problems.push(format!("{lang}: missing {missing}"));
        }
        for extra in theirs.difference(&keys) {
            problems.push(format!("{lang}: {extra} is not an English key"));
        }
        for key in keys.intersection(&theirs) {
            let (Some(mine), Some(msg)) = (en.get(key), other.get(key)) else {
                continue;
            };
            if all_slots(mine) != all_slots(msg) {
                problems.push(format!("{lang}: {key} has other {{slots}} than English"));
            }
            match (mine, msg) {
                (Msg::Plural(_), Msg::Plural(forms)) => {
                    for c in categories(lang) {
                        if !forms.contains_key(*c) {
                            problems.push(format!("{lang}: {key} lacks the {c} form"));
                        }
                    }
                }
                (Msg::Text(_), Msg::Text(s)) if s.trim().is_empty() => {
                    problems.push(format!("{lang}: {key} is empty"));
                }
                (Msg::Text(_), Msg::Text(_)) => {}
                _ => problems.push(format!("{lang}: {key} is plural in one catalog only")),
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The string literals of Rust source, each with whether it is the first argument of a text
/// call (`t(`, `tf(`, `tp(`, `tr(`). Comments, char literals (`'"'`), lifetimes, escapes and
/// raw strings are stepped over, so an odd quote cannot shift the reading.
fn literals(src: &str) -> Vec<(String, bool)> {
    let b = src.as_bytes();
    let mut out = vec![];
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'\'' => {
                // A char literal ('"', '\'', '\n') or a lifetime ('a).
                if b.get(i + 1) == Some(&b'\\') {
                    i += 2;
                    while i < b.len() && b[i] != b'\'' {
                        i += 1;
                    }
                } else if b.get(i + 2) == Some(&b'\'') {
                    i += 2;
                }
                i += 1;
            }
            b'r' if (b.get(i + 1) == Some(&b'"') || b.get(i + 1) == Some(&b'#'))
                && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')) =>
            {
                let hashes = b[i + 1..].iter().take_while(|c| **c == b'#').count();
                let open = i + 1 + hashes;
                if b.get(open) != Some(&b'"') {
                    i += 1;
                    continue;
                }
                let close = format!("\"{}", "#".repeat(hashes));
                let end = src[open + 1..]
                    .find(&close)
                    .map_or(b.len(), |e| open + 1 + e);
                i = end + close.len();
            }
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                let call = src[..start - 1]
                    .trim_end()
                    .strip_suffix('(')
                    .map(str::trim_end)
                    .is_some_and(|before| {
                        let name = before
                            .rsplit(|ch: char| !(ch.is_alphanumeric() || ch == '_'))
                            .next()
                            .unwrap_or_default();
                        matches!(name, "t" | "tf" | "tp" | "tr")
                    });
                out.push((src[start..i.min(b.len())].to_owned(), call));
                i += 1;
            }
            _ => i += 1,
        }
    }
    out
}

/// Every literal under `src/` that looks like a key (`prefix.key`, a prefix English uses) or is
/// handed to a text call, with the file it is in.
fn keys_in_code(prefixes: &BTreeSet<String>) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    let mut stack = vec![dir().join("src")];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            for (literal, call) in literals(&text) {
                let looks_like_key = literal.split_once('.').is_some_and(|(p, rest)| {
                    prefixes.contains(p)
                        && !rest.is_empty()
                        && rest.bytes().all(|b| {
                            b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.'
                        })
                });
                if call || looks_like_key {
                    found.insert(literal, path.display().to_string());
                }
            }
        }
    }
    found
}

#[test]
fn the_code_uses_english_keys_only_and_every_one_of_them() {
    let en = catalog("en");
    let keys: BTreeSet<&str> = en.keys().collect();
    let prefixes: BTreeSet<String> = keys
        .iter()
        .filter_map(|k| k.split_once('.').map(|(p, _)| p.to_owned()))
        .collect();
    let used = keys_in_code(&prefixes);
    let unknown: Vec<_> = used
        .iter()
        .filter(|(k, _)| !keys.contains(k.as_str()))
        .map(|(k, file)| format!("{k} ({file})"))
        .collect();
    assert!(
        unknown.is_empty(),
        "keys with no English text:\n{}",
        unknown.join("\n")
    );
    let unused: Vec<_> = keys.iter().filter(|k| !used.contains_key(**k)).collect();
    assert!(unused.is_empty(), "English keys no code uses: {unused:?}");
}

#[test]
fn the_key_reader_is_not_fooled_by_quotes() {
    let src = r####"
        let q = '"'; // a "quote" in a comment
        let e = '\''; fn f<'a>(x: &'a str) {}
        let r = r#"raw "with" quotes"#;
        tr("a.first"); t ( "a.second" ); Part("not.a_call"); tf("a.third", &[("x", "\"y\"")]);
    "####;
    let got = literals(src);
    let calls: Vec<&str> = got
        .iter()
        .filter(|(_, c)| *c)
        .map(|(l, _)| l.as_str())
        .collect();
    assert_eq!(calls, ["a.first", "a.second", "a.third"]);
    assert!(got.iter().any(|(l, c)| l == "not.a_call" && !c));
    assert!(
        !got.iter()
            .any(|(l, _)| l.contains("quote") || l.contains("raw"))
    );
}

#[test]
fn slots_are_filled_and_unknown_ones_stay_visible() {
    assert_eq!(
        fill("{name} (deleted)", &[("name", "Reject hook")]),
        "Reject hook (deleted)"
    );
    assert_eq!(fill("{a}{b}", &[("a", "1"), ("b", "{a}")]), "1{a}");
    assert_eq!(fill("Hi {who} {", &[]), "Hi {who} {");
    assert_eq!(fill("ünï {x} ç", &[("x", "é")]), "ünï é ç");
}
