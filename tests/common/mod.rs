//! Helpers shared by the browser tests.
#![allow(dead_code)]

use base64::Engine;
use gloo_timers::future::TimeoutFuture;
use meshes_embed::bridge;
use meshes_protocol::api::{SessionContext, WorkspaceRef};
use meshes_protocol::message::Reject;
use meshes_protocol::{HostMessage, LaunchPage, Role, SessionType};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

pub const SID: &str = "sess_test";
pub const WS: &str = "7c1e2d9a-5b7e-4f3a-9a51-0d6c8e2f4b10";

pub fn window() -> web_sys::Window {
    web_sys::window().unwrap()
}

pub fn jwt(sid: &str) -> String {
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
