//! meshes-sandbox: a local Meshes for the embed to talk to. Three origins — Meshes (API, embed
//! documents, hosted OAuth pages), the demo host app, and fake OAuth providers.

pub mod auth;
pub mod baseline;
pub mod catalog;
pub mod config;
pub mod connections;
pub mod dashboard;
pub mod db;
pub mod deliveries;
pub mod embed;
pub mod error;
pub mod events;
pub mod hooks;
pub mod host;
pub mod launch;
pub mod mappings;
pub mod oauth;
pub mod provider;
pub mod rules;
pub mod secrets;
pub mod seed;
pub mod sessions;
pub mod validate;
pub mod workspaces;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, StatusCode, header};
use axum::routing::{get, post};
use config::Config;
use db::{Clock, Db};
use error::ApiError;
use std::sync::Arc;
use tower_http::set_header::SetResponseHeaderLayer;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub clock: Clock,
    pub keys: Arc<auth::Keys>,
    pub cfg: Arc<Config>,
    /// Used by the demo host backend to call the Meshes API.
    pub http: reqwest::Client,
    /// Test hooks (request log, fault injection); `None` unless `--test-hooks`.
    pub hooks: Option<Arc<hooks::Hooks>>,
    /// Server-to-server OAuth calls (code exchange, provider API). Never follows redirects, so a
    /// provider cannot bounce it somewhere else (SSRF).
    pub oauth_http: reqwest::Client,
    /// The fake providers' registration and issued codes/tokens (served on the provider origin).
    pub provider: Arc<provider::Provider>,
}

impl AppState {
    pub fn new(cfg: Config, db: Db) -> rusqlite::Result<AppState> {
        let keys = auth::Keys::new(&db.secret("jwt_secret")?);
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

/// Declares the API once: the router is built from this list, and `API_ROUTES` is the same list
/// as data, so the authorization matrix can enumerate every route the server really has.
macro_rules! api {
    ($($method:ident $path:literal => $handler:path),* $(,)?) => {
        /// Every `/api/v1` route as `(method, path)`, exactly as the router serves them.
        pub const API_ROUTES: &[(&str, &str)] = &[$((stringify!($method), $path)),*];

        fn api_routes() -> Router<AppState> {
            Router::new()$(.route(
                $path,
                axum::routing::on(axum::routing::MethodFilter::$method, $handler),
            ))*
        }
    };
}

api! {
    GET "/workspaces" => workspaces::list,
    POST "/workspaces" => workspaces::create,
    GET "/workspaces/{id}" => workspaces::get,
    GET "/workspaces/{id}/connections" => workspaces::connections,
    GET "/workspaces/{id}/dashboard" => dashboard::metrics,
    GET "/workspaces/{id}/events" => events::list,
    GET "/workspaces/{id}/rules" => rules::list,
    GET "/workspaces/{id}/event-types" => catalog::event_types,
    GET "/workspaces/{id}/resources" => catalog::resources,
    GET "/integrations" => catalog::list_integrations,
    POST "/connections" => connections::create,
    GET "/connections/{id}" => connections::get,
    PUT "/connections/{id}" => connections::update,
    DELETE "/connections/{id}" => connections::delete,
    GET "/connections/{id}/actions" => connections::actions,
    GET "/connections/{id}/fields" => mappings::fields,
    GET "/connections/{id}/mappings/default" => mappings::get,
    PUT "/connections/{id}/mappings/default" => mappings::put,
    POST "/rules" => rules::create,
    GET "/rules/{id}" => rules::get,
    PATCH "/rules/{id}" => rules::update,
    DELETE "/rules/{id}" => rules::delete,
    POST "/rules/{id}/test" => rules::test_event,
    POST "/events/{id}/cancel" => deliveries::cancel_event,
    POST "/events/{id}/rules/{rule_id}/retry" => deliveries::retry,
    POST "/events/{id}/rules/{rule_id}/cancel" => deliveries::cancel_rule,
    GET "/events/{id}/rules/{rule_id}/attempts" => deliveries::attempts,
    GET "/events/{id}" => events::get,
    GET "/events/{id}/payload" => events::payload,
    GET "/sessions" => sessions::list,
    POST "/sessions" => sessions::create,
    DELETE "/sessions/{id}" => sessions::revoke,
    POST "/sessions/{id}/refresh" => sessions::refresh,
    POST "/embed/launch" => launch::exchange,
    GET "/embed/session" => launch::whoami,
    POST "/embed/oauth/attempts" => oauth::create,
    GET "/embed/oauth/attempts/{id}" => oauth::get,
    POST "/embed/oauth/attempts/{id}/cancel" => oauth::cancel,
}

/// The Meshes origin: `/api/v1/*`, `/workspace/*` documents, and the embed's static assets.
pub fn meshes_router(state: AppState) -> Router {
    let api = api_routes()
        .fallback(|| async { ApiError::not_found("Endpoint") })
        .method_not_allowed_fallback(|| async {
            ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed")
        })
        .layer(DefaultBodyLimit::max(64 * 1024))
        // No CORS headers at all: management endpoints are server-to-server only, and the embed
        // calls the API from its own origin.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            hooks::inject,
        ));

    let mut router = Router::new()
        .nest("/api/v1", api)
        .route("/workspace/{*rest}", get(embed::document))
        .route("/oauth/start/{id}", get(oauth::start).post(oauth::start_go))
        .route("/oauth/start/{id}/cancel", post(oauth::start_cancel))
        .route("/oauth/start.js", get(oauth::start_js))
        .route("/oauth/callback", get(oauth::callback))
        .route("/oauth/done.js", get(oauth::done_js));
    if state.hooks.is_some() {
        router = router.merge(hooks::router());
    }
    router
        // Faults reach build assets too, so a test can lose a page's code chunk.
        .fallback_service(
            axum::routing::any(embed::asset)
                .layer(axum::middleware::from_fn_with_state(
                    state.clone(),
                    hooks::inject,
                ))
                .with_state(state.clone()),
        )
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            hooks::record,
        ))
        .with_state(state)
}

/// The fake OAuth providers' origin.
pub fn provider_router(state: &AppState) -> Router {
    provider::router(state.provider.clone())
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
