//! Connections, rules, test events, deliveries: shapes, validation, 409/422/425 paths and who
//! may write, through the real router, split by resource.

mod connections;
mod deliveries;
mod history;
mod rules;

use crate::common::{TestApp, WS};
use axum::http::{Method, StatusCode};
use meshes_protocol::api::{CreateConnection, CreateRule};
use meshes_sandbox::store::delivery::tick;
use serde_json::{Value, json};

/// A webhook connection as the embed creates it (`CreateConnection`), with every kind of secret.
pub fn webhook(name: &str, url: &str) -> Value {
    let metadata = json!({
        "url": url, "auth_scheme": "bearer", "bearer_token": "s3cret-token",
        "signing_algorithm": "hmac_sha256", "signing_secret": "whsec_123",
        "custom_headers": [{"name": "X-Tenant", "value": "acme"}]});
    serde_json::to_value(CreateConnection {
        workspace: WS.into(),
        kind: "webhook".into(),
        name: name.into(),
        metadata: serde_json::from_value(metadata).unwrap(),
        hidden: None,
    })
    .unwrap()
}

/// An `invoice.paid` webhook rule on `connection`, as the embed's rule builder creates it.
pub fn invoice_rule(connection: &str) -> CreateRule {
    CreateRule {
        workspace: WS.into(),
        connection: connection.into(),
        event: "invoice.paid".into(),
        metadata: serde_json::from_value(json!({"action": "send_webhook"})).unwrap(),
        resource: None,
        resource_id: None,
        active: None,
        hidden: None,
    }
}

pub async fn admin(app: &TestApp) -> String {
    app.session(json!({"role": "owner"})).await.1
}

/// Run the delivery engine until nothing is due, stepping the clock past each flight/backoff.
pub fn drain(app: &TestApp, rounds: usize) {
    for _ in 0..rounds {
        tick(&app.state).unwrap();
        app.state.clock.advance(20);
    }
}
