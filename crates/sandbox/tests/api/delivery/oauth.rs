//! Deliveries to apps connected with OAuth go through the fake provider's API with the stored
//! token; an expired token is refreshed and the write goes through; a revoked grant leaves the
//! connection needing reconnecting.

use super::*;
use meshes_sandbox::store::seed::connect_seeded_apps;

fn stored_access(app: &TestApp, cid: &str) -> String {
    let secrets: String = app
        .state
        .db
        .conn()
        .query_row(
            "SELECT secrets FROM connections WHERE id = ?1",
            [cid],
            |r| r.get("secrets"),
        )
        .unwrap();
    serde_json::from_str::<Value>(&secrets).unwrap()["oauth"]["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn provider_writes_refresh_an_expired_token_and_stop_at_a_revoked_grant() {
    let app = crate::oauth::app().await;
    assert_eq!(
        connect_seeded_apps(&app.state).unwrap(),
        3,
        "HubSpot, Slack, Intercom"
    );
    let cid: String = app
        .state
        .db
        .conn()
        .query_row(
            "SELECT id FROM connections WHERE name = 'HubSpot Sales'",
            [],
            |r| r.get("id"),
        )
        .unwrap();
    let rid = rule_on(
        &app,
        &cid,
        json!({"action": "update_property", "id": "lifecyclestage", "value": "customer"}),
    )
    .await;
    let provider = app.state.cfg.provider_origin();

    let eid = send_event(&app, json!({"email": "ada@example.com"})).await;
    assert_eq!(settled_event(&app, &eid).await["status"], "completed");
    let got = app.state.provider.delivered();
    assert_eq!(got.len(), 1);
    assert_eq!(
        (got[0].kind.as_str(), got[0].account.as_str()),
        ("hubspot", "acme-hubspot")
    );
    assert_eq!(got[0].body["action"]["action"], "update_property");
    assert_eq!(got[0].body["event"]["id"], eid.as_str());
    assert_eq!(got[0].body["event"]["payload"]["email"], "ada@example.com");
    let attempts = attempts_of(&app, &eid, &rid).await;
    assert_eq!(
        attempts[0]["request"],
        format!("POST {provider}/hubspot/api/deliver")
    );
    assert_eq!(attempts[0]["http_status"], 200);

    // The hour is up: refused once, refreshed, written, in one attempt.
    let before = stored_access(&app, &cid);
    app.state.provider.expire_account("acme-hubspot");
    let eid = send_event(&app, json!({})).await;
    assert_eq!(settled_event(&app, &eid).await["status"], "completed");
    assert_eq!(app.state.provider.delivered().len(), 2);
    assert_ne!(stored_access(&app, &cid), before, "the new token is kept");
    assert_eq!(attempts_of(&app, &eid, &rid).await.len(), 1);

    // The user took the grant back: no refresh works, so the connection needs reconnecting.
    app.state.provider.revoke_account("acme-hubspot");
    let eid = send_event(&app, json!({})).await;
    let ev = settled_event(&app, &eid).await;
    assert_eq!(ev["status"], "failed");
    let attempts = attempts_of(&app, &eid, &rid).await;
    assert_eq!(attempts.len(), 1, "not retried");
    assert_eq!(attempts[0]["outcome_code"], "auth_failed");
    assert!(
        attempts[0]["message"]
            .as_str()
            .unwrap()
            .contains("reconnect")
    );
    let c = app
        .m(Method::GET, &format!("/api/v1/connections/{cid}"), None)
        .await;
    assert_eq!(c.json["active"], false);
    assert_eq!(c.json["inactive_reason"], "oauth_authorization_revoked");
    assert_eq!(
        app.state.provider.delivered().len(),
        2,
        "nothing more was written"
    );
}
