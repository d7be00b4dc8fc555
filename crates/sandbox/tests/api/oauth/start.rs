//! The start page: a link alone never reaches the provider. The embed's own window proves the
//! attempt is its own; anyone else is asked to confirm on a page that says who is asking.

use super::*;

fn status_of(app: &TestApp, id: &str) -> (String, Option<String>, Option<String>) {
    app.state
        .db
        .conn()
        .query_row(
            "SELECT status, error_code, started_via FROM oauth_attempts WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap()
}

#[tokio::test]
async fn a_forwarded_link_only_goes_on_after_a_confirmation_that_names_who_asks() {
    let app = app().await;
    let t = admin(&app).await;
    let (id, start, _proof) = create(&app, &t, json!({"integration": "hubspot"})).await;

    // Another browser (no opener, no proof) opens the link: the page explains, nothing starts.
    let page = browse(&app, &start, None).await;
    assert_eq!(page.status, StatusCode::OK);
    for named in [
        "Connect HubSpot to “Acme CRM Production”?",
        "https://app.example.com",
        "Continue to HubSpot",
        "If someone sent you this link, close this window",
    ] {
        assert!(page.text.contains(named), "the page names {named:?}");
    }
    let csp = page.header("content-security-policy").unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("connect-src 'self'"));
    assert_eq!(
        page.header("cross-origin-opener-policy"),
        Some("unsafe-none")
    );
    assert_eq!(status_of(&app, &id).0, "pending", "a GET starts nothing");

    // Neither proof nor confirmation, or a wrong proof: refused, still pending.
    let r = go(&app, &start, json!({}), None).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = go(&app, &start, json!({"proof": "not-the-proof"}), None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(
        r.json["message"]
            .as_str()
            .unwrap()
            .contains("could not prove")
    );
    assert!(r.header("set-cookie").is_none());
    assert_eq!(status_of(&app, &id).0, "pending");

    // The user presses "Continue": now it goes on, and says how.
    let r = go(&app, &start, json!({"confirmed": true}), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(
        r.json["url"]
            .as_str()
            .unwrap()
            .contains("/hubspot/authorize?")
    );
    assert!(
        r.header("set-cookie")
            .unwrap()
            .starts_with(&format!("meshes_oauth_{id}="))
    );
    assert_eq!(
        status_of(&app, &id),
        ("started".into(), None, Some("confirmation".into()))
    );
}

/// Another website never gets the start page (its navigation says `cross-site`); the embed's
/// own windows (`same-origin`) and a link the user opened themselves (`none`) do.
#[tokio::test]
async fn another_site_cannot_even_show_the_start_page() {
    let app = app().await;
    let t = admin(&app).await;
    let (id, start, _) = create(&app, &t, json!({"integration": "hubspot"})).await;
    let path = start.strip_prefix(&app.state.cfg.api_origin()).unwrap();
    let get = |site: &str| {
        Request::builder()
            .uri(path)
            .header("sec-fetch-site", site)
            .body(Body::empty())
            .unwrap()
    };
    for site in ["cross-site", "same-site"] {
        let r = app.send(get(site)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{site}");
        assert!(r.text.contains("can only be started from your workspace"));
        assert!(!r.text.contains("oauth-continue"));
    }
    for site in ["same-origin", "none"] {
        let r = app.send(get(site)).await;
        assert_eq!(r.status, StatusCode::OK, "{site}");
        assert!(r.text.contains("oauth-continue"));
    }
    assert_eq!(status_of(&app, &id).0, "pending");
}

#[tokio::test]
async fn the_embeds_proof_goes_on_without_asking() {
    let app = app().await;
    let t = admin(&app).await;
    let flow = begin(&app, &t, json!({"integration": "slack"})).await;
    assert_eq!(status_of(&app, &flow.id).2.as_deref(), Some("handshake"));
    // Another attempt's proof does not open this one.
    let (id, start, _) = create(&app, &t, json!({"integration": "zoom"})).await;
    let (_, _, other_proof) = create(&app, &t, json!({"integration": "zoom"})).await;
    let r = go(&app, &start, json!({"proof": other_proof}), None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(status_of(&app, &id).0, "pending");
}

#[tokio::test]
async fn only_the_start_page_itself_may_continue_or_cancel() {
    let app = app().await;
    let t = admin(&app).await;
    let (id, start, proof) = create(&app, &t, json!({"integration": "hubspot"})).await;
    for origin in ["https://evil.example.com", "null", ""] {
        for body in [json!({"confirmed": true}), json!({"proof": proof})] {
            let r = go(&app, &start, body, Some(origin)).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "Origin {origin:?}");
        }
    }
    // The right Origin with a cross-site fetch marker is refused too.
    let (path, key) = start
        .strip_prefix(&app.state.cfg.api_origin())
        .unwrap()
        .split_once("?key=")
        .unwrap();
    let req = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header("content-type", "application/json")
        .header("origin", app.state.cfg.api_origin())
        .header("sec-fetch-site", "cross-site")
        .body(Body::from(
            json!({"key": key, "confirmed": true}).to_string(),
        ))
        .unwrap();
    assert_eq!(app.send(req).await.status, StatusCode::FORBIDDEN);
    assert_eq!(status_of(&app, &id).0, "pending");

    // "Cancel" on the confirmation ends the attempt; the link is dead afterwards.
    let cancel = start.replace("?key=", "/cancel?key=");
    let r = go(&app, &cancel, json!({}), None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(status_of(&app, &id).0, "cancelled");
    assert_eq!(
        go(&app, &start, json!({"proof": proof}), None).await.status,
        StatusCode::CONFLICT
    );
}

#[tokio::test]
async fn starts_for_revoked_or_expired_sessions_are_refused_with_the_reason() {
    let app = app().await;
    let (sid, t, _) = app
        .session(json!({"role": "admin", "allowed_origins": ["https://app.example.com"]}))
        .await;
    let (id, start, proof) = create(&app, &t, json!({"integration": "hubspot"})).await;
    app.m(Method::DELETE, &format!("/api/v1/sessions/{sid}"), None)
        .await;
    let page = browse(&app, &start, None).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.text.contains("revoked"), "{}", page.text);
    assert_eq!(
        go(&app, &start, json!({"proof": proof}), None).await.status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        status_of(&app, &id),
        ("failed".into(), Some("session_ended".into()), None)
    );

    // A session past its 12-hour lifetime (its attempt created just before the end).
    let (sid, _, _) = app
        .session(json!({"role": "admin", "allowed_origins": ["https://app.example.com"]}))
        .await;
    app.state.clock.advance(12 * 3600 - 60);
    let fresh = app
        .m(
            Method::POST,
            &format!("/api/v1/sessions/{sid}/refresh"),
            None,
        )
        .await;
    let t = fresh.json["access_token"].as_str().unwrap().to_owned();
    let (id, start, _) = create(&app, &t, json!({"integration": "hubspot"})).await;
    app.state.clock.advance(120);
    let page = browse(&app, &start, None).await;
    assert!(page.text.contains("12 hours"), "{}", page.text);
    assert_eq!(status_of(&app, &id).1.as_deref(), Some("session_ended"));
}
