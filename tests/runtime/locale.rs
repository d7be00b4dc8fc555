//! The language: switched live by `meshes:configure {locale}` with nothing left in English, a
//! catalog fetched once and only when used, right to left for Arabic, plural forms and dates
//! from the locale, English for a key a catalog lacks, and the newest request winning.

use super::*;
use crate::common::{delayed, ok, until, until_ms, window};
use gloo_timers::future::TimeoutFuture;
use meshes_embed::host::receive;
use meshes_embed::i18n::{Catalog, Msg, fill, number, tp};
use meshes_protocol::HostMessage;
use meshes_protocol::appearance::Appearance;
use std::sync::Arc;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

const EN: &str = include_str!("../../locales/en.json");
const FR: &str = include_str!("../../locales/fr.json");
const DE: &str = include_str!("../../locales/de.json");
const AR: &str = include_str!("../../locales/ar.json");

fn configure(m: &Mounted, tag: &str) {
    receive(
        m.api,
        HostMessage::Configure {
            appearance: Appearance::default(),
            locale: Some(tag.to_owned()),
        },
    );
}

fn html(attr: &str) -> Option<String> {
    window()
        .document()
        .unwrap()
        .document_element()
        .unwrap()
        .get_attribute(attr)
}

/// Every text a user can see or hear under `root`: text nodes and the labelling attributes.
fn texts(root: &web_sys::Element) -> Vec<String> {
    let walk = js_sys::Function::new_with_args(
        "root",
        "const out = [];
         const w = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
         while (w.nextNode()) { const t = w.currentNode.textContent.trim(); if (t) out.push(t); }
         for (const el of root.querySelectorAll('[aria-label],[placeholder],[title],[data-label]'))
           for (const a of ['aria-label', 'placeholder', 'title', 'data-label']) {
             const v = el.getAttribute(a); if (v) out.push(v.trim());
           }
         return out;",
    );
    let list: js_sys::Array = walk.call1(&JsValue::NULL, root).unwrap().into();
    list.iter().filter_map(|v| v.as_string()).collect()
}

/// English sentences still on screen that the other catalog says differently.
fn english_left(root: &web_sys::Element, other: &str) -> Vec<String> {
    let (en, other) = (Catalog::parse(EN).unwrap(), Catalog::parse(other).unwrap());
    let shown = texts(root);
    en.keys()
        .filter_map(|k| match (en.get(k), other.get(k)) {
            (Some(Msg::Text(e)), Some(Msg::Text(o))) if e != o && !e.contains('{') => {
                shown.contains(e).then(|| format!("{k}: {e}"))
            }
            _ => None,
        })
        .collect()
}

fn text_of(catalog: &str, key: &str) -> String {
    match Catalog::parse(catalog).unwrap().get(key) {
        Some(Msg::Text(s)) => s.clone(),
        other => panic!("{key}: {other:?}"),
    }
}

async fn events_page(
    extra: Vec<(&'static str, Vec<(u16, String)>)>,
) -> (Mounted, common::Requests) {
    let mut routes = extra;
    routes.extend([
        ("/events/e1", vec![ok(&json(&event("e1", Status::Failed)))]),
        ("/event-types", vec![ok("[]")]),
        (
            "/events?",
            vec![ok(&page_of(&[event("e1", Status::Failed)]))],
        ),
    ]);
    let (m, requests) = authed("/workspace/events", Role::Admin, vec![], routes).await;
    until("the event row", || m.exists("tr[data-event-id='e1']")).await;
    (m, requests)
}

#[wasm_bindgen_test]
async fn the_language_switches_live_and_no_english_is_left() {
    let (m, requests) = events_page(vec![
        ("/locales/fr.json", vec![ok(FR)]),
        ("/locales/ar.json", vec![ok(AR)]),
    ])
    .await;
    let english_date = m.text("td time").unwrap();
    assert_eq!(html("lang").as_deref(), Some("en"));
    assert_eq!(
        common::count(&requests, "/locales/"),
        0,
        "English is built in"
    );

    configure(&m, "fr-FR");
    until("French", || {
        m.text("h1") == Some(text_of(FR, "events.title"))
    })
    .await;
    assert_eq!(html("lang").as_deref(), Some("fr-FR"));
    assert_eq!(html("dir").as_deref(), Some("ltr"));
    assert_eq!(m.text("h1").unwrap(), text_of(FR, "events.title"));
    assert_eq!(m.text(".badge").unwrap(), text_of(FR, "status.failed"));
    let left = english_left(&m.root, FR);
    assert!(
        left.is_empty(),
        "still in English after the switch:\n{}",
        left.join("\n")
    );
    let french_date = m.text("td time").unwrap();
    assert_ne!(french_date, english_date, "dates follow the locale");

    // Back and forth: the catalog is fetched once.
    configure(&m, "en");
    until("English dates", || {
        m.text("td time") == Some(english_date.clone())
    })
    .await;
    assert_eq!(html("lang").as_deref(), Some("en"));
    configure(&m, "fr-FR");
    until("French again", || {
        m.text("h1") == Some(text_of(FR, "events.title"))
    })
    .await;
    assert_eq!(common::count(&requests, "/locales/fr.json"), 1);

    // Arabic: right to left, its own plural forms.
    configure(&m, "ar");
    until("Arabic", || {
        m.text("h1") == Some(text_of(AR, "events.title"))
    })
    .await;
    assert_eq!(html("lang").as_deref(), Some("ar"));
    assert_eq!(html("dir").as_deref(), Some("rtl"));
    assert_eq!(m.text("h1").unwrap(), text_of(AR, "events.title"));
    let left = english_left(&m.root, AR);
    assert!(
        left.is_empty(),
        "still in English in Arabic:\n{}",
        left.join("\n")
    );
    let Some(Msg::Plural(forms)) = Catalog::parse(AR).unwrap().get("events.arrived").cloned()
    else {
        panic!("events.arrived is a plural");
    };
    for (n, category) in [
        (0, "zero"),
        (1, "one"),
        (2, "two"),
        (3, "few"),
        (11, "many"),
        (100, "other"),
    ] {
        let want = fill(&forms[category], &[("count", &number(n))]);
        assert_eq!(
            tp("events.arrived", n, &[]),
            want,
            "{n} is {category} in Arabic"
        );
    }
    meshes_embed::i18n::use_english();
    assert_eq!(html("dir").as_deref(), Some("ltr"));
}

#[wasm_bindgen_test]
async fn missing_keys_fall_back_to_english_and_the_newest_request_wins() {
    let partial = r#"{"events.title": "Événements"}"#;
    let (t, _) = fake(vec![
        ("/locales/fr.json", vec![ok(partial)]),
        ("/locales/de.json", vec![ok(DE)]),
        ("/locales/ar.json", vec![ok("<html>not a catalog</html>")]),
        ("/events/e1", vec![ok(&json(&event("e1", Status::Failed)))]),
        ("/event-types", vec![ok("[]")]),
        (
            "/events?",
            vec![ok(&page_of(&[event("e1", Status::Failed)]))],
        ),
    ]);
    // French answers slowly; German, asked for after it, answers at once.
    let slow = delayed(t, "/locales/fr.json", 300, Arc::default());
    let m = common::mount_ctx("/workspace/events", ctx_as(Role::Admin, vec![]), slow);
    assert!(m.api.accept_auth(jwt(SID)).await);
    until("the event row", || m.exists("tr[data-event-id='e1']")).await;
    configure(&m, "fr");
    configure(&m, "de-AT");
    until("German", || {
        m.text("h1") == Some(text_of(DE, "events.title"))
    })
    .await;
    TimeoutFuture::new(500).await;
    assert_eq!(
        html("lang").as_deref(),
        Some("de-AT"),
        "the late French answer is not applied"
    );
    assert_eq!(m.text("h1").unwrap(), text_of(DE, "events.title"));
    let german_date = m.text("td time").unwrap();

    // French is here now (fetched above): a key it lacks reads in English.
    configure(&m, "fr");
    until_ms("French", 2000, || {
        m.text("h1").as_deref() == Some("Événements")
    })
    .await;
    assert_eq!(m.text(".badge").unwrap(), text_of(EN, "status.failed"));
    assert_ne!(m.text("td time").unwrap(), german_date);

    // A catalog that does not parse is refused whole: the language stays.
    configure(&m, "ar");
    TimeoutFuture::new(200).await;
    assert_eq!(html("lang").as_deref(), Some("fr"));
    assert_eq!(html("dir").as_deref(), Some("ltr"));
    assert_eq!(m.text("h1").as_deref(), Some("Événements"));
    meshes_embed::i18n::use_english();
}
