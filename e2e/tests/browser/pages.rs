//! The workspace pages end to end, through the demo host page on another origin: the issue's
//! golden path (webhook connection → mapping → rule → test event → events → detail), the 409
//! delete path, and a member who sees no write actions and whom the API refuses.

use e2e::{DEMO_WORKSPACE_ID, Stack, TestResult, eventually, eventually_within};
use reqwest::Method;
use serde_json::{Value, json};
use std::time::Duration;
use thirtyfour::By;

async fn connection_id(s: &Stack, name: &str) -> String {
    let (_, list) = s
        .api(
            Method::GET,
            &format!("/api/v1/workspaces/{DEMO_WORKSPACE_ID}/connections?limit=200"),
            None,
        )
        .await;
    list["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("{name} not in {list}"))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_to_delivered_test_event_and_the_delete_conflict() -> TestResult {
    let s = Stack::start().await;
    s.open_host("?role=owner&launch_page=connections&payload_scope=true")
        .await?;
    s.embed_text("#connections-table").await;

    // 1. A webhook connection, typed into the form.
    s.click_when_ready("#new-connection").await?;
    s.embed_text("#conn-field-url").await;
    s.type_in_embed("#conn-name", "Billing Hook").await?;
    // The sandbox's webhook inbox: http:// to this machine is allowed there.
    let inbox = format!("{}/inbox/billing", s.provider);
    s.type_in_embed("#conn-field-url", &inbox).await?;
    s.driver.find(By::Css("#conn-save")).await?.click().await?;
    eventually("the new row", || async {
        let v = s
            .js("return [...document.querySelectorAll('.conn-name')].map(e => e.textContent)")
            .await;
        v.as_array()
            .is_some_and(|a| a.iter().any(|n| n == "Billing Hook"))
            .then_some(())
    })
    .await;
    assert!(
        s.embed_text(".notice-ok")
            .await
            .contains("never shown again")
    );
    let cid = connection_id(&s, "Billing Hook").await;

    // 2. Map a field: the suggested mapping plus amount <- amount.
    s.click_when_ready(&format!("tr[data-connection-id='{cid}'] a"))
        .await?;
    s.embed_text(".mapping-row").await;
    s.click_when_ready("#add-mapping-row").await?;
    s.set_in_embed(".mapping-row:nth-child(2) .map-dest", "amount")
        .await?;
    s.set_in_embed(".mapping-row:nth-child(2) .map-source", "order.amount")
        .await?;
    s.click_when_ready("#save-mapping").await?;
    assert!(
        eventually("the save", || async {
            let t = s
                .js("return document.querySelector('.notice-ok')?.textContent ?? null")
                .await;
            t.as_str()
                .filter(|t| t.contains("version 1"))
                .map(str::to_owned)
        })
        .await
        .contains("Mapping saved")
    );
    let (_, mapping) = s
        .api(
            Method::GET,
            &format!("/api/v1/connections/{cid}/mappings/default"),
            None,
        )
        .await;
    assert_eq!(
        mapping["mapping"]["schema"]["fields"][1],
        json!({"dest": "amount", "source": {"type": "path", "value": "order.amount"}, "on_error": "skip_field"})
    );

    // 3. A rule for it, through the builder.
    s.driver.find(By::LinkText("Rules")).await?.click().await?;
    s.click_when_ready("#new-rule").await?;
    s.set_in_embed("#rule-event", "invoice.paid").await?;
    s.set_in_embed("#rule-connection", &cid).await?;
    s.set_in_embed("#rule-action", "send_webhook").await?;
    s.click_when_ready("#rule-save").await?;
    let (_, rules) = eventually("the rule via the API", || async {
        let r = s
            .api(
                Method::GET,
                &format!("/api/v1/workspaces/{DEMO_WORKSPACE_ID}/rules?connection={cid}"),
                None,
            )
            .await;
        (r.1["count"] == 1).then_some(r)
    })
    .await;
    let rid = rules["records"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(rules["records"][0]["event"], "invoice.paid");

    // 4. Send a test event and follow it to its detail page.
    s.click_when_ready(&format!("tr[data-rule-id='{rid}'] .test-rule"))
        .await?;
    s.click_when_ready(".send-test").await?;
    s.click_when_ready(".test-event a").await?;
    let status = eventually_within("delivery completed", Duration::from_secs(20), || async {
        let v = s.js("return document.querySelector('#deliveries tr[data-status]')?.dataset.status ?? null").await;
        v.as_str().filter(|st| *st == "completed").map(str::to_owned)
    }).await;
    assert_eq!(status, "completed");
    assert!(
        s.embed_text("#event-payload")
            .await
            .contains("test@example.com"),
        "owner with the scope sees the payload"
    );
    s.click_when_ready("#deliveries .btn-link").await?;
    assert!(s.embed_text(".attempts").await.contains("Delivered"));
    assert!(
        s.embed_text(".attempts .request")
            .await
            .contains(&format!("POST {inbox}"))
    );
    // The inbox really got it.
    let got: Value = s
        .http
        .get(format!("{}/inbox/billing/requests", s.provider))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(got.as_array().map(Vec::len), Some(1), "{got}");

    // 5. It is in the events list, newest first.
    s.driver.find(By::LinkText("Events")).await?.click().await?;
    let first = s.embed_text("#events-table tbody tr").await;
    assert!(
        first.contains("invoice.paid") && first.contains("1 of 1 delivered"),
        "{first}"
    );

    // 6. Deleting the connection: 409 while the rule is active, then force.
    s.driver
        .find(By::LinkText("Connections"))
        .await?
        .click()
        .await?;
    s.embed_text("#connections-table").await;
    s.click_when_ready(&format!(
        "tr[data-connection-id='{cid}'] .delete-connection"
    ))
    .await?;
    s.click_when_ready(&format!("tr[data-connection-id='{cid}'] .confirm-yes"))
        .await?;
    assert!(
        s.embed_text(".conflict-row")
            .await
            .contains("1 active rule uses this connection")
    );
    s.click_when_ready(".force-delete").await?;
    eventually("the row to go", || async {
        let v = s
            .js(&format!(
                "return !!document.querySelector(\"tr[data-connection-id='{cid}']\")"
            ))
            .await;
        (v == Value::Bool(false)).then_some(())
    })
    .await;
    let (code, _) = s
        .api(Method::GET, &format!("/api/v1/rules/{rid}"), None)
        .await;
    assert_eq!(code, 404, "force delete took the rule with it");
    let navigations = s.wait_for_log("meshes:navigate", 4).await;
    assert!(
        navigations.iter().any(|n| n.contains("/mappings")),
        "{navigations:?}"
    );
    s.quit().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_see_no_write_actions_and_the_api_refuses_them() -> TestResult {
    let s = Stack::start().await;
    s.open_host("?role=member&launch_page=rules").await?;
    s.embed_text("#rules-table").await;
    assert!(
        s.embed_text(".note")
            .await
            .contains("You're signed in as member")
    );
    let controls = s.js("return ['#new-rule', '.test-rule', '.delete-rule'].map(c => !!document.querySelector(c))").await;
    assert_eq!(controls, json!([false, false, false]));
    assert_eq!(
        s.js("return document.querySelector('.rule-active').disabled")
            .await,
        json!(true)
    );
    s.driver
        .find(By::LinkText("Connections"))
        .await?
        .click()
        .await?;
    s.embed_text("#connections-table").await;
    let controls = s.js("return ['#new-connection', '.edit-connection', '.delete-connection'].map(c => !!document.querySelector(c))").await;
    assert_eq!(controls, json!([false, false, false]));

    // The API refuses the same writes from a member session, whatever a UI does.
    let (_, minted) = s
        .api(
            Method::POST,
            "/api/v1/sessions",
            Some(json!({"workspace_id": DEMO_WORKSPACE_ID, "role": "member"})),
        )
        .await;
    let token = minted["access_token"].as_str().unwrap();
    let res = s.http.post(format!("{}/api/v1/connections", s.meshes)).bearer_auth(token)
        .json(&json!({"workspace": DEMO_WORKSPACE_ID, "type": "webhook", "name": "Sneaky", "metadata": {"url": "https://x.example.com"}}))
        .send().await?;
    assert_eq!(res.status().as_u16(), 403);
    let body: Value = res.json().await?;
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("admin or owner")
    );
    s.quit().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stored_navigate_path_reopens_events_with_its_filters() -> TestResult {
    let s = Stack::start().await;
    s.open_host("?role=admin&launch_page=events&reopen=true")
        .await?;
    s.embed_text("#event-filters").await;
    s.set_in_embed("#filter-status", "failed").await?;
    s.click_in_embed("#filter-apply").await?;
    let nav = s.wait_for_log("meshes:navigate", 1).await;
    assert!(nav.last().unwrap().contains("status=failed"), "{nav:?}");

    // The host launches a new session where the user was (host kit `path`).
    s.click_on_host("#session-form button[type=submit]").await?;
    s.wait_for_log("meshes:ready", 2).await;
    s.enter_embed().await?;
    eventually("the restored filter", || async {
        let v = s
            .js("return document.querySelector('#filter-status')?.value ?? null")
            .await;
        (v == "failed").then_some(())
    })
    .await;
    let url = s.js("return location.pathname + location.search").await;
    assert!(
        url.as_str()
            .is_some_and(|u| u.starts_with("/workspace/events?") && u.contains("status=failed")),
        "{url}"
    );
    let lists = s.requests_to("GET", "/api/v1/workspaces/").await;
    let last = lists
        .iter()
        .rev()
        .find(|r| r["uri"].as_str().is_some_and(|u| u.contains("/events?")))
        .unwrap();
    assert!(
        last["uri"].as_str().unwrap().contains("status=failed"),
        "{last}"
    );
    s.quit().await;
    Ok(())
}
