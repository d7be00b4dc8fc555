//! The demo host app ("Acme CRM"), on its own origin: static pages from `www/` plus the tiny
//! backend a real vendor would run — it holds the management key and mints/refreshes/revokes
//! sessions over HTTP against the Meshes API, exactly as a vendor backend would.

use crate::AppState;
use crate::store::seed::DEMO_WORKSPACE_ID;
use axum::Json;
use axum::Router;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, post};
use serde_json::{Map, Value, json};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// Fields the host page may choose when asking its backend for a session (the demo exposes
/// them as toggles; a real host would decide them from its own user's permissions).
const PASS_THROUGH: &[&str] = &[
    "role",
    "session_type",
    "launch_page",
    "ttl_seconds",
    "launch_ttl_seconds",
    "resource",
    "resource_id",
    "scopes",
    "external_user_id",
    "allowed_origins",
];

/// The page's CSP, framing `frame_src`. `connect-src` includes the embed's origin so the kit can
/// tell a refused frame from a network failure (decision 92) and the doctor can read its clock.
fn csp(state: &AppState, frame_src: &str) -> HeaderValue {
    let csp = format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' {}; \
         frame-src {frame_src}; base-uri 'none'; form-action 'self'; object-src 'none'; frame-ancestors 'none'",
        state.cfg.embed_origin()
    );
    HeaderValue::from_str(&csp).unwrap_or(HeaderValue::from_static("default-src 'self'"))
}

pub fn router(state: AppState) -> Router {
    let csp_header = csp(&state, &state.cfg.embed_origin());
    let backend = Router::new()
        .route("/api/embed-sessions", post(mint))
        .route("/api/embed-sessions/{id}/refresh", post(refresh))
        .route("/api/embed-sessions/{id}", delete(revoke))
        .layer(axum::middleware::from_fn(json_only));
    Router::new()
        .merge(backend)
        .fallback_service(ServeDir::new(&state.cfg.www))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            own_host,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            demo_policies,
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            csp_header,
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::testing::hooks::record,
        ))
        .with_state(state)
}

/// Demo toggles for the embed doctor (`www/meshes-doctor.js`), as a host could get them wrong:
/// `?frame_src=self` serves the page with a CSP that frames only its own origin (the embed is
/// refused), `?coop=same-origin` with a COOP that severs the windows the embed opens. Exactly
/// those query pairs; anything else leaves the page as it is.
async fn demo_policies(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let query = req.uri().query().unwrap_or_default().to_owned();
    let mut res = next.run(req).await;
    for pair in query.split('&') {
        match pair {
            "frame_src=self" => {
                let strict = csp(&state, "'self'");
                res.headers_mut()
                    .insert(header::CONTENT_SECURITY_POLICY, strict);
            }
            "coop=same-origin" => {
                res.headers_mut().insert(
                    header::HeaderName::from_static("cross-origin-opener-policy"),
                    HeaderValue::from_static("same-origin"),
                );
            }
            _ => {}
        }
    }
    res
}

/// DNS rebinding: a page on another name that resolves to this machine reaches this server with
/// its own `Host`. The backend holds the management key, so it only answers its own name.
async fn own_host(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok());
    let ours = crate::config::authority(&state.cfg.host_addr);
    if ours.is_some() && host.and_then(crate::config::authority) == ours {
        next.run(req).await
    } else {
        (
            StatusCode::MISDIRECTED_REQUEST,
            Json(json!({"message": "This demo host only answers as its configured address"})),
        )
            .into_response()
    }
}

/// A cross-site form or a body-less `fetch` can't send `application/json` without a CORS
/// preflight (which this backend never grants), so requiring it keeps other sites from minting
/// or refreshing sessions through a visitor's browser.
async fn json_only(req: Request, next: Next) -> Response {
    let json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("application/json")
        });
    if req.method() == axum::http::Method::POST && !json {
        return (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Json(json!({"message": "send Content-Type: application/json"})),
        )
            .into_response();
    }
    next.run(req).await
}

async fn call_meshes(
    state: &AppState,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> Response {
    let url = format!("{}{path}", state.cfg.api_origin());
    let mut req = state
        .http
        .request(method, &url)
        .bearer_auth(&state.cfg.management_key);
    if let Some(b) = body {
        req = req.json(&b);
    }
    match req.send().await {
        Ok(res) => {
            let status =
                StatusCode::from_u16(res.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
            let body: Value = res.json().await.unwrap_or(Value::Null);
            (status, Json(body)).into_response()
        }
        Err(e) => {
            tracing::error!(%e, "host backend could not reach Meshes");
            (
                StatusCode::BAD_GATEWAY,
                Json(json!({"message": "Meshes is unreachable from the host backend"})),
            )
                .into_response()
        }
    }
}

async fn mint(State(state): State<AppState>, Json(body): Json<Map<String, Value>>) -> Response {
    let mut req: Map<String, Value> = body
        .into_iter()
        .filter(|(k, _)| PASS_THROUGH.contains(&k.as_str()))
        .collect();
    req.insert("workspace_id".into(), DEMO_WORKSPACE_ID.into());
    req.entry("allowed_origins")
        .or_insert_with(|| json!([state.cfg.host_origin()]));
    req.entry("external_user_id")
        .or_insert_with(|| "acme-user-1".into());
    call_meshes(
        &state,
        reqwest::Method::POST,
        "/api/v1/sessions",
        Some(Value::Object(req)),
    )
    .await
}

async fn refresh(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    session_call(&state, reqwest::Method::POST, &id, "/refresh").await
}

async fn revoke(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    session_call(&state, reqwest::Method::DELETE, &id, "").await
}

/// Forward a call on one session, after checking the id cannot reshape the upstream path.
async fn session_call(
    state: &AppState,
    method: reqwest::Method,
    id: &str,
    suffix: &str,
) -> Response {
    let valid = id.starts_with("sess_")
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if !valid {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"message": "bad session id"})),
        )
            .into_response();
    }
    call_meshes(
        state,
        method,
        &format!("/api/v1/sessions/{id}{suffix}"),
        None,
    )
    .await
}
