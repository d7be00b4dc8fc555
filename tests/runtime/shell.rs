//! The workspace frame against a fake API: the first page once authed (its text never markup),
//! expiry and recovery, navigation and the page policy, the frame's size, times and the dashboard.

use crate::common::{self, *};
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use meshes_embed::session::AuthStatus;
use meshes_protocol::api::{Connection, InactiveReason};
use meshes_protocol::{EmbedMessage, EmbedPage, ExpiredReason, SessionType};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

/// Two connections; the second's name is markup, which must show as text.
pub fn connections() -> String {
    let revoked = Connection {
        active: false,
        inactive_reason: Some(InactiveReason::OauthAuthorizationRevoked),
        ..connection(
            "c2",
            "salesforce",
            "<img src=x onerror=window.__pwned=true>",
        )
    };
    page_of(&[connection("c1", "hubspot", "HubSpot Sales"), revoked])
}

pub async fn connections_shown(m: &Mounted) {
    until("connection rows", || m.all_text(".conn-name").len() == 2).await;
}

#[wasm_bindgen_test]
async fn connections_page_renders_from_the_api_once_authed() {
    let (t, requests) = fake(vec![("/connections", vec![ok(&connections())])]);
    let m = mount("/workspace/connections", SessionType::Workspace, t);
    TimeoutFuture::new(50).await;
    assert!(
        requests.lock().unwrap().is_empty(),
        "no request before meshes:auth"
    );
    assert!(
        m.root.query_selector(".skeleton").unwrap().is_some(),
        "loading state while waiting for auth"
    );

    assert!(m.api.accept_auth(jwt(SID)).await);
    connections_shown(&m).await;
    assert_eq!(
        m.all_text(".conn-name"),
        ["HubSpot Sales", "<img src=x onerror=window.__pwned=true>"]
    );
    assert!(
        m.root.query_selector("img").unwrap().is_none(),
        "API text is never markup"
    );
    assert!(
        m.text("tbody")
            .unwrap()
            .contains("Access was revoked in the provider")
    );
    let reqs = requests.lock().unwrap().clone();
    assert_eq!(
        reqs[0].path, "/api/v1/embed/session",
        "the token is verified before use"
    );
    let list = reqs
        .iter()
        .find(|r| r.path.contains("/connections"))
        .unwrap();
    assert_eq!(
        list.path,
        format!("/api/v1/workspaces/{}/connections?limit=50", common::WS)
    );
    assert_eq!(list.token, Some(jwt(SID)));
    until("a resize message", || {
        m.posted
            .lock()
            .unwrap()
            .iter()
            .any(|p| matches!(p, EmbedMessage::Resize { height } if *height > 0))
    })
    .await;
}

#[wasm_bindgen_test]
async fn expiry_keeps_the_page_and_a_late_auth_recovers_it() {
    let (t, _) = fake(vec![("/connections", vec![ok(&connections())])]);
    let m = mount("/workspace/connections", SessionType::Workspace, t);
    m.api.accept_auth(jwt(SID)).await;
    connections_shown(&m).await;
    m.api.session.expire(ExpiredReason::RefreshTimeout);
    until("the banner", || m.text("#session-banner").is_some()).await;
    assert!(m.posted(&EmbedMessage::TokenExpired {
        reason: ExpiredReason::RefreshTimeout
    }));
    assert_eq!(
        m.all_text(".conn-name").len(),
        2,
        "what was on screen stays"
    );
    assert!(!m.api.session.can_write.get_untracked());
    m.api.accept_auth(jwt(SID)).await;
    assert_eq!(m.api.session.status.get_untracked(), AuthStatus::Authed);
    until("the banner to go", || m.text("#session-banner").is_none()).await;
}

#[wasm_bindgen_test]
async fn navigation_is_reported_and_session_types_limit_pages() {
    let (t, _) = fake(vec![("/dashboard", vec![status(500)])]);
    let m = mount("/workspace/dashboard", SessionType::Workspace, t);
    TimeoutFuture::new(20).await;
    let rules: web_sys::HtmlElement = m
        .root
        .query_selector("a[href='/workspace/rules']")
        .unwrap()
        .unwrap()
        .unchecked_into();
    rules.click();
    until("meshes:navigate", || {
        m.posted(&EmbedMessage::Navigate {
            path: "/workspace/rules".into(),
            page: EmbedPage::Rules,
        })
    })
    .await;
    drop(m);

    let (t, _) = fake(vec![]);
    let m = mount("/workspace/connections", SessionType::Dashboard, t);
    assert_eq!(m.all_text(".ws-nav a"), ["Dashboard"]);
    until("the refusal", || m.text(".error-title").is_some()).await;
    assert!(
        m.text(".error-title")
            .unwrap()
            .contains("isn't available in this embedded view")
    );
}

/// After `meshes:auth` the first page's read goes out with the new token while its session
/// check is still on the way (one round trip, not two); a write waits for the check.
#[wasm_bindgen_test]
async fn the_first_read_overlaps_the_session_check_and_writes_wait_for_it() {
    use meshes_embed::api::{ApiRequest, ApiResponse, Transport};
    let seen: common::Requests = Default::default();
    let log = seen.clone();
    let t = Transport::new(move |req: ApiRequest| {
        let path = req.path.clone();
        log.lock().unwrap().push(req);
        Box::pin(async move {
            let (delay, body) = if path.contains("/embed/session") {
                (400, common::session_info(1800))
            } else if path.contains("/connections") {
                (0, connections())
            } else {
                (0, "{}".to_owned())
            };
            TimeoutFuture::new(delay).await;
            Ok(ApiResponse {
                status: 200,
                body,
                retry_after: None,
            })
        })
    });
    let m = mount("/workspace/connections", SessionType::Workspace, t);
    let api = m.api;
    wasm_bindgen_futures::spawn_local(async move {
        api.accept_auth(jwt(SID)).await;
    });
    connections_shown(&m).await;
    assert_eq!(
        m.api.session.token_value(),
        None,
        "the page is on screen before the session check answered"
    );
    let api = m.api;
    wasm_bindgen_futures::spawn_local(async move {
        let _ = api
            .update_rule("r1", &meshes_protocol::api::UpdateRule { active: false })
            .await;
    });
    TimeoutFuture::new(50).await;
    assert_eq!(
        count(&seen, "/api/v1/rules"),
        0,
        "no write before the check"
    );
    until("the check", || m.api.session.token_value().is_some()).await;
    until("the write", || count(&seen, "/api/v1/rules") == 1).await;
}

#[wasm_bindgen_test]
async fn the_host_hears_the_size_once_the_content_is_here_not_for_the_skeleton() {
    let (t, _) = fake(vec![("/connections", vec![ok(&connections())])]);
    let m = mount("/workspace/connections", SessionType::Workspace, t);
    // Waiting for the first token: the skeleton's height is nobody's business.
    TimeoutFuture::new(300).await;
    assert!(m.exists(".skeleton"));
    assert_eq!(m.resizes(), 0, "no resize for a skeleton");
    m.api.accept_auth(jwt(SID)).await;
    connections_shown(&m).await;
    until("a resize", || m.resizes() > 0).await;
    TimeoutFuture::new(300).await;
    assert_eq!(m.resizes(), 1, "one settled change, one resize");
}

#[wasm_bindgen_test]
async fn a_skeleton_that_stays_too_long_still_sizes_the_frame() {
    let (t, _) = fake(vec![("/connections", vec![ok(&connections())])]);
    let m = mount("/workspace/connections", SessionType::Workspace, t);
    TimeoutFuture::new(500).await;
    assert_eq!(m.resizes(), 0);
    common::until_ms("a resize after the hold limit", 2500, || m.resizes() > 0).await;
    assert!(m.exists(".skeleton"), "still waiting for a token");
}

/// Timestamps read as `Date.toLocaleString()` writes them (one shared formatter, not one per
/// row); text that is not a date stays as it was.
#[wasm_bindgen_test]
fn timestamps_read_in_the_viewers_locale_and_zone() {
    use meshes_embed::ui::local_time;
    for at in ["2026-11-30T18:00:07Z", "2026-01-01T00:00:00.123+02:00"] {
        let expected = js_sys::Date::new(&at.into())
            .to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED);
        assert_eq!(local_time(at), Some(String::from(expected)), "{at}");
    }
    assert_eq!(local_time("yesterday-ish"), None);
    // Many in a row (the first built the formatter): the same answer every time.
    let once = local_time("2026-11-30T18:00:07Z");
    assert!((0..100).all(|_| local_time("2026-11-30T18:00:07Z") == once));
}

/// The dashboard's numbers come first (one short task); the chart and the lists follow after
/// that frame, and the host hears one size for the whole page.
#[wasm_bindgen_test]
async fn the_dashboard_shows_its_numbers_first_then_the_rest_with_one_resize() {
    let metrics = include_str!("../../crates/protocol/fixtures/dashboard.json");
    let (t, _) = fake(vec![("/dashboard", vec![ok(metrics)])]);
    let m = mount("/workspace/dashboard", SessionType::Workspace, t);
    // Seen at the end of the task that put the numbers in (mutation callbacks run then):
    // was the rest already there?
    let rest_with_numbers = std::rc::Rc::new(std::cell::Cell::new(None::<bool>));
    let (seen, root) = (rest_with_numbers.clone(), m.root.clone());
    let on_change = wasm_bindgen::closure::Closure::<
        dyn FnMut(js_sys::Array, web_sys::MutationObserver),
    >::new(move |_, _| {
        let has = |css: &str| root.query_selector(css).ok().flatten().is_some();
        if seen.get().is_none() && has("#kpi-events") {
            seen.set(Some(has("#connection-health")));
        }
    });
    let observer = web_sys::MutationObserver::new(on_change.as_ref().unchecked_ref()).unwrap();
    let options = web_sys::MutationObserverInit::new();
    options.set_child_list(true);
    options.set_subtree(true);
    observer.observe_with_options(&m.root, &options).unwrap();
    m.api.accept_auth(jwt(SID)).await;
    until("the rest", || m.exists("#connection-health")).await;
    observer.disconnect();
    assert_eq!(
        rest_with_numbers.get(),
        Some(false),
        "the numbers went on screen in a task of their own"
    );
    assert!(m.exists("svg.chart .bar") && m.exists(".failures li"));
    until("a resize", || m.resizes() > 0).await;
    TimeoutFuture::new(300).await;
    assert_eq!(m.resizes(), 1, "one resize for the whole page");
}
