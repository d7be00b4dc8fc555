//! Who may start an attempt, what is refused, cancel and expiry.

use super::*;

#[tokio::test]
async fn who_may_start_and_what_is_refused() {
    let app = app().await;
    let t = admin(&app).await;
    let post = |token: String, body: Value| {
        let app = &app;
        async move {
            app.call(
                Method::POST,
                "/api/v1/embed/oauth/attempts",
                Some(&token),
                Some(body),
            )
            .await
        }
    };
    let member = app.session(json!({"role": "member"})).await.1;
    assert_eq!(
        post(member.clone(), json!({"integration": "slack"}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let dash = app
        .session(json!({"role": "owner", "session_type": "dashboard"}))
        .await
        .1;
    assert_eq!(
        post(dash, json!({"integration": "slack"})).await.status,
        StatusCode::FORBIDDEN
    );
    for (body, param) in [
        (json!({"integration": "webhook"}), "integration"),
        (json!({"integration": "nope"}), "integration"),
        (json!({}), "integration"),
        (
            json!({"integration": "slack", "mode": "redirect"}),
            "return_to",
        ),
        (
            json!({"integration": "slack", "mode": "redirect", "return_to": "https://evil.example.com/"}),
            "return_to",
        ),
        (
            json!({"integration": "slack", "mode": "redirect", "return_to": "https://app.example.com.evil.com/"}),
            "return_to",
        ),
        (
            json!({"integration": "slack", "return_to": "https://app.example.com/"}),
            "return_to",
        ),
        (json!({"integration": "slack", "nonce": "short"}), "nonce"),
        (json!({"integration": "slack", "mode": "iframe"}), "mode"),
        (json!({"integration": "slack", "extra": 1}), "extra"),
    ] {
        let r = post(t.clone(), body.clone()).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(r.params(), [param], "{body}");
        assert!(r.json["error"]["message"].is_string());
    }
    let ok = post(t.clone(), json!({"integration": "slack", "mode": "redirect", "return_to": "https://app.example.com/settings?tab=apps"})).await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.text);
    let id = ok.json["id"].as_str().unwrap();
    // The creating session reads it (its page polls); another session of the same workspace
    // does not even learn it exists, nor can it cancel it.
    assert_eq!(attempt(&app, &t, id).await["status"], "pending");
    let path = format!("/api/v1/embed/oauth/attempts/{id}");
    let another_admin = admin(&app).await;
    for (method, p, token) in [
        (Method::GET, path.clone(), &member),
        (Method::GET, path.clone(), &another_admin),
        (Method::POST, format!("{path}/cancel"), &another_admin),
    ] {
        let r = app.call(method, &p, Some(token), None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{p}");
    }
    assert_eq!(attempt(&app, &t, id).await["status"], "pending");
    let other = app
        .m(
            Method::POST,
            "/api/v1/workspaces",
            Some(json!({"name": "Other"})),
        )
        .await;
    let other_ws = other.json["workspace"]["id"]
        .as_str()
        .or(other.json["id"].as_str())
        .unwrap()
        .to_owned();
    let outsider = app
        .session(json!({"workspace_id": other_ws, "role": "owner"}))
        .await
        .1;
    assert_eq!(
        app.call(Method::GET, &path, Some(&outsider), None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // Cancel ends an unfinished attempt; its start link no longer works.
    let c = app
        .call(Method::POST, &format!("{path}/cancel"), Some(&t), None)
        .await;
    assert_eq!(c.json["status"], "cancelled");
    let start = ok.json["start_url"].as_str().unwrap();
    assert_eq!(
        browse(&app, start, None).await.status,
        StatusCode::BAD_REQUEST
    );
    // Expiry: ten minutes after creation an unfinished attempt reads as expired.
    let late = post(t.clone(), json!({"integration": "zoom"})).await;
    app.state.clock.advance(11 * 60);
    let a = attempt(&app, &t, late.json["id"].as_str().unwrap()).await;
    assert_eq!(
        (a["status"].as_str(), a["error"]["code"].as_str()),
        (Some("expired"), Some("expired"))
    );
}

/// The provider side of RFC 9700 hygiene: exact redirect URI, S256 only, codes bound to their
/// verifier and redirect URI, client authentication.
#[tokio::test]
async fn the_provider_refuses_what_a_real_one_must() {
    let app = app().await;
    let t = admin(&app).await;
    let flow = begin(&app, &t, json!({"integration": "hubspot"})).await;
    let http = no_redirects();
    let ok_page = http.get(&flow.authorize).send().await.unwrap();
    assert_eq!(ok_page.status(), 200);
    let registered = "redirect_uri=http%3A%2F%2F127.0.0.1%3A18787%2Foauth%2Fcallback";
    for variant in [
        "redirect_uri=http%3A%2F%2F127.0.0.1%3A18787%2Foauth%2Fcallback%2F",
        "redirect_uri=http%3A%2F%2F127.0.0.1%3A18787%2Foauth%2Fcallback%3Fx%3D1",
        "redirect_uri=http%3A%2F%2Fevil.example.com%2Foauth%2Fcallback",
        "redirect_uri=http%3A%2F%2F127.0.0.1%3A18788%2Foauth%2Fcallback",
    ] {
        let url = flow.authorize.replace(registered, variant);
        let r = http.get(&url).send().await.unwrap();
        assert_eq!(r.status(), 400, "{variant}: shown, never redirected");
        assert!(r.headers().get("location").is_none());
    }
    // `plain` PKCE (or none) goes back to the client as invalid_request.
    let plain = flow
        .authorize
        .replace("code_challenge_method=S256", "code_challenge_method=plain");
    let r = http.get(&plain).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .contains("error=invalid_request")
    );

    // A code is bound to its verifier, redirect URI and client.
    let cb = decide(&flow, Some("Acme")).await;
    let code = cb.split("code=").nth(1).unwrap().split('&').next().unwrap();
    let token_url = flow
        .authorize
        .split("/authorize")
        .next()
        .unwrap()
        .to_owned()
        + "/token";
    let secret = app.state.provider.client_secret.clone();
    let exchange = |verifier: &str, redirect: &str, secret: &str| {
        http.post(&token_url)
            .basic_auth("meshes-sandbox", Some(secret))
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", redirect),
                ("code_verifier", verifier),
            ])
            .send()
    };
    let wrong_client = exchange(
        &"v".repeat(43),
        "http://127.0.0.1:18787/oauth/callback",
        "nope",
    )
    .await
    .unwrap();
    assert_eq!(wrong_client.status(), 401);
    let wrong_verifier = exchange(
        &"v".repeat(43),
        "http://127.0.0.1:18787/oauth/callback",
        &secret,
    )
    .await
    .unwrap();
    assert_eq!(wrong_verifier.status(), 400);
    let body: Value = wrong_verifier.json().await.unwrap();
    assert_eq!(body["error"], "invalid_grant");
    // That failed try spent the code: the real callback can no longer use it.
    browse(&app, &cb, Some(&flow.cookie)).await;
    let a = attempt(&app, &t, &flow.id).await;
    assert_eq!(a["error"]["code"], "code_exchange_failed");
}
