//! Connect / Reconnect on the Connections page: which apps and rows offer the hosted flow, and
//! what the user sees when the window can't open and the API refuses.

use super::*;
use crate::common::{self, connection, oauth_app, ok, refusal, until, webhook};
use meshes_protocol::api::{Connection, InactiveReason};
use wasm_bindgen_test::*;

/// A HubSpot connection whose grant was revoked, and a webhook whose credentials were refused.
fn rows() -> [Connection; 2] {
    let lapsed = |id: &str, kind: &str, name: &str, why: InactiveReason| Connection {
        active: false,
        inactive_reason: Some(why),
        ..connection(id, kind, name)
    };
    [
        lapsed(
            "c1",
            "hubspot",
            "CRM",
            InactiveReason::OauthAuthorizationRevoked,
        ),
        lapsed(
            "c2",
            "webhook",
            "Hook",
            InactiveReason::AuthenticationInvalid,
        ),
    ]
}

fn routes() -> Vec<(&'static str, Vec<(u16, String)>)> {
    vec![
        (
            "/integrations",
            vec![ok(&page_of(&[
                oauth_app("hubspot", "HubSpot"),
                webhook(false),
            ]))],
        ),
        (
            "/embed/oauth/attempts",
            vec![(
                403,
                refusal(
                    "Forbidden",
                    "Forbidden",
                    "Making changes needs the admin or owner role; this session has the member role",
                ),
            )],
        ),
        ("/connections", vec![ok(&page_of(&rows()))]),
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

#[wasm_bindgen_test]
async fn one_attempt_at_a_time_says_why_and_rows_name_their_account() {
    common::js("(window.__open = window.open, window.open = () => null, true)");
    let mut crm = connection("c3", "hubspot", "CRM (ada@acme.test)");
    crm.metadata
        .insert("account".into(), "ada@acme.test".into());
    let (t, _) = fake(vec![
        (
            "/integrations",
            vec![ok(&page_of(&[
                oauth_app("hubspot", "HubSpot"),
                oauth_app("salesforce", "Salesforce"),
            ]))],
        ),
        ("/embed/oauth/attempts", vec![common::status(503)]),
        ("/connections", vec![ok(&page_of(&[crm]))]),
    ]);
    // The attempt's creation is held back, so the first Connect stays in progress.
    let t = common::delayed(t, "/embed/oauth/attempts", 2_500, Default::default());
    let m = common::mount_ctx(
        "/workspace/connections",
        common::ctx_as(Role::Admin, vec![]),
        t,
    );
    assert!(m.api.accept_auth(jwt(SID)).await);
    until("the row", || {
        m.exists("tr[data-connection-id='c3'] .account")
    })
    .await;
    assert_eq!(
        m.text("tr[data-connection-id='c3'] .account").unwrap(),
        "Account: ada@acme.test"
    );
    until("the connect buttons", || {
        m.all_text(".connect-oauth").len() == 2
    })
    .await;
    assert_eq!(m.text("#connect-one-at-a-time").unwrap(), "");
    m.click(".connect-oauth");
    until("the others wait", || {
        m.text("#connect-one-at-a-time")
            .is_some_and(|t| t.contains("HubSpot"))
    })
    .await;
    let buttons = m.root.query_selector_all(".connect-oauth").unwrap();
    for i in 0..buttons.length() {
        let b: web_sys::HtmlButtonElement =
            wasm_bindgen::JsCast::unchecked_into(buttons.item(i).unwrap());
        assert!(
            b.disabled(),
            "{} is disabled while HubSpot connects",
            b.text_content().unwrap()
        );
    }
    // Once that attempt ended (here: refused), the buttons are back.
    until("enabled again", || {
        !m.el::<web_sys::HtmlButtonElement>(".connect-oauth")
            .disabled()
    })
    .await;
    assert_eq!(m.text("#connect-one-at-a-time").unwrap(), "");
    common::js("(window.open = window.__open, true)");
}
