//! The outbound shapes, exactly, and what they never carry.

use super::*;

#[test]
fn outbound_shapes_are_exact() {
    let cases = [
        (
            EmbedMessage::ready(),
            r#"{"type":"meshes:ready","version":1,"capabilities":["refresh-failed","navigate-to","scroll-into-view","connection","error","appearance","locale"]}"#,
        ),
        (
            EmbedMessage::NavigateRefused {
                path: "/workspace/connections".into(),
                reason: NavigateRefusal::NotAllowed,
            },
            r#"{"type":"meshes:navigate-refused","path":"/workspace/connections","reason":"not_allowed"}"#,
        ),
        (
            EmbedMessage::Error {
                code: EmbedErrorCode::Network,
            },
            r#"{"type":"meshes:error","code":"network"}"#,
        ),
        (EmbedMessage::Loading, r#"{"type":"meshes:loading"}"#),
        (
            EmbedMessage::Resize { height: 842 },
            r#"{"type":"meshes:resize","height":842}"#,
        ),
        (
            EmbedMessage::ScrollIntoView {
                top: -40,
                height: 36,
            },
            r#"{"type":"meshes:scroll-into-view","top":-40,"height":36}"#,
        ),
        (
            EmbedMessage::TokenExpired {
                reason: ExpiredReason::LaunchTokenUsed,
            },
            r#"{"type":"meshes:token-expired","reason":"launch_token_used"}"#,
        ),
        (
            EmbedMessage::Navigate {
                path: "/workspace/rules".into(),
                page: EmbedPage::Rules,
            },
            r#"{"type":"meshes:navigate","path":"/workspace/rules","page":"rules"}"#,
        ),
    ];
    for (msg, json) in cases {
        assert_eq!(serde_json::to_string(&msg).unwrap(), json);
    }
}

/// The loader announces readiness before the runtime runs: it must say what the runtime
/// would, byte for byte.
#[test]
fn the_loader_announces_the_runtimes_ready() {
    let boot = include_str!("../../../../assets/boot.js");
    let ready = serde_json::to_string(&EmbedMessage::ready()).unwrap();
    assert!(boot.contains(&ready), "assets/boot.js must post {ready}");
    let loading = serde_json::to_string(&EmbedMessage::Loading).unwrap();
    assert!(
        boot.contains(&loading),
        "assets/boot.js must post {loading}"
    );
}

#[test]
fn expired_reason_codes_match_serde() {
    for code in [
        "launch_token_missing",
        "launch_token_used",
        "session_mismatch",
        "refresh_timeout",
    ] {
        let r = ExpiredReason::from_code(code).unwrap();
        assert_eq!(serde_json::to_string(&r).unwrap(), format!("\"{code}\""));
    }
}

#[test]
fn outbound_messages_carry_no_secrets() {
    // Nothing the iframe posts may name or contain a token, payload or email.
    let all = [
        EmbedMessage::ready(),
        EmbedMessage::Loading,
        EmbedMessage::TokenRefresh {
            reason: RefreshReason::Scheduled,
        },
        EmbedMessage::TokenExpired {
            reason: ExpiredReason::SessionMismatch,
        },
        EmbedMessage::Navigate {
            path: "/workspace/events/e-1".into(),
            page: EmbedPage::EventDetail,
        },
        EmbedMessage::Resize { height: 10 },
        EmbedMessage::ScrollIntoView { top: 0, height: 10 },
    ];
    for m in all {
        let json = serde_json::to_string(&m).unwrap();
        for word in ["\"token\"", "secret", "payload", "email", "access"] {
            assert!(!json.contains(word), "{json} contains {word}");
        }
    }
}
