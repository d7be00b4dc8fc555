//! `/api/v1`: one module per resource, each declaring its routes with [`routes!`] (so the
//! authorization matrix can enumerate every route the server really has), the extractors that
//! say who is calling (`auth`), and field-by-field validation (`validate`).

/// Declares a module's routes once: `routes()` builds them and `ROUTES` lists them as data.
macro_rules! routes {
    ($($method:ident $path:literal => $handler:path),* $(,)?) => {
        /// This module's routes as `(method, path)`, exactly as `routes()` serves them.
        pub const ROUTES: &[(&str, &str)] = &[$((stringify!($method), $path)),*];

        pub fn routes() -> axum::Router<crate::AppState> {
            axum::Router::new()$(.route(
                $path,
                axum::routing::on(axum::routing::MethodFilter::$method, $handler),
            ))*
        }
    };
}
pub(crate) use routes;

pub mod attempts;
pub mod auth;
pub mod caller;
pub mod catalog;
pub mod connections;
pub mod dashboard;
pub mod deliveries;
pub mod events;
pub mod launch;
pub mod mappings;
pub mod ratelimit;
pub mod rules;
pub mod sessions;
pub mod validate;
pub mod workspaces;

use crate::AppState;
use crate::error::ApiError;
use crate::meshes::oauth;
use crate::testing;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, StatusCode, header};
use tower_http::set_header::SetResponseHeaderLayer;

/// Every `/api/v1` route as `(method, path)`.
pub fn api_routes() -> Vec<(&'static str, &'static str)> {
    [
        workspaces::ROUTES,
        connections::ROUTES,
        mappings::ROUTES,
        dashboard::ROUTES,
        events::ROUTES,
        events::ingest::ROUTES,
        deliveries::ROUTES,
        attempts::ROUTES,
        rules::ROUTES,
        catalog::ROUTES,
        sessions::ROUTES,
        launch::ROUTES,
        oauth::attempts::ROUTES,
    ]
    .concat()
}

fn all() -> Router<AppState> {
    Router::new()
        .merge(workspaces::routes())
        .merge(connections::routes())
        .merge(mappings::routes())
        .merge(dashboard::routes())
        .merge(events::routes())
        // Bulk bodies may be larger than the API's 64 KiB (the inner limit wins).
        .merge(events::ingest::routes().layer(DefaultBodyLimit::max(events::ingest::MAX_BULK_BODY)))
        .merge(deliveries::routes())
        .merge(attempts::routes())
        .merge(rules::routes())
        .merge(catalog::routes())
        .merge(sessions::routes())
        .merge(launch::routes())
        .merge(oauth::attempts::routes())
}

/// The API with its Meshes error body for unknown endpoints and methods, a body limit, and the
/// headers every API answer carries.
pub fn router(state: &AppState) -> Router<AppState> {
    all()
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
            testing::hooks::inject,
        ))
}
