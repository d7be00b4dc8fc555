//! Embed documents (`/workspace/...`) and their assets, with the headers that make framing safe.

use crate::AppState;
use crate::sessions::{SessionRow, hash_launch_token};
use crate::validate::QueryMap;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use meshes_protocol::Origin;
use meshes_protocol::api::{LAUNCH_SESSION_PARAM, LAUNCH_TOKEN_PARAM};
use meshes_protocol::route::EmbedRoute;
use rusqlite::OptionalExtension;
use std::collections::HashMap;

/// Who may frame a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameAncestors {
    /// Nobody: unknown session, or a page that is never framed.
    None,
    /// Exactly these (validated, normalised) origins.
    Origins(Vec<Origin>),
    /// A session minted without `allowed_origins`: any http(s) page (documented decision).
    Any,
}

/// Builds the embed document CSP from typed parts only; origins were validated on write, so
/// nothing here can inject a directive.
pub fn embed_csp(ancestors: &FrameAncestors) -> String {
    let fa = match ancestors {
        FrameAncestors::None => "'none'".to_owned(),
        FrameAncestors::Any => "http: https:".to_owned(),
        FrameAncestors::Origins(list) if list.is_empty() => "'none'".to_owned(),
        FrameAncestors::Origins(list) => list
            .iter()
            .map(Origin::as_str)
            .collect::<Vec<_>>()
            .join(" "),
    };
    [
        "default-src 'none'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "object-src 'none'",
        "frame-src 'none'",
        "worker-src 'none'",
        "manifest-src 'none'",
        &format!("frame-ancestors {fa}"),
    ]
    .join("; ")
}

pub const PERMISSIONS_POLICY: &str = "accelerometer=(), autoplay=(), camera=(), display-capture=(), \
    encrypted-media=(), fullscreen=(), geolocation=(), gyroscope=(), hid=(), magnetometer=(), \
    microphone=(), midi=(), payment=(), picture-in-picture=(), publickey-credentials-get=(), \
    screen-wake-lock=(), serial=(), usb=(), xr-spatial-tracking=()";

fn document_headers(ancestors: &FrameAncestors) -> HeaderMap {
    let mut h = HeaderMap::new();
    let csp = HeaderValue::from_str(&embed_csp(ancestors)).unwrap_or(HeaderValue::from_static(
        "default-src 'none'; frame-ancestors 'none'",
    ));
    h.insert(header::CONTENT_SECURITY_POLICY, csp);
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        "permissions-policy",
        HeaderValue::from_static(PERMISSIONS_POLICY),
    );
    h
}

/// Which origins may frame this launch: looked up through the non-secret session reference
/// (works on reload), or through the `?launch=` token's hash without consuming it.
fn ancestors_for(state: &AppState, q: &HashMap<String, String>) -> FrameAncestors {
    let row = if let Some(id) = q.get(LAUNCH_SESSION_PARAM) {
        SessionRow::load(state, id).ok().flatten()
    } else if let Some(token) = q.get(LAUNCH_TOKEN_PARAM) {
        let sql = format!(
            "SELECT {} FROM sessions WHERE launch_hash = ?1",
            crate::sessions::SESSION_COLUMNS
        );
        state
            .db
            .conn()
            .query_row(&sql, [hash_launch_token(token)], SessionRow::from_row)
            .optional()
            .ok()
            .flatten()
    } else {
        None
    };
    match row {
        None => FrameAncestors::None,
        Some(r) if r.allowed_origins.is_empty() => FrameAncestors::Any,
        Some(r) => FrameAncestors::Origins(r.allowed_origins),
    }
}

pub async fn document(
    State(state): State<AppState>,
    QueryMap(q): QueryMap,
    req: Request,
) -> Response {
    if EmbedRoute::parse(req.uri().path()).is_none() {
        let headers = document_headers(&FrameAncestors::None);
        return (StatusCode::NOT_FOUND, headers, Html(NOT_FOUND_PAGE)).into_response();
    }
    let headers = document_headers(&ancestors_for(&state, &q));
    match std::fs::read_to_string(state.cfg.dist.join("index.html")) {
        Ok(html) => (headers, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(dist = %state.cfg.dist.display(), %e, "embed build missing");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                headers,
                Html(MISSING_BUILD_PAGE),
            )
                .into_response()
        }
    }
}

const NOT_FOUND_PAGE: &str = "<!doctype html><meta charset=utf-8><title>Not found</title>\
    <p>This page is not part of the embedded workspace.</p>";
const MISSING_BUILD_PAGE: &str = "<!doctype html><meta charset=utf-8><title>Embed not built</title>\
    <p>The embed has not been built yet. Run <code>cargo xtask dev</code>.</p>";

/// Trunk names content-hashed files `name-<16 hex>.<ext>`: cache those forever, revalidate the rest.
pub fn is_hashed_asset(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or(path);
    file.split(['-', '.', '_'])
        .any(|part| part.len() == 16 && part.bytes().all(|b| b.is_ascii_hexdigit()))
}

pub async fn asset_headers(req: Request, next: Next) -> Response {
    // Documents are only served through `document` (with their CSP); never as raw files.
    let path = req.uri().path();
    if path == "/" || path.ends_with(".html") || path.ends_with('/') {
        let headers = document_headers(&FrameAncestors::None);
        return (StatusCode::NOT_FOUND, headers, Html(NOT_FOUND_PAGE)).into_response();
    }
    let hashed = is_hashed_asset(path);
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if hashed {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        }),
    );
    // Assets are fetched by our own documents only; nothing else should embed them.
    h.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csp_lists_exact_origins() {
        let o = |s| Origin::parse(s).unwrap();
        let csp = embed_csp(&FrameAncestors::Origins(vec![
            o("http://localhost:8080"),
            o("https://app.example.com"),
        ]));
        assert!(
            csp.ends_with("frame-ancestors http://localhost:8080 https://app.example.com"),
            "{csp}"
        );
        assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval';"));
        assert!(!csp.contains("unsafe-inline"));
        assert!(embed_csp(&FrameAncestors::None).ends_with("frame-ancestors 'none'"));
        assert!(embed_csp(&FrameAncestors::Origins(vec![])).ends_with("frame-ancestors 'none'"));
    }

    #[test]
    fn hashed_assets() {
        assert!(is_hashed_asset("/meshes-embed-4f1c2a9e0b7d3c55_bg.wasm"));
        assert!(is_hashed_asset("/style-0123456789abcdef.css"));
        assert!(!is_hashed_asset("/boot.js"));
        assert!(!is_hashed_asset("/index.html"));
    }
}
