//! meshes-embed: the runtime inside the host's iframe.
//!
//! Follow a token through the folders: `boot` strips the launch secret from the URL (`launch`)
//! and trades it for the session context; `session` holds the access token the host delivers and
//! keeps it fresh; `api` sends it with every request; `shell` frames the workspace and routes to
//! `pages` (the hosted OAuth flow in `oauth`); `host` is the host page both ways — checked
//! messages in, `ready`/`resize`/`navigate` and token asks out. `ui` holds shared components;
//! `i18n` the catalogs every word on screen comes from.

pub mod api;
pub mod boot;
pub mod error;
pub mod host;
pub mod i18n;
pub mod launch;
pub mod oauth;
pub mod pages;
pub mod perf;
pub mod session;
pub mod shell;
pub mod ui;

pub use boot::start;

// The unit tests run where the runtime does, in the browser (with the browser tests); natively
// they are plain `#[test]`s (`unsupported = test`).
#[cfg(all(test, target_arch = "wasm32"))]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
