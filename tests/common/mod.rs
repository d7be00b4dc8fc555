//! Helpers shared by the browser tests.
#![allow(
    dead_code,
    reason = "shared by several test binaries, each using a part"
)]

use base64::Engine;
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use meshes_embed::api::{Api, ApiRequest, ApiResponse, Transport};
use meshes_embed::app::Workspace;
use meshes_embed::bridge::{self, Bridge};
use meshes_embed::session::Session;
use meshes_protocol::api::{SessionContext, WorkspaceRef};
use meshes_protocol::message::Reject;
use meshes_protocol::{EmbedMessage, HostMessage, LaunchPage, Role, SessionType};
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

pub const SID: &str = "sess_test";
pub const WS: &str = "7c1e2d9a-5b7e-4f3a-9a51-0d6c8e2f4b10";

pub fn window() -> web_sys::Window {
    web_sys::window().unwrap()
}

pub fn jwt(sid: &str) -> String {
    jwt_gen(sid, 1)
}

/// A token of a given generation (refreshes bump it).
pub fn jwt_gen(sid: &str, generation: u32) -> String {
    let claims = format!(
        r#"{{"iss":"meshes-sandbox","aud":"meshes-embed","sid":"{sid}","ws":"{WS}","role":"admin","st":"workspace","scp":[],"gen":{generation},"iat":1,"exp":4102444800}}"#
    );
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    format!(
        "{}.{}.c2ln",
        b64.encode(r#"{"alg":"HS256"}"#),
        b64.encode(claims)
    )
}

pub fn js(source: &str) -> JsValue {
    js_sys::Function::new_no_args(&format!("return ({source});"))
        .call0(&JsValue::NULL)
        .unwrap()
}

pub async fn until(what: &str, mut f: impl FnMut() -> bool) {
    for _ in 0..300 {
        if f() {
            return;
        }
        TimeoutFuture::new(10).await;
    }
    panic!("timed out waiting for {what}");
}

/// Collects `inspect` verdicts for every message this window receives.
pub fn capture(expected_origin: String) -> Rc<RefCell<Vec<Result<HostMessage, Reject>>>> {
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

pub fn context(session_type: SessionType) -> SessionContext {
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

pub type Requests = Arc<Mutex<Vec<ApiRequest>>>;

/// A session check that answers each token after its own delay, with its own status
/// (`answer(token) -> (delay ms, status)`); everything else is a 404.
pub fn checks(answer: impl Fn(&str) -> (u32, u16) + Send + Sync + 'static) -> Transport {
    Transport::new(move |req: ApiRequest| {
        let (delay, status) = if req.path.contains("/embed/session") {
            answer(req.token.as_deref().unwrap_or_default())
        } else {
            (0, 404)
        };
        let body = if status == 200 {
            session_info(1800)
        } else {
            format!(r#"{{"message":"status {status}"}}"#)
        };
        Box::pin(async move {
            TimeoutFuture::new(delay).await;
            Ok(ApiResponse {
                status,
                body,
                retry_after: None,
            })
        })
    })
}

/// The whoami answer for our session.
pub fn session_info(expires_in: u32) -> String {
    format!(
        r#"{{"session_id":"{SID}","workspace_id":"{WS}","role":"admin","session_type":"workspace","scopes":[],"expires_in":{expires_in}}}"#
    )
}

/// A fake API: each route answers with its responses in order (the last one repeats); every
/// request is recorded. `/embed/session` answers as a valid session unless a route overrides it.
pub fn fake(routes: Vec<(&'static str, Vec<(u16, String)>)>) -> (Transport, Requests) {
    let seen: Requests = Arc::new(Mutex::new(vec![]));
    let log = seen.clone();
    let counters = Arc::new(Mutex::new(vec![0usize; routes.len()]));
    let t = Transport::new(move |req: ApiRequest| {
        log.lock().unwrap().push(req.clone());
        let hit = routes.iter().position(|(p, _)| req.path.contains(p));
        let res = match hit {
            Some(i) => {
                let mut counters = counters.lock().unwrap();
                let answers = &routes[i].1;
                let (status, body) = answers[counters[i].min(answers.len() - 1)].clone();
                counters[i] += 1;
                ApiResponse {
                    status,
                    body,
                    retry_after: None,
                }
            }
            None if req.path.contains("/embed/session") => ApiResponse {
                status: 200,
                body: session_info(1800),
                retry_after: None,
            },
            None => ApiResponse {
                status: 404,
                body: r#"{"message":"Not Found"}"#.into(),
                retry_after: None,
            },
        };
        Box::pin(async move { Ok(res) })
    });
    (t, seen)
}

/// `inner`, with the answers to paths containing `part` held back `ms` milliseconds; `in_flight`
/// counts those requests while they wait.
pub fn delayed(
    inner: Transport,
    part: &'static str,
    ms: u32,
    in_flight: Arc<std::sync::atomic::AtomicUsize>,
) -> Transport {
    use std::sync::atomic::Ordering;
    Transport::new(move |req: ApiRequest| {
        let hold = req.path.contains(part);
        let answer = inner.call(req);
        let in_flight = in_flight.clone();
        Box::pin(async move {
            if hold {
                in_flight.fetch_add(1, Ordering::SeqCst);
                TimeoutFuture::new(ms).await;
                in_flight.fetch_sub(1, Ordering::SeqCst);
            }
            answer.await
        })
    })
}

/// Requests whose path contains `part`.
pub fn count(requests: &Requests, part: &str) -> usize {
    requests
        .lock()
        .unwrap()
        .iter()
        .filter(|r| r.path.contains(part))
        .count()
}

pub fn api(
    session_type: SessionType,
    transport: Transport,
) -> (Api, Arc<Mutex<Vec<EmbedMessage>>>) {
    let (bridge, posted) = Bridge::recording();
    let session = Session::new(context(session_type), bridge);
    (Api { transport, session }, posted)
}

pub struct Mounted {
    /// Parent of the mount's owner: cleaned up on drop, so listeners (the router's click
    /// handler) cannot outlive the test even while a request is still waiting.
    pub owner: Owner,
    pub _handle: leptos::mount::UnmountHandle<leptos::tachys::view::any_view::AnyViewState>,
    pub root: web_sys::HtmlElement,
    pub api: Api,
    pub posted: Arc<Mutex<Vec<EmbedMessage>>>,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        self.owner.cleanup();
    }
}

impl Mounted {
    pub fn text(&self, css: &str) -> Option<String> {
        self.root
            .query_selector(css)
            .ok()
            .flatten()
            .and_then(|e| e.text_content())
    }

    pub fn all_text(&self, css: &str) -> Vec<String> {
        let list = self.root.query_selector_all(css).unwrap();
        (0..list.length())
            .filter_map(|i| list.item(i)?.text_content())
            .collect()
    }

    /// `meshes:resize` messages the runtime has posted so far.
    pub fn resizes(&self) -> usize {
        self.posted
            .lock()
            .unwrap()
            .iter()
            .filter(|p| matches!(p, EmbedMessage::Resize { .. }))
            .count()
    }

    pub fn posted(&self, m: &EmbedMessage) -> bool {
        self.posted.lock().unwrap().contains(m)
    }
}

pub fn mount(path: &str, session_type: SessionType, transport: Transport) -> Mounted {
    mount_ctx(path, context(session_type), transport)
}

/// Mount with a chosen session context (role, scopes, resource).
pub fn mount_ctx(path: &str, ctx: SessionContext, transport: Transport) -> Mounted {
    window()
        .history()
        .unwrap()
        .replace_state_with_url(&JsValue::NULL, "", Some(path))
        .unwrap();
    let (bridge, posted) = Bridge::recording();
    let api = Api {
        transport,
        session: Session::new(ctx, bridge),
    };
    let doc = window().document().unwrap();
    let root: web_sys::HtmlElement = doc.create_element("div").unwrap().unchecked_into();
    doc.body().unwrap().append_child(&root).unwrap();
    let a = api.clone();
    let owner = Owner::new();
    let handle = owner.with(|| {
        leptos::mount::mount_to(root.clone(), move || {
            view! { <Workspace api=a /> }.into_any()
        })
    });
    Mounted {
        owner,
        _handle: handle,
        root,
        api,
        posted,
    }
}

pub fn ok(body: &str) -> (u16, String) {
    (200, body.to_owned())
}

pub fn status(code: u16) -> (u16, String) {
    (code, format!(r#"{{"message":"status {code}"}}"#))
}

/// As `until`, with a longer budget (for polling pages).
pub async fn until_ms(what: &str, ms: u32, mut f: impl FnMut() -> bool) {
    for _ in 0..ms / 20 {
        if f() {
            return;
        }
        TimeoutFuture::new(20).await;
    }
    panic!("timed out after {ms} ms waiting for {what}");
}

/// A session context with a chosen role and scopes.
pub fn ctx_as(role: Role, scopes: Vec<meshes_protocol::Scope>) -> SessionContext {
    SessionContext {
        role,
        scopes,
        ..context(SessionType::Workspace)
    }
}

impl Mounted {
    pub fn exists(&self, css: &str) -> bool {
        self.root.query_selector(css).ok().flatten().is_some()
    }

    pub fn el<T: JsCast>(&self, css: &str) -> T {
        self.root
            .query_selector(css)
            .unwrap()
            .unwrap_or_else(|| panic!("no element {css}"))
            .unchecked_into()
    }

    pub fn click(&self, css: &str) {
        self.el::<web_sys::HtmlElement>(css).click();
    }

    /// Set a form control's value and fire the event the page listens to.
    pub fn input(&self, css: &str, value: &str) {
        let el: web_sys::HtmlElement = self.el(css);
        js_sys::Reflect::set(&el, &"value".into(), &value.into()).unwrap();
        for kind in ["input", "change"] {
            let ev = web_sys::Event::new_with_event_init_dict(kind, &{
                let init = web_sys::EventInit::new();
                init.set_bubbles(true);
                init
            })
            .unwrap();
            el.dispatch_event(&ev).unwrap();
        }
    }

    pub fn submit(&self, form_css: &str) {
        let form: web_sys::HtmlFormElement = self.el(form_css);
        form.request_submit().unwrap();
    }
}
