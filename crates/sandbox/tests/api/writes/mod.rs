//! Connections, rules, test events, deliveries: shapes, validation, 409/422/425 paths and who
//! may write, through the real router, split by resource.

mod connections;
mod deliveries;
mod history;
mod rules;

use crate::common::{TestApp, WS};
use axum::http::{Method, StatusCode};
use meshes_protocol::api::{CreateConnection, CreateRule};
use meshes_sandbox::engine::run_due;
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

/// The demo's webhook inbox, served for this test on a port of its own: `{base}/{name}` is an
/// inbox URL a webhook connection may point at (http:// to this machine).
pub async fn inbox(app: &TestApp) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = meshes_sandbox::receiver::router(app.state.receiver.clone());
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{addr}/inbox")
}

/// Run the engine until no delivery is under way (retries wait real, short, backoffs).
pub async fn settle(app: &TestApp) {
    for _ in 0..400 {
        run_due(&app.state).await.unwrap();
        let open: bool = app
            .state
            .db
            .conn()
            .query_row(
                "SELECT EXISTS(SELECT 1 FROM rule_events WHERE due_ms IS NOT NULL \
                 AND status IN ('pending','retrying','processing')) AS open",
                [],
                |r| r.get("open"),
            )
            .unwrap();
        if !open {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("deliveries were still under way after 10 s");
}
