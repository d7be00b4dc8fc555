//! Browser tests of the workspace pages against a fake API: each page's success, empty, error
//! and forbidden states, role-gated actions, and the write paths (409/425/422 handling).
//! One test binary (linking a wasm test binary is the slow part), split by page group.
#![allow(
    clippy::unwrap_used,
    reason = "tests and their helpers: a surprise should fail the test at once"
)]
#![cfg(target_arch = "wasm32")]

#[path = "../common/mod.rs"]
mod common;
mod config;
mod events;
mod oauth;
mod switch;

use common::{Mounted, SID, ctx_as, fake, jwt, mount_ctx};
use meshes_embed::api::Method;
use meshes_protocol::{Role, Scope};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

pub const T: &str = r#""created_by":"api","created_at":"2026-11-20T10:00:00Z""#;

pub fn event(id: &str, status: &str) -> String {
    format!(
        r#"{{"id":"{id}","type":"event","workspace":"w","event":"deal.won","resource":"deal","resource_id":"deal_1","status":"{status}","total_rules":1,"completed_count":{},"failed_count":0,{T}}}"#,
        u8::from(status == "completed")
    )
}

pub fn page(records: &[String]) -> String {
    format!(
        r#"{{"count":{},"limit":50,"next_cursor":null,"records":[{}]}}"#,
        records.len(),
        records.join(",")
    )
}

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
