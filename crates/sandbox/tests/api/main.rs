//! The sandbox through its real routers, one module per area. One test binary: each binary
//! links the whole sandbox, and linking was the slow part of the native tests.
#![allow(
    clippy::unwrap_used,
    reason = "tests and their helpers: a surprise should fail the test at once"
)]

mod common;

mod authz;
mod authz_routes;
mod delivery;
mod embed;
mod hooks;
mod host;
mod launch;
mod mappings;
mod oauth;
mod protocol_requests;
mod reads;
mod session_lifecycle;
mod session_rules;
mod writes;
