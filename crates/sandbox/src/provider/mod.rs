//! Fake OAuth 2.0 providers on their own origin (`MESHES_PROVIDER_ADDR`): for every OAuth
//! integration of the catalog an authorization page (Approve / Deny, an account name to type), a
//! token endpoint (authorization code + PKCE S256, single-use codes, refresh tokens) and the API
//! the connection's live action data comes from. State lives in memory: a restart signs every
//! sandbox connection out, as a real provider revoking tokens would.

mod token;

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
}

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
        self.tokens.insert(token, entry);
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
        .fallback(|| async { (StatusCode::NOT_FOUND, "No such provider endpoint.") })
        .with_state(provider)
}

fn page(p: &Provider, status: StatusCode, body: String) -> Response {
    // No form-action: Chromium applies it to every redirect after the submit, and the decision
    // goes provider -> Meshes callback -> (redirect mode) the host page.
    let csp = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";
    let mut res = (status, Html(body)).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(csp),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if p.coop.load(Ordering::Relaxed) {
        h.insert(
            "cross-origin-opener-policy",
            HeaderValue::from_static("same-origin"),
        );
    }
    res
}

fn title(kind: &str) -> String {
    crate::meshes::api::catalog::integration(kind)
        .map(|i| i.name.clone())
        .unwrap_or_else(|| kind.to_owned())
}

#[derive(Deserialize)]
struct AuthorizeQuery {
    response_type: Option<String>,
    client_id: Option<String>,
    redirect_uri: Option<String>,
    state: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
    scope: Option<String>,
}

async fn authorize(
    State(p): State<Arc<Provider>>,
    Path(kind): Path<String>,
    Query(q): Query<AuthorizeQuery>,
) -> Response {
    let slow = p.slow_ms.load(Ordering::Relaxed);
    if slow > 0 {
        tokio::time::sleep(Duration::from_millis(slow)).await;
    }
    if !PROVIDERS.contains(&kind.as_str()) {
        return page(
            &p,
            StatusCode::NOT_FOUND,
            "<h1>Unknown provider</h1>".into(),
        );
    }
    // Errors about the client or redirect URI are shown here, never redirected (RFC 6749 §4.1.2.1).
    if q.client_id.as_deref() != Some(CLIENT_ID)
        || q.redirect_uri.as_deref() != Some(p.redirect_uri.as_str())
    {
        return page(
            &p,
            StatusCode::BAD_REQUEST,
            "<h1>Invalid client or redirect URI</h1>".into(),
        );
    }
    let problem = if q.response_type.as_deref() != Some("code") {
        Some("unsupported_response_type")
    } else if q.code_challenge_method.as_deref() != Some("S256")
        || q.code_challenge.as_deref().is_none_or(|c| c.len() != 43)
        || q.state.as_deref().is_none_or(str::is_empty)
    {
        Some("invalid_request")
    } else {
        None
    };
    let state = q.state.clone().unwrap_or_default();
    if let Some(err) = problem {
        return redirect_back(&p.redirect_uri, &[("error", err), ("state", &state)]);
    }
    let req_id = random_token::<24>();
    p.lock().add_request(
        req_id.clone(),
        AuthRequest {
            kind: kind.clone(),
            redirect_uri: p.redirect_uri.clone(),
            state,
            challenge: q.code_challenge.unwrap_or_default(),
            at: Instant::now(),
        },
    );
    let name = escape(&title(&kind));
    let scope = escape(q.scope.as_deref().unwrap_or("default"));
    page(
        &p,
        StatusCode::OK,
        format!(
            r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{name} — authorize</title></head>
<body style="font-family:sans-serif;max-width:420px;margin:40px auto">
<h1>{name} <small>(sandbox provider)</small></h1>
<p><strong>Meshes</strong> wants to access your {name} account.</p>
<p>Permissions: <code>{scope}</code></p>
<form method="post" action="/{kind}/decide">
<input type="hidden" name="request" value="{req_id}">
<label>Account name <input id="provider-account" name="account" value="Acme Demo" maxlength="60" required></label>
<p><button id="provider-approve" name="decision" value="approve">Approve</button>
<button id="provider-deny" name="decision" value="deny" formnovalidate>Deny</button></p>
</form></body></html>"#
        ),
    )
}

fn redirect_back(redirect_uri: &str, params: &[(&str, &str)]) -> Response {
    let query: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{k}={}", query_value(v)))
        .collect();
    Redirect::to(&format!("{redirect_uri}?{}", query.join("&"))).into_response()
}

#[derive(Deserialize)]
struct Decision {
    request: String,
    decision: String,
    account: Option<String>,
}

async fn decide(
    State(p): State<Arc<Provider>>,
    Path(kind): Path<String>,
    Form(d): Form<Decision>,
) -> Response {
    let Some(req) = p.lock().requests.remove(&d.request) else {
        return page(
            &p,
            StatusCode::BAD_REQUEST,
            "<h1>This authorization request is no longer valid</h1>".into(),
        );
    };
    if req.kind != kind {
        return page(
            &p,
            StatusCode::BAD_REQUEST,
            "<h1>Wrong provider</h1>".into(),
        );
    }
    if d.decision != "approve" {
        return redirect_back(
            &req.redirect_uri,
            &[
                ("error", "access_denied"),
                ("error_description", "The user denied access"),
                ("state", &req.state),
            ],
        );
    }
    let account = d
        .account
        .map(|a| a.trim().chars().take(60).collect::<String>())
        .filter(|a| !a.is_empty())
        .unwrap_or_else(|| "Acme Demo".into());
    let code = random_token::<24>();
    let (uri, state) = (req.redirect_uri.clone(), req.state.clone());
    p.lock().add_code(
        code.clone(),
        Grant {
            req,
            account,
            issued: Instant::now(),
            used: false,
            minted: vec![],
        },
    );
    redirect_back(&uri, &[("code", &code), ("state", &state)])
}
