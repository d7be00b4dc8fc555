//! The start link is not a bearer ticket: opened anywhere but in the window the embed opened, it
//! asks first — and an attacker who created the attempt cannot answer for the embed.

use super::*;

/// Create an attempt the way an admin of this workspace could with its own session token:
/// (id, start URL, start proof).
async fn attempt_by_hand(s: &Stack, integration: &str) -> (String, String, String) {
    let token = s.embed_token().await;
    let res = s
        .http
        .post(format!("{}/api/v1/embed/oauth/attempts", s.meshes))
        .bearer_auth(token)
        .json(&serde_json::json!({ "integration": integration }))
        .send()
        .await
        .expect("create an attempt");
    assert_eq!(res.status(), 201);
    let a: Value = res.json().await.expect("attempt");
    let field = |k: &str| a[k].as_str().expect(k).to_owned();
    (field("id"), field("start_url"), field("start_proof"))
}

/// The start page's POST that lets a browser go on (none means it stayed put).
async fn start_posts(s: &Stack, id: &str) -> usize {
    s.requests_to("POST", &format!("/oauth/start/{id}"))
        .await
        .len()
}

async fn confirmation(s: &Stack) -> String {
    eventually("the confirmation", || async {
        s.try_js("const c = document.querySelector('#oauth-confirm'); return c && !c.hidden ? c.textContent : null")
            .await
            .ok()?
            .as_str()
            .map(str::to_owned)
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forwarded_start_link_asks_before_it_goes_to_the_provider() -> TestResult {
    let s = Stack::start().await;
    s.open_host(HOST_QUERY).await?;
    s.embed_text("#connections-table").await;
    let (id, start, _) = attempt_by_hand(&s, "hubspot").await;
    // Someone else's browser tab: no opener, so no proof — only a page that says who asks.
    s.driver.enter_default_frame().await?;
    let main = s.driver.window().await?;
    let tab = s.driver.new_tab().await?;
    s.driver.switch_to_window(tab).await?;
    s.driver.goto(&start).await?;
    confirmation(&s).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(start_posts(&s, &id).await, 0, "nothing went on by itself");
    assert!(
        s.driver
            .current_url()
            .await?
            .as_str()
            .starts_with(&s.meshes)
    );
    confirm_at_start(&s, &["HubSpot", "Acme CRM Production", s.host.as_str()]).await?;
    at_provider(&s, Some("Globex")).await?;
    eventually("the callback page", || async {
        s.driver
            .current_url()
            .await
            .ok()
            .filter(|u| u.as_str().contains("/oauth/callback"))
    })
    .await;
    s.driver.close_window().await?;
    s.driver.switch_to_window(main).await?;
    let token = s.embed_token().await;
    let a: Value = s
        .http
        .get(format!("{}/api/v1/embed/oauth/attempts/{id}", s.meshes))
        .bearer_auth(token)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(a["status"], "completed", "{a}");
    s.quit().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_real_proof_posted_from_another_site_does_not_open_the_link() -> TestResult {
    let s = Stack::start().await;
    let attacker = e2e::attacker::start().await;
    s.open_host(HOST_QUERY).await?;
    s.embed_text("#connections-table").await;
    // The attacker is an admin of some workspace: it created the attempt and knows its proof.
    let (id, start, proof) = attempt_by_hand(&s, "slack").await;
    let fragment = serde_json::json!({"url": start, "attempt": id, "proof": proof}).to_string();
    s.driver.enter_default_frame().await?;
    s.driver
        .goto(format!(
            "{attacker}/link.html#{}",
            e2e::urlencode(&fragment)
        ))
        .await?;
    s.driver.find(By::Css("#open")).await?.click().await?;
    let attacker_page = s.switch_to_new_window().await?;
    // The victim's window: another site opened the link, so the start page is not even shown,
    // and the proof it keeps posting goes nowhere.
    let refusal = eventually("the refusal", || async {
        s.try_js("return document.querySelector('h1')?.textContent ?? null")
            .await
            .ok()?
            .as_str()
            .map(str::to_owned)
    })
    .await;
    assert_eq!(
        refusal,
        "This sign-in can only be started from your workspace"
    );
    tokio::time::sleep(Duration::from_millis(1500)).await; // the attacker keeps posting
    assert_eq!(start_posts(&s, &id).await, 0);
    assert!(
        s.driver
            .current_url()
            .await?
            .as_str()
            .starts_with(&s.meshes)
    );
    s.driver.switch_to_window(attacker_page).await?;
    let got = s.js("return window.__got.length").await;
    assert_eq!(got, 0, "the start page never talks to a foreign opener");
    s.quit().await;
    Ok(())
}
