//! The inbound decoder against what hosts (and attackers) send.

use super::*;
use crate::message::*;

const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzaWQiOiJzZXNzXzEifQ.c2lnbmF0dXJl";

#[test]
fn accepts_documented_auth() {
    let m = HostMessage::from_json(&format!(r#"{{"type":"meshes:auth","token":"{JWT}"}}"#));
    assert_eq!(
        m,
        Ok(HostMessage::Auth {
            token: JWT.into(),
            expires_in: None
        })
    );
}

#[test]
fn accepts_navigate_to_with_any_bounded_path() {
    // The decoder bounds it; `route::host_target` decides (and refuses this one).
    let m = HostMessage::from_json(r#"{"type":"meshes:navigate-to","path":"/admin"}"#);
    assert_eq!(
        m,
        Ok(HostMessage::NavigateTo {
            path: "/admin".into()
        })
    );
}

#[test]
fn configure_keeps_only_known_keys_with_valid_values() {
    let m = HostMessage::from_json(
        r##"{"type":"meshes:configure","appearance":{"theme":"dark","colorPrimary":"#0a7","colorText":"red;background:url(//x)","fontSizeBase":"99px","fontFamily":"Inter, sans-serif","__proto__":"x","colorEvil":"#fff"},"locale":"fr"}"##,
    );
    assert_eq!(
        m,
        Ok(HostMessage::Configure {
            appearance: Appearance {
                theme: Some(Theme::Dark),
                vars: vec![
                    ("--accent", "#0a7".into()),
                    ("--font", "Inter, sans-serif".into())
                ],
            },
            locale: Some("fr".into()),
        })
    );
    for junk in [
        r#"{"type":"meshes:configure"}"#,
        r#"{"type":"meshes:configure","appearance":"dark"}"#,
        r#"{"type":"meshes:configure","appearance":[{"theme":"dark"}]}"#,
        r#"{"type":"meshes:configure","appearance":{"theme":"DARK"}}"#,
        // A locale that is not a tag is ignored, never passed on to `Intl` or a URL.
        r#"{"type":"meshes:configure","locale":"../../api/v1/sessions"}"#,
        r#"{"type":"meshes:configure","locale":["fr"]}"#,
        r#"{"type":"meshes:configure","locale":"fr-CA-aaaaaaaaa"}"#,
    ] {
        assert_eq!(
            HostMessage::from_json(junk),
            Ok(HostMessage::Configure {
                appearance: Appearance::default(),
                locale: None,
            }),
            "{junk}"
        );
    }
}

#[test]
fn configure_takes_a_locale_alone_in_canonical_case() {
    assert_eq!(
        HostMessage::from_json(r#"{"type":"meshes:configure","locale":"ar_eg"}"#),
        Ok(HostMessage::Configure {
            appearance: Appearance::default(),
            locale: Some("ar-EG".into()),
        })
    );
}

#[test]
fn rejects_bad_inbound() {
    let long = "a".repeat(MAX_TOKEN_LEN);
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let cases: Vec<(String, Reject)> = vec![
        (r#""meshes:auth""#.into(), Reject::Shape),
        ("42".into(), Reject::Shape),
        ("null".into(), Reject::Shape),
        ("[]".into(), Reject::Shape),
        (deep, Reject::Shape),
        (
            r#"{"type":"MESHES:AUTH","token":"a.b.c"}"#.into(),
            Reject::Foreign,
        ),
        (
            r#"{"type":" meshes:auth","token":"a.b.c"}"#.into(),
            Reject::Foreign,
        ),
        (
            r#"{"type":"meshes:authx","token":"a.b.c"}"#.into(),
            Reject::UnknownType,
        ),
        (
            r#"{"type":"meshes:auth\u0000","token":"a.b.c"}"#.into(),
            Reject::UnknownType,
        ),
        (r#"{"type":"meshes:__proto__"}"#.into(), Reject::UnknownType),
        (r#"{"type":"pendo:guide"}"#.into(), Reject::Foreign),
        (r#"{"type":"meshes:auth"}"#.into(), Reject::Token),
        (r#"{"type":"meshes:auth","token":42}"#.into(), Reject::Token),
        (r#"{"type":"meshes:auth","token":""}"#.into(), Reject::Token),
        (
            r#"{"type":"meshes:auth","token":"Bearer a.b.c"}"#.into(),
            Reject::Token,
        ),
        (
            r#"{"type":"meshes:auth","token":"a.b.c\r\nX-Injected: 1"}"#.into(),
            Reject::Token,
        ),
        (
            format!(r#"{{"type":"meshes:auth","token":"{long}.b.c"}}"#),
            Reject::Token,
        ),
        (
            format!(r#"{{"type":"meshes:auth","token":"{JWT}","expires_in":-1}}"#),
            Reject::ExpiresIn,
        ),
        (
            format!(r#"{{"type":"meshes:auth","token":"{JWT}","expires_in":"3600"}}"#),
            Reject::ExpiresIn,
        ),
        (
            format!(r#"{{"type":"meshes:auth","token":"{JWT}","expires_in":3600.9}}"#),
            Reject::ExpiresIn,
        ),
        (
            format!(r#"{{"type":"meshes:auth","token":"{JWT}","expires_in":1e308}}"#),
            Reject::ExpiresIn,
        ),
        (r#"{"type":"meshes:navigate-to"}"#.into(), Reject::Path),
        (
            r#"{"type":"meshes:navigate-to","path":["/workspace/rules"]}"#.into(),
            Reject::Path,
        ),
        (
            format!(
                r#"{{"type":"meshes:navigate-to","path":"/workspace/events?q={}"}}"#,
                "a".repeat(MAX_PATH_LEN)
            ),
            Reject::Path,
        ),
    ];
    for (text, want) in cases {
        let preview: String = text.chars().take(60).collect();
        assert_eq!(HostMessage::from_json(&text), Err(want), "{preview}");
    }
}
