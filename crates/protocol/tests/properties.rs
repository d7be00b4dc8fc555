//! Property tests of the inbound message decoder and the origin matcher. CI runs the default
//! case count; `PROPTEST_CASES=100000 cargo test -p meshes-protocol --test properties` is the
//! long run.

use meshes_protocol::HostMessage;
use meshes_protocol::message::{MAX_TOKEN_LEN, Reject, check_token};
use meshes_protocol::origin::{Origin, choose_parent};
use proptest::prelude::*;
use serde_json::Value;

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
        "[A-Za-z0-9_-]{1,20}\\.[A-Za-z0-9_-]{1,20}\\.[A-Za-z0-9_-]{1,20}".prop_map(Value::String),
    ];
    leaf.prop_recursive(8, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("type".to_owned()),
                    Just("token".to_owned()),
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

proptest! {
    #[test]
    fn decoder_never_panics_on_arbitrary_text(text in ".{0,300}") {
        let _ = HostMessage::from_json(&text);
    }

    #[test]
    fn decoder_accepts_only_what_the_contract_allows(tree in json_tree()) {
        let text = tree.to_string();
        if let Ok(HostMessage::Auth { token, expires_in }) = HostMessage::from_json(&text) {
            prop_assert_eq!(tree["type"].as_str(), Some("meshes:auth"));
            prop_assert_eq!(tree["token"].as_str(), Some(token.as_str()));
            prop_assert!(check_token(&token).is_ok());
            prop_assert!(expires_in.is_none_or(|e| (30..=86_400).contains(&e)));
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
