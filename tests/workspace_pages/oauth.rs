//! Connect / Reconnect on the Connections page: which apps and rows offer the hosted flow, and
//! what the user sees when the window can't open and the API refuses.

use super::*;
use crate::common::{self, ok, until};
use wasm_bindgen_test::*;

const HUBSPOT: &str = r#"{"name":"HubSpot","type":"hubspot","authentication":{"type":"oauth","oauth":{"version":2}},"actions":{}}"#;
const WEBHOOK: &str = r#"{"name":"Webhook","type":"webhook","authentication":{"type":"none","fields":[]},"actions":{}}"#;
const ROWS: [&str; 2] = [
    r#"{"id":"c1","workspace":"w","type":"hubspot","name":"CRM","metadata":{},"active":false,"inactive_reason":"oauth_authorization_revoked","hidden":false,"created_by":"seed","created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z"}"#,
    r#"{"id":"c2","workspace":"w","type":"webhook","name":"Hook","metadata":{},"active":false,"inactive_reason":"authentication_invalid","hidden":false,"created_by":"seed","created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z"}"#,
];

fn routes() -> Vec<(&'static str, Vec<(u16, String)>)> {
    vec![
        ("/integrations", vec![ok(&page(&[HUBSPOT.into(), WEBHOOK.into()]))]),
        ("/embed/oauth/attempts", vec![(403, r#"{"message":"Forbidden","error":{"name":"Forbidden","message":"Making changes needs the admin or owner role; this session has the member role"}}"#.into())]),
        ("/connections", vec![ok(&page(&ROWS.map(String::from)))]),
    ]
}

#[wasm_bindgen_test]
async fn connect_offers_oauth_apps_and_reports_a_refusal() {
    // The popup "blocker": no window at all.
    common::js("(window.__open = window.open, window.open = () => null, true)");
    let (m, requests) = authed("/workspace/connections", Role::Admin, vec![], routes()).await;
    until("the connect buttons", || m.exists(".connect-oauth")).await;
    assert_eq!(
        m.all_text(".connect-oauth"),
        ["Connect HubSpot"],
        "OAuth apps only"
    );
    assert!(m.exists("tr[data-connection-id='c1'] .reconnect-connection"));
    assert!(
        !m.exists("tr[data-connection-id='c2'] .reconnect-connection"),
        "credential problems are fixed by editing, not by signing in"
    );
    m.click(".connect-oauth");
    until("the refusal", || {
        m.exists("#oauth-status[data-phase='refused']")
    })
    .await;
    let text = m.text("#oauth-status").unwrap();
    assert!(
        text.contains("HubSpot could not be connected") && text.contains("admin or owner role"),
        "{text}"
    );
    let sent = sent(&requests, Method::Post, "/embed/oauth/attempts");
    let body: serde_json::Value = serde_json::from_str(sent[0].as_deref().unwrap()).unwrap();
    assert_eq!(body["integration"], "hubspot");
    assert_eq!(
        body["mode"], "tab",
        "no popup opened, so the attempt is for a tab"
    );
    assert!(body["nonce"].as_str().is_some_and(|n| n.len() >= 16));
    common::js("(window.open = window.__open, true)");
}

#[wasm_bindgen_test]
async fn members_get_no_connect_or_reconnect() {
    let (m, _) = authed("/workspace/connections", Role::Member, vec![], routes()).await;
    until("the rows", || m.exists("tr[data-connection-id='c1']")).await;
    until("the catalog", || m.exists(".conn-name")).await;
    assert!(!m.exists("#connect-apps") && !m.exists(".reconnect-connection"));
}

/// The integration catalog (and the connect panel it brings) landing after the list is part of
/// the page settling: the host hears one size, with the panel in it.
#[wasm_bindgen_test]
async fn a_catalog_that_lands_after_the_list_costs_the_host_one_resize() {
    let (t, _) = common::fake(routes());
    let t = common::delayed(t, "/integrations", 500, Default::default());
    let m = common::mount_ctx(
        "/workspace/connections",
        common::ctx_as(Role::Admin, vec![]),
        t,
    );
    assert!(m.api.accept_auth(common::jwt(common::SID)).await);
    until("the list", || m.exists("tr[data-connection-id='c1']")).await;
    assert!(
        !m.exists(".connect-oauth"),
        "the catalog is still on its way"
    );
    gloo_timers::future::TimeoutFuture::new(200).await;
    assert_eq!(m.resizes(), 0, "not settled while a first read is out");
    until("the connect panel", || m.exists(".connect-oauth")).await;
    until("a resize", || m.resizes() > 0).await;
    gloo_timers::future::TimeoutFuture::new(300).await;
    assert_eq!(m.resizes(), 1, "one resize, with the panel in it");
}
