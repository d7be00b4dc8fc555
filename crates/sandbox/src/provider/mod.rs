//! Fake OAuth 2.0 providers on their own origin (`MESHES_PROVIDER_ADDR`): for every OAuth
//! integration of the catalog an authorization page (Approve / Deny, an account name to type), a
//! token endpoint (authorization code + PKCE S256, single-use codes, refresh tokens) and the API
//! the connection's live action data comes from. State lives in memory: a restart signs every
//! sandbox connection out, as a real provider revoking tokens would.

mod consent;
mod token;

use consent::{authorize, decide};

use crate::secrets::{escape_html as escape, query_value, random_token};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The integrations this origin plays the provider for.
pub const PROVIDERS: &[&str] = &[
    "aweber",
    "discord",
    "hubspot",
    "intercom",
    "pipedrive",
    "salesforce",
    "slack",
    "zoom",
];
pub const CLIENT_ID: &str = "meshes-sandbox";
pub(super) const CODE_TTL: Duration = Duration::from_secs(600);

/// One provider app registration (shared by every fake provider) plus what it has issued.
pub struct Provider {
    pub client_secret: String,
    /// The only redirect URI registered for the client; compared exactly.
    pub redirect_uri: String,
    /// Send `Cross-Origin-Opener-Policy: same-origin` on the authorization page.
    pub coop: AtomicBool,
    /// Delay the authorization page by this many milliseconds.
    pub slow_ms: AtomicU64,
    /// Delay the token endpoint by this many milliseconds (tests: a slow code exchange).
    pub token_slow_ms: AtomicU64,
    inner: Mutex<Issued>,
}

/// What the providers have handed out, in memory. Bounded: pending requests and codes are
/// dropped once they can no longer be used (and beyond `MAX_PENDING`), tokens beyond
/// `MAX_TOKENS` oldest first — anyone can call `/authorize` as often as they like.
#[derive(Default)]
struct Issued {
    requests: HashMap<String, AuthRequest>,
    codes: HashMap<String, Grant>,
    /// access or refresh token -> (kind, account, is_refresh)
    tokens: HashMap<String, (String, String, bool)>,
    /// Tokens in the order they were issued, for eviction.
    token_order: std::collections::VecDeque<String>,
    /// When each access token stops working.
    expires: HashMap<String, Instant>,
    /// What the provider API accepted, newest last (bounded).
    delivered: std::collections::VecDeque<Delivered>,
}

/// One record the provider API accepted from a delivery.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Delivered {
    pub kind: String,
    pub account: String,
    pub body: serde_json::Value,
}

/// How long an access token works (what the token endpoint says in `expires_in`).
pub const ACCESS_TTL: Duration = Duration::from_secs(3600);
const MAX_DELIVERED: usize = 500;

const MAX_PENDING: usize = 1_000;
const MAX_TOKENS: usize = 10_000;

impl Issued {
    fn add_request(&mut self, id: String, req: AuthRequest) {
        self.requests.retain(|_, r| r.at.elapsed() < CODE_TTL);
        evict_oldest(&mut self.requests, |r| r.at);
        self.requests.insert(id, req);
    }

    fn add_code(&mut self, code: String, grant: Grant) {
        // A used code is kept until its TTL ends, so a replay can still revoke what it minted.
        self.codes.retain(|_, g| g.issued.elapsed() < CODE_TTL);
        evict_oldest(&mut self.codes, |g| g.issued);
        self.codes.insert(code, grant);
    }

    fn add_token(&mut self, token: String, entry: (String, String, bool)) {
        while self.token_order.len() >= MAX_TOKENS {
            if let Some(old) = self.token_order.pop_front() {
                self.tokens.remove(&old);
            }
        }
        self.token_order.push_back(token.clone());
        if !entry.2 {
            self.expires
                .insert(token.clone(), Instant::now() + ACCESS_TTL);
        }
        self.tokens.insert(token, entry);
        let tokens = &self.tokens;
        self.expires.retain(|t, _| tokens.contains_key(t));
    }

    /// A fresh access and refresh token for `account` at provider `kind`.
    fn issue(&mut self, kind: &str, account: &str) -> (String, String) {
        let (access, refresh) = (random_token::<24>(), random_token::<24>());
        self.add_token(access.clone(), (kind.to_owned(), account.to_owned(), false));
        self.add_token(refresh.clone(), (kind.to_owned(), account.to_owned(), true));
        (access, refresh)
    }
}

fn evict_oldest<V>(map: &mut HashMap<String, V>, at: impl Fn(&V) -> Instant) {
    while map.len() >= MAX_PENDING {
        let Some(oldest) = map
            .iter()
            .min_by_key(|(_, v)| at(v))
            .map(|(k, _)| k.clone())
        else {
            return;
        };
        map.remove(&oldest);
    }
}

#[derive(Clone)]
struct AuthRequest {
    kind: String,
    redirect_uri: String,
    state: String,
    challenge: String,
    at: Instant,
}

struct Grant {
    req: AuthRequest,
    account: String,
    issued: Instant,
    used: bool,
    /// Tokens minted from this code, revoked if the code is replayed (RFC 6749 §4.1.2).
    minted: Vec<String>,
}

impl Provider {
    pub fn new(client_secret: String, redirect_uri: String) -> Provider {
        Provider {
            client_secret,
            redirect_uri,
            coop: AtomicBool::new(false),
            slow_ms: AtomicU64::new(0),
            token_slow_ms: AtomicU64::new(0),
            inner: Mutex::new(Issued::default()),
        }
    }

    /// Revoke every token issued for `account` (tests: "the user disconnected the app").
    /// How many requests, codes and tokens are held (tests: the maps stay bounded).
    pub fn held(&self) -> (usize, usize, usize) {
        let inner = self.lock();
        (inner.requests.len(), inner.codes.len(), inner.tokens.len())
    }

    /// Tokens for an account connected outside the authorization page (the demo's seeded
    /// connections): `(access, refresh)`.
    pub fn issue(&self, kind: &str, account: &str) -> (String, String) {
        self.lock().issue(kind, account)
    }

    /// Make every access token of `account` expired now (tests: a token outlived its hour).
    pub fn expire_account(&self, account: &str) {
        let mut inner = self.lock();
        let now = Instant::now();
        let theirs: Vec<String> = inner
            .tokens
            .iter()
            .filter(|(_, (_, a, refresh))| a == account && !refresh)
            .map(|(t, _)| t.clone())
            .collect();
        for t in theirs {
            inner.expires.insert(t, now);
        }
    }

    /// What the provider API accepted, oldest first.
    pub fn delivered(&self) -> Vec<Delivered> {
        self.lock().delivered.iter().cloned().collect()
    }

    pub fn revoke_account(&self, account: &str) -> usize {
        let mut inner = self.lock();
        let before = inner.tokens.len();
        inner.tokens.retain(|_, (_, a, _)| a != account);
        before - inner.tokens.len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Issued> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

pub fn router(provider: Arc<Provider>) -> Router {
    Router::new()
        .route("/{kind}/authorize", get(authorize))
        .route("/{kind}/decide", post(decide))
        .route("/{kind}/token", post(token::token))
        .route("/{kind}/api/me", get(token::me))
        .route("/{kind}/api/action-data", get(token::action_data))
        .route("/{kind}/api/deliver", post(token::deliver))
        .fallback(|| async { (StatusCode::NOT_FOUND, "No such provider endpoint.") })
        .with_state(provider)
}
