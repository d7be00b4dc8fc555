//! Property tests of the inbound message decoder and the origin matcher. The decoder under test
//! is `message::decode`, the one the runtime's bridge runs on every message (through its JS
//! field reader); `HostMessage::from_json` only adds the JSON parse in front of it. CI runs 256
//! cases per property and 4,096 for the branch census;
//! `PROPTEST_CASES=100000 cargo test -p meshes-protocol --test properties --release` is the
//! long run.
#![allow(
    clippy::unwrap_used,
    reason = "tests and their helpers: a surprise should fail the test at once"
)]

use meshes_protocol::HostMessage;
use meshes_protocol::appearance::{VARIABLES, valid};
use meshes_protocol::locale::check_tag;
use meshes_protocol::message::{MAX_PATH_LEN, MAX_TOKEN_LEN, MAX_TYPE_LEN, Reject, check_token};
use meshes_protocol::origin::{Origin, choose_parent};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Value, json};
use std::cell::RefCell;
use std::collections::BTreeMap;

/// Arbitrary JSON trees, deep and wide.
fn json_tree() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| serde_json::json!(f)),
        ".{0,40}".prop_map(Value::String),
        Just(Value::String("meshes:auth".into())),
        Just(Value::String("meshes:navigate-to".into())),
        "[A-Za-z0-9_-]{1,20}\\.[A-Za-z0-9_-]{1,20}\\.[A-Za-z0-9_-]{1,20}".prop_map(Value::String),
    ];
    leaf.prop_recursive(8, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("type".to_owned()),
                    Just("token".to_owned()),
                    Just("path".to_owned()),
                    Just("expires_in".to_owned()),
                    ".{0,8}"
                ],
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Messages shaped like the real ones, so every branch of the decoder is reached often: a
/// `type` from the contract, a foreign or unknown one, or not a string; a token that is valid,
/// malformed, oversized or missing; an `expires_in` in range, out of range or of the wrong type.
fn message() -> impl Strategy<Value = Value> {
    let ty = prop_oneof![
        4 => Just(json!("meshes:auth")),
        2 => Just(json!("meshes:refresh-failed")),
        2 => Just(json!("meshes:navigate-to")),
        1 => Just(json!("meshes:configure")),
        1 => "meshes:[a-z_-]{0,12}".prop_map(Value::String),
        1 => "[a-z]{1,8}:[a-z]{1,8}".prop_map(Value::String),
        1 => Just(json!("meshes:".repeat(12))),
        1 => any::<i64>().prop_map(|n| json!(n)),
    ];
    let token = prop_oneof![
        4 => "[A-Za-z0-9_-]{1,40}\\.[A-Za-z0-9_-]{1,40}\\.[A-Za-z0-9_-]{1,40}".prop_map(Value::String),
        1 => ".{0,30}".prop_map(Value::String),
        1 => Just(json!(format!("{}.b.c", "a".repeat(MAX_TOKEN_LEN)))),
        1 => any::<u32>().prop_map(|n| json!(n)),
    ];
    let expires = prop_oneof![
        2 => (30u32..=86_400).prop_map(|n| json!(n)),
        1 => any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(|f| json!(f)),
        1 => "[0-9]{1,5}".prop_map(Value::String),
    ];
    let path = prop_oneof![
        3 => "/workspace/[a-z/?=&]{0,40}".prop_map(Value::String),
        1 => Just(json!(format!("/workspace/events?q={}", "a".repeat(MAX_PATH_LEN)))),
        1 => any::<u32>().prop_map(|n| json!(n)),
    ];
    (
        ty,
        proptest::option::weighted(0.8, token),
        proptest::option::weighted(0.4, expires),
        proptest::option::weighted(0.7, path),
    )
        .prop_map(|(ty, token, expires, path)| {
            let mut m = serde_json::Map::new();
            m.insert("type".into(), ty);
            if let Some(p) = path {
                m.insert("path".into(), p);
            }
            if let Some(t) = token {
                m.insert("token".into(), t);
            }
            if let Some(e) = expires {
                m.insert("expires_in".into(), e);
            }
            Value::Object(m)
        })
}

/// The decoder's verdict, written from the contract (not from the decoder's code).
fn expected(v: &Value) -> Result<&'static str, Reject> {
    // `from_json` bounds the whole text before parsing (the runtime reads fields one by one).
    if v.to_string().len() > MAX_TOKEN_LEN + 1024 {
        return Err(Reject::Shape);
    }
    let Some(ty) = v.get("type").and_then(Value::as_str) else {
        return Err(Reject::Shape);
    };
    if !ty.starts_with("meshes:") {
        return Err(if ty.encode_utf16().count() > MAX_TYPE_LEN + 1 {
            Reject::Shape
        } else {
            Reject::Foreign
        });
    }
    match ty {
        "meshes:refresh-failed" => return Ok("refresh-failed"),
        // Any string path up to the bound; which paths open is the route table's call.
        "meshes:navigate-to" => {
            return match v.get("path").and_then(Value::as_str) {
                Some(p) if p.encode_utf16().count() <= MAX_PATH_LEN => Ok("navigate-to"),
                _ => Err(Reject::Path),
            };
        }
        // Always a (possibly empty) change: its keys are checked one by one, never refused whole.
        "meshes:configure" => return Ok("configure"),
        "meshes:auth" => {}
        _ if ty.encode_utf16().count() > MAX_TYPE_LEN + 1 => return Err(Reject::Shape),
        _ => return Err(Reject::UnknownType),
    }
    let token = v
        .get("token")
        .and_then(Value::as_str)
        .ok_or(Reject::Token)?;
    check_token(token)?;
    match v.get("expires_in") {
        None | Some(Value::Null) => Ok("auth"),
        Some(e) => match e.as_f64() {
            Some(f) if f.fract() == 0.0 && (30.0..=86_400.0).contains(&f) => Ok("auth"),
            _ => Err(Reject::ExpiresIn),
        },
    }
}

/// Every branch of the decoder, counted over a run: a census that fails if a generator change
/// (or a decoder change) leaves a branch unexercised, and an oracle check on each case.
#[test]
fn every_decoder_branch_is_exercised_and_agrees_with_the_contract() {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(4096);
    let mut runner = TestRunner::new(Config {
        cases,
        ..Config::default()
    });
    let census = RefCell::new(BTreeMap::<String, u32>::new());
    runner
        .run(&message(), |v| {
            let got = HostMessage::from_json(&v.to_string());
            let name = match &got {
                Ok(HostMessage::Auth { .. }) => "auth".to_owned(),
                Ok(HostMessage::RefreshFailed) => "refresh-failed".to_owned(),
                Ok(HostMessage::NavigateTo { .. }) => "navigate-to".to_owned(),
                Ok(HostMessage::Configure { .. }) => "configure".to_owned(),
                Err(r) => format!("{r:?}"),
            };
            *census.borrow_mut().entry(name.clone()).or_default() += 1;
            let want = expected(&v)
                .map(str::to_owned)
                .map_err(|r| format!("{r:?}"));
            let have = got.map(|_| name.clone()).map_err(|_| name.clone());
            prop_assert_eq!(have, want, "{}", v);
            Ok(())
        })
        .unwrap();
    let census = census.into_inner();
    for branch in [
        "auth",
        "refresh-failed",
        "navigate-to",
        "configure",
        "Path",
        "Shape",
        "Foreign",
        "UnknownType",
        "Token",
        "ExpiresIn",
    ] {
        assert!(
            census.get(branch).copied().unwrap_or(0) > 0,
            "branch {branch} never reached in {cases} cases: {census:?}"
        );
    }
}

proptest! {
    #[test]
    fn decoder_never_panics_on_arbitrary_text(text in ".{0,300}") {
        let _ = HostMessage::from_json(&text);
    }

    #[test]
    fn decoder_accepts_only_what_the_contract_allows(tree in json_tree()) {
        let text = tree.to_string();
        match HostMessage::from_json(&text) {
            Ok(HostMessage::Auth { token, expires_in }) => {
                prop_assert_eq!(tree["type"].as_str(), Some("meshes:auth"));
                prop_assert_eq!(tree["token"].as_str(), Some(token.as_str()));
                prop_assert!(check_token(&token).is_ok());
                prop_assert!(expires_in.is_none_or(|e| (30..=86_400).contains(&e)));
            }
            Ok(HostMessage::RefreshFailed) => {
                prop_assert_eq!(tree["type"].as_str(), Some("meshes:refresh-failed"));
            }
            Ok(HostMessage::NavigateTo { path }) => {
                prop_assert_eq!(tree["type"].as_str(), Some("meshes:navigate-to"));
                prop_assert_eq!(tree["path"].as_str(), Some(path.as_str()));
            }
            Ok(HostMessage::Configure { appearance, locale }) => {
                prop_assert_eq!(tree["type"].as_str(), Some("meshes:configure"));
                if let Some(tag) = locale {
                    // Whatever came, only a well-formed tag gets through.
                    prop_assert!(check_tag(&tag).as_deref() == Some(tag.as_str()));
                }
                for (var, value) in appearance.vars {
                    let (key, _, kind) = VARIABLES.iter().find(|v| v.1 == var).unwrap();
                    prop_assert_eq!(tree["appearance"][key].as_str(), Some(value.as_str()));
                    prop_assert!(valid(*kind, &value));
                }
            }
            Err(_) => {}
        }
    }

    #[test]
    fn deep_nesting_is_refused_not_a_crash(depth in 100usize..20_000) {
        let text = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        prop_assert_eq!(HostMessage::from_json(&text), Err(Reject::Shape));
    }

    #[test]
    fn tokens_are_bounded(len in 1usize..20_000) {
        let seg = "a".repeat(len);
        let ok = check_token(&format!("{seg}.b.c")).is_ok();
        prop_assert_eq!(ok, len + 4 <= MAX_TOKEN_LEN);
    }

    #[test]
    fn origin_matcher_accepts_only_the_exact_origin(
        host in "[a-z]([a-z0-9-]{0,8}[a-z0-9])?(\\.[a-z][a-z0-9]{0,8}){1,3}",
        port in proptest::option::of(1u16..=65535),
        noise in "[a-z0-9./:@-]{1,8}",
    ) {
        let text = match port { Some(p) => format!("https://{host}:{p}"), None => format!("https://{host}") };
        let origin = Origin::parse(&text).unwrap();
        let canonical = origin.as_str().to_owned();
        prop_assert!(origin.matches(&canonical));
        for near in [
            format!("{canonical}{noise}"),
            format!("{noise}{canonical}"),
            canonical.replacen("https://", "http://", 1),
            format!("{canonical}/"),
            canonical.to_uppercase(),
            "null".to_owned(),
        ] {
            if near != canonical {
                prop_assert!(!origin.matches(&near), "{} matched {}", canonical, near);
                prop_assert!(choose_parent(Some(&near), std::slice::from_ref(&origin)).is_err());
            }
        }
        prop_assert_eq!(choose_parent(Some(&canonical), std::slice::from_ref(&origin)), Ok(origin.clone()));
    }

    #[test]
    fn origin_parser_never_panics_and_output_reparses(text in ".{0,80}") {
        if let Ok(o) = Origin::parse(&text) {
            prop_assert_eq!(Origin::parse(o.as_str()), Ok(o.clone()));
            prop_assert!(!o.as_str().contains([' ', ';', ',', '\'', '"', '*', '\r', '\n']));
        }
    }
}
