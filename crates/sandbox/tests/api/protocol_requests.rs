//! The protocol's request types are what the API accepts. Every request fixture (each checked
//! against its type by the protocol's own round-trip tests) and every request the embed builds
//! from protocol values is posted to the real API here and must succeed: a validator that
//! drifts from the types fails this module.

use crate::common::{TestApp, WS};
use crate::writes::{admin, invoice_rule};
use axum::http::{Method, StatusCode};
use meshes_protocol::api::{
    CreateConnection, CreateRule, CreateSession, CreateWorkspace, DeleteConnection, EditRule,
    FieldSource, MappingEnvelope, MappingField, MappingSchema, MappingTransform, PutMapping,
    SourceKind, TestEvent, UpdateConnection, UpdateRule,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::path::Path;

/// A protocol fixture, read through its type (so a fixture the type no longer fits fails here
/// first), and the JSON that type sends.
fn fixture<T: DeserializeOwned + Serialize>(name: &str) -> (T, Value) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../protocol/fixtures")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    let typed: T = serde_json::from_str(&text).unwrap();
    let wire = serde_json::to_value(&typed).unwrap();
    (typed, wire)
}

fn wire<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap()
}

#[tokio::test]
async fn the_request_fixtures_are_accepted() {
    let app = TestApp::new();
    let (_, body) = fixture::<CreateWorkspace>("workspace_create.json");
    let r = app.m(Method::POST, "/api/v1/workspaces", Some(body)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);

    // The fixture's session is for another workspace; everything else is sent as it is.
    let (mut session, _) = fixture::<CreateSession>("session_create_request.json");
    session.workspace_id = WS.into();
    let r = app
        .m(Method::POST, "/api/v1/sessions", Some(wire(&session)))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);

    // As a host backend sends them (the fixtures set `hidden`, which only it may).
    let (_, body) = fixture::<CreateConnection>("connection_create.json");
    let r = app.m(Method::POST, "/api/v1/connections", Some(body)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);

    // The fixture's rule, on the seeded HubSpot connection (the fixture's id is not seeded).
    let list = app
        .m(
            Method::GET,
            &format!("/api/v1/workspaces/{WS}/connections?limit=200"),
            None,
        )
        .await;
    let hubspot = list.json["records"].as_array().unwrap().iter();
    let hubspot = hubspot
        .filter(|c| c["type"] == "hubspot" && c["active"] == true)
        .find_map(|c| c["id"].as_str())
        .unwrap();
    let (mut rule, _) = fixture::<CreateRule>("rule_create.json");
    rule.connection = hubspot.into();
    let r = app
        .m(Method::POST, "/api/v1/rules", Some(wire(&rule)))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
}

/// What the embed's endpoint layer sends, built the way it builds them.
#[tokio::test]
async fn the_requests_the_embed_builds_are_accepted() {
    let app = TestApp::new();
    let t = admin(&app).await;
    let (mut create, _) = fixture::<CreateConnection>("connection_create.json");
    create.hidden = None;
    let r = app
        .call(
            Method::POST,
            "/api/v1/connections",
            Some(&t),
            Some(wire(&create)),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let id = r.json["connection"]["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/connections/{id}");

    let update = UpdateConnection {
        name: "Billing Hook 2".into(),
        metadata: create.metadata.clone(),
        hidden: None,
    };
    let r = app
        .call(Method::PUT, &path, Some(&t), Some(wire(&update)))
        .await;
    assert_eq!(
        (r.status, &r.json["name"]),
        (StatusCode::OK, &json!("Billing Hook 2")),
        "{}",
        r.text
    );

    let transforms = vec![
        MappingTransform::Trim,
        MappingTransform::Lower,
        MappingTransform::Default {
            value: json!("nobody@example.com"),
        },
        MappingTransform::Substring {
            start: json!(0),
            length: Some(json!(64)),
        },
    ];
    let schema = MappingSchema {
        schema_version: 1,
        fields: vec![MappingField {
            dest: "email".into(),
            source: FieldSource {
                kind: SourceKind::Path,
                value: json!("user.email"),
            },
            transforms,
            on_error: "skip_field".into(),
        }],
    };
    let put = PutMapping {
        expected_version: Some(0),
        name: Some("Default mapping".into()),
        schema: wire(&schema),
    };
    let r = app
        .call(
            Method::PUT,
            &format!("{path}/mappings/default"),
            Some(&t),
            Some(wire(&put)),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let saved: MappingEnvelope = serde_json::from_value(r.json).unwrap();
    assert_eq!(
        serde_json::from_value::<MappingSchema>(saved.mapping.schema).unwrap(),
        schema
    );

    let rule = invoice_rule(&id);
    let r = app
        .call(Method::POST, "/api/v1/rules", Some(&t), Some(wire(&rule)))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let rule_path = format!("/api/v1/rules/{}", r.json["rule"]["id"].as_str().unwrap());
    let test = TestEvent {
        payload: json!({"email": "ada@example.com"}),
    };
    let r = app
        .call(
            Method::POST,
            &format!("{rule_path}/test"),
            Some(&t),
            Some(wire(&test)),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    for active in [false, true] {
        let r = app
            .call(
                Method::PATCH,
                &rule_path,
                Some(&t),
                Some(wire(&UpdateRule { active })),
            )
            .await;
        assert_eq!(
            (r.status, &r.json["active"]),
            (StatusCode::OK, &json!(active)),
            "{}",
            r.text
        );
    }

    // The edit the rule form sends: every field, a cleared filter as null.
    let edit = EditRule {
        event: "contact.created".into(),
        metadata: serde_json::from_value(json!({"action": "send_webhook"})).unwrap(),
        resource: Some("contact".into()),
        resource_id: None,
    };
    let r = app
        .call(Method::PATCH, &rule_path, Some(&t), Some(wire(&edit)))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        (&r.json["event"], &r.json["resource"]),
        (&json!("contact.created"), &json!("contact"))
    );

    // An active rule uses the connection: a plain delete (no body) is refused, forcing deletes.
    let r = app.call(Method::DELETE, &path, Some(&t), None).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    let force = DeleteConnection {
        force_delete: Some(true),
    };
    let r = app
        .call(Method::DELETE, &path, Some(&t), Some(wire(&force)))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}
