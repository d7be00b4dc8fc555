//! meshes-embed: the runtime inside the host's iframe.
//!
//! Boot order matters: the launch secret is stripped from the URL first (`launch`), exchanged
//! for the session context, the parent origin is bound (`bridge`), then the host is told we are
//! ready and the workspace renders (`app`, `pages`).

pub mod api;
pub mod app;
pub mod bridge;
pub mod error;
pub mod launch;
pub mod lifecycle;
pub mod oauth;
pub mod pages;
pub mod perf;
pub mod resize;
pub mod router;
pub mod session;
pub mod ui;

pub use app::start;
