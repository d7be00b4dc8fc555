//! The embed in real headless Chromium across three origins, against the release build: one
//! module per area. One test binary: each binary links the whole harness, and linking was a
//! slow part of CI. Tests run one at a time (`--test-threads=1`): each starts its own sandbox
//! and browser, and timing-sensitive pages must not compete for two cores.
#![allow(
    clippy::unwrap_used,
    reason = "tests and their helpers: a surprise should fail the test at once"
)]

mod a11y;
mod appearance;
mod delivery;
mod doctor;
mod faults;
mod focus;
mod foundation;
mod host_kit;
mod keyboard;
mod leaks;
mod lifecycle;
mod locale;
mod navigate_to;
mod oauth;
mod pages;
mod security;
mod split;
mod widths;
