//! A webhook inbox for the demo, on the provider origin (`/inbox/{name}`): it records what
//! arrives, checks the signature with the secret it was given (as a receiver would, knowing
//! nothing of Meshes' database), notices a repeated `Idempotency-Key`, and answers as it is
//! told: 200, 400, 429, 503 (optionally for the next N requests only) or not at all. State is
//! in memory and bounded.

mod inbox;
mod page;

use inbox::{clear, list, receive, settings_json};

use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

/// The inbox the seeded "Order Webhook" delivers to, and the secret it signs with.
pub const DEMO_INBOX: &str = "acme-orders";
pub const DEMO_SECRET: &str = "whsec_sandbox_demo_orders";

// Bounds: anyone who can reach the provider origin can post here.
const MAX_INBOXES: usize = 50;
const MAX_REQUESTS: usize = 100;
const MAX_BODY: usize = 64 * 1024;
const MAX_HEADERS: usize = 50;
const MAX_HEADER_VALUE: usize = 1024;
/// Requests held at once by `hang`; beyond, the inbox answers 503 at once.
const MAX_HANGING: usize = 16;
/// How long `hang` holds a request (longer than any delivery timeout).
const HANG: std::time::Duration = std::time::Duration::from_secs(120);

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    #[default]
    Ok,
    Reject,
    Fail,
    RateLimit,
    Hang,
}

/// How an inbox answers and verifies.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub mode: Mode,
    /// Answer with `mode` for this many more requests, then 200 (0: always).
    pub times: u32,
    /// `Retry-After` seconds sent with 503 and 429 (none if 0).
    pub retry_after: u32,
    /// Verify signatures with this secret (empty: do not verify).
    pub secret: String,
    /// Where the signature is (default `X-Meshes-Signature`).
    pub signature_header: String,
}

/// One request as the inbox saw it.
#[derive(Debug, Clone, Serialize)]
pub struct Received {
    pub n: u64,
    pub received_ms: i64,
    pub method: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// `verified`, `unsigned`, `not checked` or why it failed.
    pub signature: String,
    /// An earlier request (by number) carried the same `Idempotency-Key`: a retry, or a repeat.
    pub same_key_as: Option<u64>,
    pub answered: u16,
}

#[derive(Default)]
struct Inbox {
    settings: Settings,
    requests: VecDeque<Received>,
    next: u64,
}

#[derive(Default)]
pub struct Receiver {
    inboxes: Mutex<HashMap<String, Inbox>>,
    hanging: std::sync::atomic::AtomicUsize,
}

impl Received {
    /// As shown outside the process (page, JSON): credentials masked to their first characters.
    pub fn shown(&self) -> Received {
        let mut r = self.clone();
        for (h, v) in &mut r.headers {
            if matches!(
                h.as_str(),
                "authorization" | "proxy-authorization" | "cookie"
            ) {
                let start: String = v.chars().take(10).collect();
                *v = format!("{start}… ({} characters)", v.chars().count());
            }
        }
        r
    }
}

impl Receiver {
    /// A receiver with the demo inbox set up to verify the seeded connection's signatures.
    pub fn with_demo() -> Receiver {
        let r = Receiver::default();
        r.configure(DEMO_INBOX, |s| s.secret = DEMO_SECRET.into());
        r
    }

    fn with<T>(&self, name: &str, f: impl FnOnce(&mut Inbox) -> T) -> T {
        let mut all = self.inboxes.lock().unwrap_or_else(|p| p.into_inner());
        if !all.contains_key(name) && all.len() >= MAX_INBOXES {
            // The quietest inbox makes room (the demo one is refilled by its next request).
            if let Some(old) = all
                .iter()
                .min_by_key(|(_, i)| i.requests.back().map(|r| r.received_ms).unwrap_or(0))
                .map(|(k, _)| k.clone())
            {
                all.remove(&old);
            }
        }
        f(all.entry(name.to_owned()).or_default())
    }

    pub fn configure(&self, name: &str, f: impl FnOnce(&mut Settings)) {
        self.with(name, |i| f(&mut i.settings));
    }

    pub fn requests(&self, name: &str) -> Vec<Received> {
        self.with(name, |i| i.requests.iter().cloned().collect())
    }
}

fn valid_name(s: &str) -> bool {
    (1..=40).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

pub fn router(receiver: Arc<Receiver>) -> Router {
    Router::new()
        .route(
            "/inbox/{name}",
            get(page::show).post(receive).put(receive).patch(receive),
        )
        .route("/inbox/{name}/requests", get(list).delete(clear))
        .route(
            "/inbox/{name}/settings",
            post(page::settings).put(settings_json),
        )
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY))
        .with_state(receiver)
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        "Inbox names are 1-40 of a-z, 0-9 and -.",
    )
        .into_response()
}
