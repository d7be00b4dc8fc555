//! Browser tests of the runtime against a fake API, one module per area: host messages and
//! tokens, reads and writes under failure, the shell, and each page's success, empty, error and
//! forbidden states, role-gated actions and write paths. One test binary: linking a wasm test
//! binary and starting its browser are the slow part.
#![allow(
    clippy::unwrap_used,
    reason = "tests and their helpers: a surprise should fail the test at once"
)]
#![cfg(target_arch = "wasm32")]

mod appearance;
mod common;
mod config;
mod event_detail;
mod events;
mod focus;
mod follow_up;
mod host_messages;
mod locale;
mod mappings;
mod navigate_to;
mod oauth;
mod reads;
mod rule_edit;
mod shell;
mod switch;
mod tokens;
mod writes;

use common::{Mounted, SID, ctx_as, event, fake, json, jwt, mount_ctx, page_of};
use meshes_embed::api::Method;
use meshes_protocol::api::Status;
use meshes_protocol::{Role, Scope};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

pub async fn authed(
    path: &str,
    role: Role,
    scopes: Vec<Scope>,
    routes: Vec<(&'static str, Vec<(u16, String)>)>,
) -> (Mounted, common::Requests) {
    let (t, requests) = fake(routes);
    let m = mount_ctx(path, ctx_as(role, scopes), t);
    assert!(m.api.accept_auth(jwt(SID)).await);
    (m, requests)
}

pub fn sent(requests: &common::Requests, method: Method, part: &str) -> Vec<Option<String>> {
    requests
        .lock()
        .unwrap()
        .iter()
        .filter(|r| r.method == method && r.path.contains(part))
        .map(|r| r.body.clone())
        .collect()
}
