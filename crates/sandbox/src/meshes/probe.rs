//! `GET /embed/probe`: what the embed doctor (`www/meshes-doctor.js`) asks of the Meshes origin
//! from a host page. Framed, it shows whether the host's CSP lets the page frame this origin;
//! fetched, it gives Meshes' clock. It holds nothing and sets nothing, so any page may frame
//! or read it.

use crate::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::IntoResponse;
use serde::Serialize;

/// The server's clock, in milliseconds since the Unix epoch.
#[derive(Serialize)]
pub struct Probe {
    pub now_ms: u64,
}

pub async fn probe(State(state): State<AppState>) -> impl IntoResponse {
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
    // A skew only tests may ask for (decision 98).
    let offset_ms = if state.cfg.test_hooks {
        state.cfg.probe_clock_offset_seconds * 1000
    } else {
        0
    };
    let now_ms = now_ms.saturating_add_signed(offset_ms);
    let mut h = HeaderMap::new();
    let set = |h: &mut HeaderMap, name, value| h.insert(name, HeaderValue::from_static(value));
    set(&mut h, header::ACCESS_CONTROL_ALLOW_ORIGIN, "*");
    set(&mut h, header::CACHE_CONTROL, "no-store");
    set(
        &mut h,
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; frame-ancestors *",
    );
    set(&mut h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(
        &mut h,
        header::HeaderName::from_static("cross-origin-resource-policy"),
        "cross-origin",
    );
    (h, Json(Probe { now_ms }))
}
