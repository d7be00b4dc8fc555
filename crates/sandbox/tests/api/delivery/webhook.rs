//! A webhook delivery is the request its settings describe, signed so the receiver can check it.

use super::*;
use hmac::{Hmac, Mac};

fn hmac_hex<M: Mac + hmac::digest::KeyInit>(secret: &str, msg: &[u8]) -> String {
    let mut m = <M as Mac>::new_from_slice(secret.as_bytes()).unwrap();
    m.update(msg);
    m.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test]
async fn a_wrapped_delivery_is_signed_authenticated_and_keyed_as_set() {
    let app = TestApp::new();
    let url = inbox_at(
        &app,
        "wrapped",
        Settings {
            secret: "whsec_123".into(),
            ..Default::default()
        },
    )
    .await;
    let (_, rid) = hook(
        &app,
        &url,
        json!({"auth_scheme": "bearer", "bearer_token": "s3cret-token",
               "signing_algorithm": "hmac_sha256", "signing_secret": "whsec_123",
               "custom_headers": [{"name": "X-Tenant", "value": "acme"}]}),
    )
    .await;
    let eid = send_event(&app, json!({"email": "a@example.com", "amount": 12.5})).await;
    let ev = settled_event(&app, &eid).await;
    assert_eq!(ev["status"], "completed", "{ev}");
    let got = app.state.receiver.requests("wrapped");
    assert_eq!(got.len(), 1);
    let q = &got[0];
    assert_eq!(q.method, "POST");
    assert_eq!(header(q, "authorization"), Some("Bearer s3cret-token"));
    assert_eq!(header(q, "x-tenant"), Some("acme"));
    assert_eq!(header(q, "content-type"), Some("application/json"));
    assert_eq!(header(q, "x-meshes-event-id"), Some(eid.as_str()));
    assert_eq!(header(q, "x-meshes-attempt"), Some("1"));
    let delivery = ev["rule_events"][0]["id"].as_str().unwrap();
    assert_eq!(header(q, "idempotency-key"), Some(delivery));
    // The envelope (meshes-spec §5.4).
    let body: Value = serde_json::from_str(&q.body).unwrap();
    assert_eq!(body["uuid"], eid.as_str());
    assert_eq!(body["event"], EVENT);
    assert_eq!(body["resource"], "invoice");
    assert_eq!(body["resource_id"], "inv_1");
    assert_eq!(
        body["payload"],
        json!({"email": "a@example.com", "amount": 12.5})
    );
    assert!(body["time_sent"].as_i64().unwrap() >= body["time_created"].as_i64().unwrap());
    // The signature, checked here independently of the sandbox's own code.
    let sig = header(q, "x-meshes-signature").unwrap();
    let ts = header(q, "x-meshes-timestamp").unwrap();
    let mac = hmac_hex::<Hmac<sha2::Sha256>>("whsec_123", format!("{ts}.{}", q.body).as_bytes());
    assert_eq!(sig, format!("t={ts},sha256={mac}"));
    assert_eq!(q.signature, "verified", "the inbox agrees");
    let attempts = attempts_of(&app, &eid, &rid).await;
    assert_eq!(attempts[0]["outcome_code"], "delivered");
    assert_eq!(attempts[0]["http_status"], 200);
    assert_eq!(attempts[0]["request"], format!("POST {url}"));
}

#[tokio::test]
async fn a_raw_delivery_sends_the_payload_alone_with_its_metadata_in_headers() {
    let app = TestApp::new();
    let url = inbox_at(&app, "raw", Settings::default()).await;
    hook(
        &app,
        &url,
        json!({"http_method": "PUT", "payload_mode": "raw", "auth_scheme": "basic",
               "basic_username": "acme", "basic_password": "pa55word",
               "signing_algorithm": "hmac_sha512", "signing_secret": "k512",
               "signing_header": "X-Sig"}),
    )
    .await;
    let eid = send_event(&app, json!({"id": "inv_1", "total": 3})).await;
    assert_eq!(settled_event(&app, &eid).await["status"], "completed");
    let q = &app.state.receiver.requests("raw")[0];
    assert_eq!(q.method, "PUT");
    assert_eq!(
        serde_json::from_str::<Value>(&q.body).unwrap(),
        json!({"id": "inv_1", "total": 3})
    );
    assert_eq!(header(q, "x-meshes-event"), Some(EVENT));
    assert_eq!(header(q, "x-meshes-resource"), Some("invoice"));
    assert_eq!(header(q, "x-meshes-resource-id"), Some("inv_1"));
    assert!(
        header(q, "x-meshes-time-created").is_some() && header(q, "x-meshes-time-sent").is_some()
    );
    // base64("acme:pa55word")
    assert_eq!(
        header(q, "authorization"),
        Some("Basic YWNtZTpwYTU1d29yZA==")
    );
    let ts = header(q, "x-meshes-timestamp").unwrap();
    let mac = hmac_hex::<Hmac<sha2::Sha512>>("k512", format!("{ts}.{}", q.body).as_bytes());
    assert_eq!(
        header(q, "x-sig"),
        Some(format!("t={ts},sha512={mac}").as_str())
    );
    assert!(header(q, "x-meshes-signature").is_none());
}

#[tokio::test]
async fn internal_addresses_are_never_sent_to() {
    let app = TestApp::new();
    let (_, rid) = hook(&app, "https://169.254.169.254/latest/meta-data", json!({})).await;
    let eid = send_event(&app, json!({})).await;
    let ev = settled_event(&app, &eid).await;
    assert_eq!(ev["status"], "failed");
    let attempts = attempts_of(&app, &eid, &rid).await;
    assert_eq!(attempts.len(), 1, "not retried: it cannot change");
    assert_eq!(attempts[0]["outcome_code"], "network_error");
    assert!(
        attempts[0]["message"]
            .as_str()
            .unwrap()
            .contains("private or internal")
    );
}
