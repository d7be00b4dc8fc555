//! meshes-sandbox: a local Meshes for the embed to talk to, on three origins — `meshes` (the
//! API with one module per resource, the embed documents, the hosted OAuth pages), `host` (the
//! demo host app and its backend) and `provider` (fake OAuth providers and the webhook inbox,
//! `receiver`) — over `store` (SQLite, seed data) and `engine` (delivery: real HTTP out,
//! retries, attempts). `testing` holds the hooks tests turn on.

pub mod config;
pub mod engine;
pub mod error;
pub mod host;
pub mod meshes;
pub mod provider;
pub mod receiver;
pub mod secrets;
pub mod store;
pub mod testing;

use axum::Router;
use config::Config;
use std::sync::Arc;
use store::db::{Clock, Db};

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub clock: Clock,
    pub keys: Arc<meshes::api::auth::Keys>,
    pub cfg: Arc<Config>,
    /// Used by the demo host backend to call the Meshes API.
    pub http: reqwest::Client,
    /// Test hooks (request log, fault injection); `None` unless `--test-hooks`.
    pub hooks: Option<Arc<testing::hooks::Hooks>>,
    /// Server-to-server OAuth calls (code exchange, provider API). Never follows redirects, so a
    /// provider cannot bounce it somewhere else (SSRF).
    pub oauth_http: reqwest::Client,
    /// The fake providers' registration and issued codes/tokens (served on the provider origin).
    pub provider: Arc<provider::Provider>,
    /// The demo's webhook inbox (served on the provider origin).
    pub receiver: Arc<receiver::Receiver>,
    /// The delivery engine's client and bounds (`engine::spawn` runs it).
    pub engine: Arc<engine::Engine>,
    /// Event ingestion's per-key limits.
    pub ingest_limits: Arc<meshes::api::ratelimit::RateLimiter>,
}

impl AppState {
    pub fn new(cfg: Config, db: Db) -> Result<AppState, Box<dyn std::error::Error + Send + Sync>> {
        let keys = meshes::api::auth::Keys::new(&db.secret("jwt_secret")?);
        let client_secret = base64::Engine::encode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            db.secret("oauth_client_secret")?,
        );
        let provider = provider::Provider::new(
            client_secret,
            format!("{}/oauth/callback", cfg.api_origin()),
        );
        provider
            .coop
            .store(cfg.provider_coop, std::sync::atomic::Ordering::Relaxed);
        provider
            .slow_ms
            .store(cfg.provider_slow_ms, std::sync::atomic::Ordering::Relaxed);
        Ok(AppState {
            oauth_http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(std::time::Duration::from_secs(10))
                .build()
                .unwrap_or_default(),
            provider: Arc::new(provider),
            engine: Arc::new(engine::Engine::new(cfg.own_ports())?),
            receiver: Arc::new(receiver::Receiver::with_demo()),
            ingest_limits: Arc::new(meshes::api::ratelimit::RateLimiter::new(
                cfg.ingest_rate,
                cfg.ingest_burst,
            )),
            db,
            clock: Clock::default(),
            keys: Arc::new(keys),
            hooks: cfg.test_hooks.then(Default::default),
            http: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(10))
                .build()
                .unwrap_or_default(),
            cfg: Arc::new(cfg),
        })
    }
}

pub use meshes::api::api_routes;
pub use meshes::router as meshes_router;

/// The fake OAuth providers' origin, with the webhook inbox.
pub fn provider_router(state: &AppState) -> Router {
    receiver::router(state.receiver.clone()).merge(provider::router(state.provider.clone()))
}

/// Bind every address a name resolves to (e.g. `localhost` -> 127.0.0.1 and ::1).
pub async fn bind_all(addr: &str) -> std::io::Result<Vec<tokio::net::TcpListener>> {
    let mut listeners = vec![];
    let mut last_err = None;
    for a in tokio::net::lookup_host(addr).await? {
        match tokio::net::TcpListener::bind(a).await {
            Ok(l) => listeners.push(l),
            Err(e) => last_err = Some(e),
        }
    }
    match (listeners.is_empty(), last_err) {
        (true, Some(e)) => Err(e),
        (true, None) => Err(std::io::Error::other(format!(
            "{addr} resolves to no address"
        ))),
        _ => Ok(listeners),
    }
}

/// Serve `router` with `TCP_NODELAY` on every connection. A response goes out as two writes
/// (headers, then body); with Nagle's algorithm a small body waits for the browser to ACK the
/// headers, which Linux delays by up to 40 ms. A trace showed `boot.js` (657 bytes) arriving
/// 40 ms after its headers, on the embed's critical path (decision 74). Production servers
/// (nginx, CDNs) set it too.
pub async fn serve(listener: tokio::net::TcpListener, router: Router) -> std::io::Result<()> {
    axum::serve(no_delay(listener), router).await
}

fn no_delay(
    listener: tokio::net::TcpListener,
) -> impl axum::serve::Listener<Io = tokio::net::TcpStream, Addr = std::net::SocketAddr> {
    use axum::serve::ListenerExt;
    listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::warn!("TCP_NODELAY: {e}");
        }
    })
}

#[cfg(test)]
mod tests {
    use axum::serve::Listener;

    #[tokio::test]
    async fn every_accepted_connection_sends_without_delay() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut listener = super::no_delay(listener);
        let client = tokio::net::TcpStream::connect(addr);
        let ((accepted, _), client) = tokio::join!(listener.accept(), client);
        client.unwrap();
        assert!(
            accepted.nodelay().unwrap(),
            "TCP_NODELAY on the server's side"
        );
    }
}
