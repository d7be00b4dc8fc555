//! The sandbox through its real routers, one module per area. One test binary: each binary
//! links the whole sandbox, and linking was the slow part of the native tests.

mod common;

mod authz;
mod authz_routes;
mod embed;
mod hooks;
mod host;
mod launch;
mod mappings;
mod oauth;
mod reads;
mod session_lifecycle;
mod session_rules;
mod writes;
