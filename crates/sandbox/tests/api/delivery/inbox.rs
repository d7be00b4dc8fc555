//! The demo's webhook inbox, as a stranger on the network would try it: what it shows is
//! escaped and masks credentials, its settings form refuses other sites, and it checks
//! signatures as a receiver should.

use super::*;
use crate::common::send_to;
use axum::body::Body;
use axum::http::Request;
use meshes_sandbox::engine::signing::{Algorithm, sign};
use meshes_sandbox::receiver::{Receiver, router};
use std::sync::Arc;

fn post(path: &str, headers: &[(&str, &str)], body: &str) -> Request<Body> {
    let mut req = Request::post(path);
    for (n, v) in headers {
        req = req.header(*n, *v);
    }
    req.body(Body::from(body.to_owned())).unwrap()
}

#[tokio::test]
async fn the_inbox_escapes_masks_and_refuses_other_sites() {
    let receiver = Arc::new(Receiver::default());
    let inbox = router(receiver.clone());
    let got = send_to(
        &inbox,
        post(
            "/inbox/probe",
            &[("authorization", "Bearer abcdefghijklmnopqrst")],
            "<script>alert(1)</script>",
        ),
    )
    .await;
    assert_eq!(got.status, StatusCode::OK);
    let page = send_to(
        &inbox,
        Request::get("/inbox/probe").body(Body::empty()).unwrap(),
    )
    .await;
    assert!(page.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!page.text.contains("<script>"));
    assert!(
        page.header("content-security-policy")
            .unwrap()
            .starts_with("default-src 'none'")
    );
    assert!(
        !page.text.contains("abcdefghijklmnopqrst"),
        "credentials are masked on the page"
    );
    let listed = send_to(
        &inbox,
        Request::get("/inbox/probe/requests")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    let auth = listed.json[0]["headers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h[0] == "authorization")
        .unwrap()[1]
        .clone();
    assert_eq!(auth, "Bearer abc… (27 characters)");
    assert_eq!(
        header(&receiver.requests("probe")[0], "authorization"),
        Some("Bearer abcdefghijklmnopqrst")
    );
    // A form posted from another site changes nothing.
    let form = "mode=fail&times=0&retry_after=0&secret=&signature_header=";
    let ct = ("content-type", "application/x-www-form-urlencoded");
    let r = send_to(
        &inbox,
        post(
            "/inbox/probe/settings",
            &[ct, ("sec-fetch-site", "cross-site")],
            form,
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        send_to(&inbox, post("/inbox/probe", &[], "{}"))
            .await
            .status,
        StatusCode::OK
    );
    let r = send_to(
        &inbox,
        post(
            "/inbox/probe/settings",
            &[ct, ("sec-fetch-site", "same-origin")],
            form,
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        send_to(&inbox, post("/inbox/probe", &[], "{}"))
            .await
            .status,
        StatusCode::SERVICE_UNAVAILABLE
    );
    let r = send_to(&inbox, post("/inbox/Not-A-Name", &[], "{}")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_inbox_checks_signatures_as_a_receiver_would() {
    let receiver = Arc::new(Receiver::default());
    receiver.configure("signed", |s| s.secret = "whsec_x".into());
    let inbox = router(receiver.clone());
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let body = r#"{"event":"a.b"}"#;
    let good = sign(Algorithm::Sha512, "whsec_x", now, body.as_bytes());
    let stale = sign(Algorithm::Sha256, "whsec_x", now - 600, body.as_bytes());
    let other = sign(Algorithm::Sha256, "whsec_y", now, body.as_bytes());
    for h in [
        Some(good.as_str()),
        Some(stale.as_str()),
        Some(other.as_str()),
        None,
    ] {
        let headers: Vec<(&str, &str)> = h.map(|v| ("x-meshes-signature", v)).into_iter().collect();
        send_to(&inbox, post("/inbox/signed", &headers, body)).await;
    }
    let checks: Vec<String> = receiver
        .requests("signed")
        .into_iter()
        .map(|q| q.signature)
        .collect();
    assert_eq!(checks[0], "verified");
    assert!(checks[1].starts_with("invalid: timestamp"), "{}", checks[1]);
    assert_eq!(checks[2], "invalid: the signature does not match the body");
    assert_eq!(checks[3], "unsigned");
}
