//! Browser tests of the runtime (headless Chromium via wasm-bindgen-test-runner).
#![cfg(target_arch = "wasm32")]

use base64::Engine;
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use meshes_embed::api::{Api, ApiRequest, ApiResponse, Transport};
use meshes_embed::app::Workspace;
use meshes_embed::bridge::{self, Bridge};
use meshes_embed::session::Session;
use meshes_protocol::api::{SessionContext, WorkspaceRef};
use meshes_protocol::message::Reject;
use meshes_protocol::{
    EmbedMessage, EmbedPage, ExpiredReason, HostMessage, LaunchPage, Role, SessionType,
};
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const SID: &str = "sess_test";
const WS: &str = "7c1e2d9a-5b7e-4f3a-9a51-0d6c8e2f4b10";

fn window() -> web_sys::Window {
    web_sys::window().unwrap()
}

fn jwt(sid: &str) -> String {
    let claims = format!(
        r#"{{"iss":"meshes-sandbox","aud":"meshes-embed","sid":"{sid}","ws":"{WS}","role":"admin","st":"workspace","scp":[],"gen":1,"iat":1,"exp":4102444800}}"#
    );
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    format!(
        "{}.{}.c2ln",
        b64.encode(r#"{"alg":"HS256"}"#),
        b64.encode(claims)
    )
}

fn js(source: &str) -> JsValue {
    js_sys::Function::new_no_args(&format!("return ({source});"))
        .call0(&JsValue::NULL)
        .unwrap()
}

async fn until(what: &str, mut f: impl FnMut() -> bool) {
    for _ in 0..300 {
        if f() {
            return;
        }
        TimeoutFuture::new(10).await;
    }
    panic!("timed out waiting for {what}");
}

/// Collects `inspect` verdicts for every message this window receives.
fn capture(expected_origin: String) -> Rc<RefCell<Vec<Result<HostMessage, Reject>>>> {
    let seen = Rc::new(RefCell::new(vec![]));
    let sink = seen.clone();
    let parent: JsValue = window().into();
    let cb = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
        sink.borrow_mut()
            .push(bridge::inspect(&ev, &expected_origin, &parent));
    });
    window()
        .add_event_listener_with_callback("message", cb.as_ref().unchecked_ref())
        .unwrap();
    cb.forget();
    seen
}

#[wasm_bindgen_test]
async fn bridge_accepts_only_well_formed_auth_from_the_parent_origin() {
    let origin = window().location().origin().unwrap();
    let seen = capture(origin.clone());
    let good = jwt(SID);
    let cases: Vec<JsValue> = vec![
        js(&format!("{{type: 'meshes:auth', token: '{good}'}}")),
        js("'meshes:auth'"),
        js("42"),
        js("null"),
        js(&format!("[{{type: 'meshes:auth', token: '{good}'}}]")),
        js("{type: 'meshes:authx', token: 'a.b.c'}"),
        js("{type: 'MESHES:AUTH', token: 'a.b.c'}"),
        js("{type: 'meshes:auth'}"),
        js("{type: 'meshes:auth', token: 42}"),
        js("{type: 'meshes:auth', token: 'Bearer a.b.c'}"),
        js("{type: 'meshes:auth', token: 'a.b.c\\r\\nX-Injected: 1'}"),
        js("{type: 'meshes:auth', token: 'a'.repeat(9000) + '.b.c'}"),
        js("{type: 'x'.repeat(1 << 20)}"),
        js("new Date()"),
        js("new Map([['type', 'meshes:auth']])"),
        js("(() => { let a = []; for (let i = 0; i < 10000; i++) a = [a]; return a; })()"),
        js("JSON.parse('{\"__proto__\": {\"type\": \"meshes:auth\"}}')"),
        js(&format!(
            "{{type: 'meshes:auth', token: '{good}', expires_in: -1}}"
        )),
    ];
    // Some values cannot even be structured-cloned; those never arrive, which is fine.
    let n = cases
        .iter()
        .filter(|data| window().post_message(data, &origin).is_ok())
        .count();
    assert!(
        n >= cases.len() - 1,
        "only pathological values may fail to post"
    );
    until("every message to be inspected", || seen.borrow().len() >= n).await;
    let verdicts = seen.borrow();
    assert_eq!(
        verdicts[0],
        Ok(HostMessage::Auth {
            token: good.clone(),
            expires_in: None
        })
    );
    for (i, v) in verdicts.iter().enumerate().skip(1) {
        assert!(v.is_err(), "case {i} was accepted: {v:?}");
    }
    assert!(!js("window.__pwned === true").as_bool().unwrap());
}

#[wasm_bindgen_test]
async fn bridge_rejects_wrong_origin_wrong_source_and_synthetic_events() {
    let origin = window().location().origin().unwrap();
    // Expecting another origin: our own valid message is dropped.
    let other = capture("http://other.test".into());
    window()
        .post_message(
            &js(&format!("{{type: 'meshes:auth', token: '{}'}}", jwt(SID))),
            &origin,
        )
        .unwrap();
    until("the message", || !other.borrow().is_empty()).await;
    assert_eq!(other.borrow()[0], Err(Reject::Origin));

    // A child frame (same origin, but not our parent) posting the same message.
    let seen = capture(origin.clone());
    let doc = window().document().unwrap();
    let frame: web_sys::HtmlIFrameElement = doc.create_element("iframe").unwrap().unchecked_into();
    frame.set_srcdoc(&format!(
        "<script>parent.postMessage({{type: 'meshes:auth', token: '{}'}}, '{origin}')</script>",
        jwt(SID)
    ));
    doc.body().unwrap().append_child(&frame).unwrap();
    // A sandboxed child ("null" origin) posting too.
    let sandboxed: web_sys::HtmlIFrameElement =
        doc.create_element("iframe").unwrap().unchecked_into();
    sandboxed.set_attribute("sandbox", "allow-scripts").unwrap();
    sandboxed.set_srcdoc(&format!(
        "<script>parent.postMessage({{type: 'meshes:auth', token: '{}'}}, '{origin}')</script>",
        jwt(SID)
    ));
    doc.body().unwrap().append_child(&sandboxed).unwrap();
    until("both frames' messages", || seen.borrow().len() >= 2).await;
    assert!(
        seen.borrow().iter().all(|v| *v == Err(Reject::Source)),
        "{:?}",
        seen.borrow()
    );

    // A synthetic MessageEvent that claims the right origin and source.
    let init = web_sys::MessageEventInit::new();
    init.set_data(&js(&format!(
        "{{type: 'meshes:auth', token: '{}'}}",
        jwt(SID)
    )));
    init.set_origin(&origin);
    let ev = web_sys::MessageEvent::new_with_event_init_dict("message", &init).unwrap();
    let before = seen.borrow().len();
    window().dispatch_event(&ev).unwrap();
    assert_eq!(seen.borrow().len(), before + 1);
    assert_eq!(
        seen.borrow()[before],
        Err(Reject::Source),
        "untrusted events are dropped"
    );
    frame.remove();
    sandboxed.remove();
}

fn context(session_type: SessionType) -> SessionContext {
    SessionContext {
        session_id: SID.into(),
        workspace: WorkspaceRef {
            id: WS.into(),
            name: "Test Workspace".into(),
        },
        role: Role::Admin,
        scopes: vec![],
        session_type,
        resource: None,
        resource_id: None,
        allowed_origins: vec![],
        launch_page: LaunchPage::Dashboard,
    }
}

#[wasm_bindgen_test]
fn tokens_for_another_session_are_refused_and_reported() {
    let (bridge, log) = Bridge::recording();
    let session = Session::new(context(SessionType::Workspace), bridge);
    assert!(!session.accept_auth(jwt("sess_someone_else")));
    assert_eq!(session.token_value(), None);
    assert_eq!(
        *log.lock().unwrap(),
        vec![EmbedMessage::TokenExpired {
            reason: ExpiredReason::SessionMismatch
        }]
    );
    assert!(session.accept_auth(jwt(SID)));
    assert_eq!(session.token_value(), Some(jwt(SID)));
}

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
