//! Browser tests of the workspace UI against a fake API.
#![cfg(target_arch = "wasm32")]

mod common;

use common::{SID, WS, context, jwt, until, window};
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use meshes_embed::api::{Api, ApiRequest, ApiResponse, Transport};
use meshes_embed::app::Workspace;
use meshes_embed::bridge::Bridge;
use meshes_embed::session::Session;
use meshes_protocol::{EmbedMessage, EmbedPage, SessionType};
use std::sync::{Arc, Mutex};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

type Requests = Arc<Mutex<Vec<ApiRequest>>>;

/// A fake API: answers by path, records every request.
fn fake(routes: Vec<(&'static str, u16, String)>) -> (Transport, Requests) {
    let seen: Requests = Arc::new(Mutex::new(vec![]));
    let log = seen.clone();
    let t = Transport::new(move |req: ApiRequest| {
        log.lock().unwrap().push(req.clone());
        let hit = routes.iter().find(|(p, _, _)| req.path.contains(p));
        let res = match hit {
            Some((_, status, body)) => ApiResponse {
                status: *status,
                body: body.clone(),
            },
            None => ApiResponse {
                status: 404,
                body: r#"{"message":"Not Found"}"#.into(),
            },
        };
        Box::pin(async move { Ok(res) })
    });
    (t, seen)
}

struct Mounted {
    _handle: leptos::mount::UnmountHandle<leptos::tachys::view::any_view::AnyViewState>,
    root: web_sys::HtmlElement,
    session: Session,
    posted: Arc<Mutex<Vec<EmbedMessage>>>,
}

impl Mounted {
    fn text(&self, css: &str) -> Option<String> {
        self.root
            .query_selector(css)
            .ok()
            .flatten()
            .and_then(|e| e.text_content())
    }
    fn all_text(&self, css: &str) -> Vec<String> {
        let list = self.root.query_selector_all(css).unwrap();
        (0..list.length())
            .filter_map(|i| list.item(i)?.text_content())
            .collect()
    }
}

fn mount(path: &str, session_type: SessionType, transport: Transport) -> Mounted {
    window()
        .history()
        .unwrap()
        .replace_state_with_url(&JsValue::NULL, "", Some(path))
        .unwrap();
    let (bridge, posted) = Bridge::recording();
    let session = Session::new(context(session_type), bridge);
    let api = Api {
        transport,
        session: session.clone(),
    };
    let doc = window().document().unwrap();
    let root: web_sys::HtmlElement = doc.create_element("div").unwrap().unchecked_into();
    doc.body().unwrap().append_child(&root).unwrap();
    let handle =
        leptos::mount::mount_to(root.clone(), move || view! { <Workspace api/> }.into_any());
    Mounted {
        _handle: handle,
        root,
        session,
        posted,
    }
}

const CONNECTIONS: &str = r#"{"count":2,"limit":50,"next_cursor":null,"records":[
 {"id":"c1","workspace":"w","type":"hubspot","name":"HubSpot Sales","metadata":{},"active":true,"hidden":false,"created_by":"seed","created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z"},
 {"id":"c2","workspace":"w","type":"salesforce","name":"<img src=x onerror=window.__pwned=true>","metadata":{},"active":false,"inactive_reason":"oauth_authorization_revoked","hidden":false,"created_by":"seed","created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z"}]}"#;

#[wasm_bindgen_test]
async fn connections_page_renders_from_the_api_once_authed() {
    let (t, requests) = fake(vec![("/connections", 200, CONNECTIONS.into())]);
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

    m.session.accept_auth(jwt(SID));
    until("connection rows", || m.all_text(".conn-name").len() == 2).await;
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
    let req = requests.lock().unwrap()[0].clone();
    assert_eq!(
        req.path,
        format!("/api/v1/workspaces/{WS}/connections?limit=50")
    );
    assert_eq!(req.token, Some(jwt(SID)));
    // The content height was reported to the host.
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
async fn errors_say_what_happened_and_401_asks_for_a_refresh() {
    let (t, _) = fake(vec![(
        "/connections",
        403,
        r#"{"message":"Forbidden"}"#.into(),
    )]);
    let m = mount("/workspace/connections", SessionType::Workspace, t);
    m.session.accept_auth(jwt(SID));
    until("the error state", || m.text(".error-title").is_some()).await;
    assert_eq!(
        m.text(".error-title").unwrap(),
        "This isn't allowed for this embedded session"
    );

    let (t, _) = fake(vec![(
        "/dashboard",
        401,
        r#"{"message":"Unauthorized"}"#.into(),
    )]);
    let m = mount("/workspace/dashboard", SessionType::Workspace, t);
    m.session.accept_auth(jwt(SID));
    until("a refresh request", || {
        m.posted
            .lock()
            .unwrap()
            .iter()
            .any(|p| matches!(p, EmbedMessage::TokenRefresh { .. }))
    })
    .await;
    assert_eq!(
        m.session.token_value(),
        None,
        "the refused token is dropped"
    );
}

#[wasm_bindgen_test]
async fn navigation_is_reported_and_session_types_limit_pages() {
    let (t, _) = fake(vec![("/dashboard", 500, "oops".into())]);
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
        m.posted.lock().unwrap().contains(&EmbedMessage::Navigate {
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
