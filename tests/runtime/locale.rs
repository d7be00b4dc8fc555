//! The language: switched live by `meshes:configure {locale}` with nothing left in English, a
//! catalog fetched once and only when used, right to left for Arabic, plural forms and dates
//! from the locale, English for a key a catalog lacks, and the newest request winning.

use super::*;
use crate::common::{connection, delayed, oauth_app, ok, rule, until, until_ms, webhook, window};
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

/// The fixed parts of a message around its `{slots}` (those long enough to mean something).
fn fixed_parts(template: &str) -> Vec<String> {
    let mut parts = vec![];
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        parts.push(rest[..open].to_owned());
        rest = rest[open..]
            .find('}')
            .map_or("", |close| &rest[open + close + 1..]);
    }
    parts.push(rest.to_owned());
    parts
        .into_iter()
        .map(|p| p.trim().to_owned())
        .filter(|p| p.chars().filter(|c| c.is_alphabetic()).count() >= 4)
        .collect()
}

/// English still on screen that the other catalog says differently: a whole text equal to an
/// English message, or a text holding every fixed part of an English message with slots (its
/// values filled in), in order.
fn english_left(root: &web_sys::Element, other: &str) -> Vec<String> {
    let (en, other) = (Catalog::parse(EN).unwrap(), Catalog::parse(other).unwrap());
    let shown = texts(root);
    // A part counts as whole words only ("active" is not in "actives").
    let word_at = |text: &str, from: usize, part: &str| {
        text[from..]
            .match_indices(part)
            .map(|(i, _)| from + i)
            .find(|&i| {
                let before = text[..i].chars().next_back();
                let after = text[i + part.len()..].chars().next();
                !before.is_some_and(char::is_alphanumeric)
                    && !after.is_some_and(char::is_alphanumeric)
            })
    };
    let holds = |parts: &[String]| {
        shown.iter().any(|text| {
            let mut at = 0;
            parts.iter().all(|p| match word_at(text, at, p) {
                Some(i) => {
                    at = i + p.len();
                    true
                }
                None => false,
            })
        })
    };
    let mut left = vec![];
    for k in en.keys() {
        let (Some(mine), Some(theirs)) = (en.get(k), other.get(k)) else {
            continue;
        };
        if mine == theirs {
            continue;
        }
        let forms: Vec<&str> = match mine {
            Msg::Text(e) => vec![e.as_str()],
            Msg::Plural(f) => f.values().map(String::as_str).collect(),
        };
        for e in forms {
            let seen = if e.contains('{') {
                // Too little fixed text to tell the languages apart ("{n} of {m} active" vs
                // "… active" in French) is not checked.
                let parts = fixed_parts(e);
                let letters: usize = parts
                    .iter()
                    .map(|p| p.chars().filter(|c| c.is_alphabetic()).count())
                    .sum();
                letters >= 8 && holds(&parts)
            } else {
                shown.iter().any(|t| t == e)
            };
            if seen {
                left.push(format!("{k}: {e}"));
            }
        }
    }
    left
}

/// Switch `m` to French and wait until nothing English is left (or say what is).
async fn all_french(m: &Mounted, page: &str) {
    configure(m, "fr");
    let mut left = vec![];
    for _ in 0..100 {
        TimeoutFuture::new(20).await;
        left = english_left(&m.root, FR);
        if html("lang").as_deref() == Some("fr") && left.is_empty() {
            return;
        }
    }
    panic!(
        "{page} still in English after the switch:\n{}",
        left.join("\n")
    );
}

fn text_of(catalog: &str, key: &str) -> String {
    match Catalog::parse(catalog).unwrap().get(key) {
        Some(Msg::Text(s)) => s.clone(),
        other => panic!("{key}: {other:?}"),
    }
}

/// `extra` (the catalogs a test serves), then the Events list with one failed event.
fn with_events(
    extra: Vec<(&'static str, Vec<(u16, String)>)>,
) -> Vec<(&'static str, Vec<(u16, String)>)> {
    let mut routes = extra;
    routes.extend([
        ("/events/e1", vec![ok(&json(&event("e1", Status::Failed)))]),
        ("/event-types", vec![ok("[]")]),
        (
            "/events?",
            vec![ok(&page_of(&[event("e1", Status::Failed)]))],
        ),
    ]);
    routes
}

async fn events_page(
    extra: Vec<(&'static str, Vec<(u16, String)>)>,
) -> (Mounted, common::Requests) {
    let routes = with_events(extra);
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
    let (t, requests) = fake(with_events(vec![
        ("/locales/fr.json", vec![ok(partial)]),
        ("/locales/de.json", vec![ok(DE)]),
        ("/locales/ar.json", vec![ok("<html>not a catalog</html>")]),
    ]));
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
    until("the Arabic answer", || {
        common::count(&requests, "/locales/ar.json") == 1
    })
    .await;
    TimeoutFuture::new(100).await;
    assert_eq!(html("lang").as_deref(), Some("fr"));
    assert_eq!(html("dir").as_deref(), Some("ltr"));
    assert_eq!(m.text("h1").as_deref(), Some("Événements"));
    meshes_embed::i18n::use_english();
}

#[wasm_bindgen_test]
async fn every_page_reads_french_with_its_forms_and_notes() {
    use meshes_protocol::api::DashboardMetrics;
    let metrics: DashboardMetrics = serde_json::from_str(include_str!(
        "../../crates/protocol/fixtures/dashboard.json"
    ))
    .unwrap();
    let fr = || ("/locales/fr.json", vec![ok(FR)]);
    let (m, _) = authed(
        "/workspace/dashboard",
        Role::Admin,
        vec![],
        vec![fr(), ("/dashboard", vec![ok(&json(&metrics))])],
    )
    .await;
    until("the dashboard", || m.exists("#kpi-events")).await;
    until("its details", || m.exists(".chart")).await;
    all_french(&m, "the dashboard").await;
    drop(m);

    // Connections with the new-connection form open.
    let (m, _) = authed(
        "/workspace/connections",
        Role::Owner,
        vec![],
        vec![
            fr(),
            (
                "/integrations",
                vec![ok(&page_of(&[
                    oauth_app("hubspot", "HubSpot"),
                    webhook(true),
                ]))],
            ),
            (
                "/connections",
                vec![ok(&page_of(&[
                    connection("c1", "webhook", "Order Webhook"),
                    connection("c2", "hubspot", "CRM"),
                ]))],
            ),
        ],
    )
    .await;
    until("the rows", || m.exists("tr[data-connection-id='c1']")).await;
    m.click("#new-connection");
    until("the form", || m.exists("#conn-field-url")).await;
    all_french(&m, "connections with the form open").await;
    drop(m);

    // Rules for a member: the list and the read-only note.
    let (m, _) = authed(
        "/workspace/rules",
        Role::Member,
        vec![],
        vec![
            fr(),
            ("/integrations", vec![ok(&page_of(&[webhook(true)]))]),
            ("/event-types", vec![ok("[]")]),
            ("/resources", vec![ok("[]")]),
            (
                "/connections",
                vec![ok(&page_of(&[connection(
                    "c1",
                    "webhook",
                    "Order Webhook",
                )]))],
            ),
            ("/rules?", vec![ok(&page_of(&[rule("r1")]))]),
        ],
    )
    .await;
    until("the rule row", || m.exists("tr[data-rule-id='r1']")).await;
    assert!(
        m.exists(".note"),
        "a member is told why there are no controls"
    );
    all_french(&m, "rules for a member").await;
    meshes_embed::i18n::use_english();
}
