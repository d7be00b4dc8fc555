//! Every documented message and response shape, as JSON, decodes into our types and encodes
//! back to the same JSON value (no field lost, renamed or invented).
#![allow(
    clippy::unwrap_used,
    reason = "tests and their helpers: a surprise should fail the test at once"
)]

use meshes_protocol::api::*;
use meshes_protocol::{EmbedMessage, HostMessage};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::path::Path;

fn round_trip<T: Serialize + DeserializeOwned>(file: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
    let original: Value = serde_json::from_str(&text).unwrap();
    let typed: T = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
    let back = serde_json::to_value(&typed).unwrap();
    assert_eq!(back, original, "{file} did not round-trip");
}

#[test]
fn messages() {
    round_trip::<HostMessage>("msg_auth.json");
    round_trip::<EmbedMessage>("msg_ready.json");
    round_trip::<EmbedMessage>("msg_ready_v1.json");
    round_trip::<EmbedMessage>("msg_loading.json");
    round_trip::<EmbedMessage>("msg_error.json");
    round_trip::<EmbedMessage>("msg_navigate_refused.json");
    round_trip::<HostMessage>("msg_navigate_to.json");
    round_trip::<EmbedMessage>("msg_token_refresh.json");
    round_trip::<EmbedMessage>("msg_token_expired.json");
    round_trip::<EmbedMessage>("msg_navigate.json");
    round_trip::<EmbedMessage>("msg_resize.json");
}

#[test]
fn sessions() {
    round_trip::<CreateSession>("session_create_request.json");
    round_trip::<SessionCreated>("session_created.json");
    round_trip::<SessionRefreshed>("session_refreshed.json");
    round_trip::<Page<SessionRecord>>("session_list.json");
    round_trip::<SessionRevoked>("session_revoked.json");
    round_trip::<LaunchExchange>("launch_exchange.json");
    round_trip::<SessionContext>("session_context.json");
    round_trip::<SessionInfo>("session_info.json");
}

#[test]
fn workspace_api() {
    round_trip::<ErrorBody>("error_body.json");
    round_trip::<Page<Workspace>>("workspace_list.json");
    round_trip::<WorkspaceDetail>("workspace_detail.json");
    round_trip::<CreateWorkspace>("workspace_create.json");
    round_trip::<WorkspaceCreated>("workspace_created.json");
    round_trip::<Page<Connection>>("connection_list.json");
    round_trip::<Rule>("rule.json");
    round_trip::<Event>("event_detail.json");
    round_trip::<DashboardMetrics>("dashboard.json");
}

#[test]
fn write_api_and_catalogs() {
    round_trip::<Page<Integration>>("integration_list.json");
    round_trip::<CreateConnection>("connection_create.json");
    round_trip::<ConnectionDeleted>("connection_deleted.json");
    round_trip::<CreateRule>("rule_create.json");
    round_trip::<RuleDeleted>("rule_deleted.json");
    round_trip::<Page<Attempt>>("attempt_list.json");
    round_trip::<Vec<CatalogEntry>>("event_types.json");
}

#[test]
fn every_fixture_is_covered() {
    // A fixture nobody round-trips is a shape nobody checks.
    let src = include_str!("fixtures.rs");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(
            src.contains(&format!("(\"{name}\")")),
            "fixture {name} is not round-tripped"
        );
    }
}

#[test]
fn auth_fixture_passes_the_runtime_checks() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/msg_auth.json"),
    )
    .unwrap();
    assert!(HostMessage::from_json(&text).is_ok());
}

/// What the runtime reads from a token is exactly what the server writes into it.
#[test]
fn claimed_session_reads_the_access_claims() {
    use meshes_protocol::{AccessClaims, ClaimedSession, Role, SessionType};
    let claims = AccessClaims {
        iss: "i".into(),
        aud: "a".into(),
        sid: "sess_1".into(),
        ws: "ws_1".into(),
        role: Role::Admin,
        st: SessionType::Workspace,
        scp: vec![],
        res: None,
        rid: None,
        generation: 3,
        iat: 1,
        exp: 2,
    };
    let json = serde_json::to_string(&claims).unwrap();
    let read: ClaimedSession = serde_json::from_str(&json).unwrap();
    assert_eq!(
        read,
        ClaimedSession {
            sid: "sess_1".into(),
            ws: "ws_1".into(),
            generation: 3
        }
    );
}
