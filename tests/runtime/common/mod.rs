//! Helpers shared by the browser tests.
#![allow(
    dead_code,
    reason = "shared by several test binaries, each using a part"
)]

mod fake;
mod fixtures;

pub use fake::*;
pub use fixtures::*;

use base64::Engine;
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use meshes_embed::api::{Api, Transport};
use meshes_embed::host::bridge::{self, Bridge};
use meshes_embed::session::Session;
use meshes_embed::shell::Workspace;
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

/// Polls `f` for up to about 10 s: generous, because CI runs these beside a release build on
/// two cores, and only a failure ever waits that long.
pub async fn until(what: &str, mut f: impl FnMut() -> bool) {
    for _ in 0..1000 {
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
pub fn api(
    session_type: SessionType,
    transport: Transport,
) -> (Api, Arc<Mutex<Vec<EmbedMessage>>>) {
    let (bridge, posted) = Bridge::recording();
    let session = Session::new(context(session_type), bridge);
    (Api::new(transport, session), posted)
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
    // Every test starts in English, whatever an earlier one switched to.
    meshes_embed::i18n::use_english();
    window()
        .history()
        .unwrap()
        .replace_state_with_url(&JsValue::NULL, "", Some(path))
        .unwrap();
    let (bridge, posted) = Bridge::recording();
    let api = Api::new(transport, Session::new(ctx, bridge));
    let doc = window().document().unwrap();
    let root: web_sys::HtmlElement = doc.create_element("div").unwrap().unchecked_into();
    doc.body().unwrap().append_child(&root).unwrap();
    let owner = Owner::new();
    let handle = owner.with(|| {
        leptos::mount::mount_to(root.clone(), move || view! { <Workspace api /> }.into_any())
    });
    Mounted {
        owner,
        _handle: handle,
        root,
        api,
        posted,
    }
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
