//! The Meshes origin: the API (`api`, one module per resource), the embed documents and their
//! assets (`embed`), the hosted OAuth pages (`oauth`), and the embed doctor's probe (`probe`).

pub mod api;
pub mod embed;
pub mod oauth;
pub mod probe;

use crate::AppState;
use crate::testing;
use axum::Router;
use axum::routing::{get, post};

/// The Meshes origin: `/api/v1/*`, `/workspace/*` documents, and the embed's static assets.
pub fn router(state: AppState) -> Router {
    let api = api::router(&state);

    let mut router = Router::new()
        .nest("/api/v1", api)
        .route("/workspace/{*rest}", get(embed::document))
        .route("/embed/probe", get(probe::probe))
        .route("/oauth/start/{id}", get(oauth::start).post(oauth::start_go))
        .route("/oauth/start/{id}/cancel", post(oauth::start_cancel))
        .route("/oauth/start.js", get(oauth::start_js))
        .route("/oauth/callback", get(oauth::callback))
        .route("/oauth/done.js", get(oauth::done_js));
    if state.hooks.is_some() {
        router = router.merge(testing::hooks::router());
    }
    router
        // Faults reach build assets too, so a test can lose a page's code chunk.
        .fallback_service(
            axum::routing::any(embed::asset)
                .layer(axum::middleware::from_fn_with_state(
                    state.clone(),
                    testing::hooks::inject,
                ))
                .with_state(state.clone()),
        )
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            testing::hooks::record,
        ))
        .with_state(state)
}
