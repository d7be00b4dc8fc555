//! Embed documents (`/workspace/...`) and their assets, with the headers that make framing safe.

use crate::AppState;
use crate::meshes::api::sessions::{SessionRow, hash_launch_token};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use meshes_protocol::Origin;
use meshes_protocol::api::{LAUNCH_SESSION_PARAM, LAUNCH_TOKEN_PARAM};
use meshes_protocol::query;
use meshes_protocol::route::EmbedRoute;
use rusqlite::OptionalExtension;
use tower::ServiceExt;

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

pub(crate) fn document_headers(ancestors: &FrameAncestors) -> HeaderMap {
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

fn session_by_launch(state: &AppState, token: &str) -> Option<SessionRow> {
    let sql = format!(
        "SELECT {} FROM sessions WHERE launch_hash = ?1",
        crate::meshes::api::sessions::SESSION_COLUMNS
    );
    state
        .db
        .conn()
        .query_row(&sql, [hash_launch_token(token)], SessionRow::from_row)
        .optional()
        .ok()
        .flatten()
}

pub(crate) fn ancestors_of(row: Option<SessionRow>) -> FrameAncestors {
    match row {
        None => FrameAncestors::None,
        Some(r) if r.allowed_origins.is_empty() => FrameAncestors::Any,
        Some(r) => FrameAncestors::Origins(r.allowed_origins),
    }
}

/// `GET /workspace/...`: the embed document, always with its headers. Framing comes from the
/// session the non-secret `?session=` reference names (so a reload is framed the same way).
///
/// The documented `?launch=<token>` form is sent on, unconsumed, to the canonical form
/// `?session=<id>#launch=<token>`: the secret leaves the query (and every later log and
/// Referer), and the runtime always has the session reference its exchange must match.
pub async fn document(State(state): State<AppState>, req: Request) -> Response {
    let path = req.uri().path().to_owned();
    if EmbedRoute::parse(&path).is_none() {
        let headers = document_headers(&FrameAncestors::None);
        return (StatusCode::NOT_FOUND, headers, Html(NOT_FOUND_PAGE)).into_response();
    }
    // Decoded exactly as the runtime decodes them (application/x-www-form-urlencoded).
    let pairs = query::pairs(req.uri().query().unwrap_or_default());
    let get = |key: &str| query::first(&pairs, key);
    if let Some(token) = get(LAUNCH_TOKEN_PARAM) {
        let row = session_by_launch(&state, token)
            .filter(|r| get(LAUNCH_SESSION_PARAM).is_none_or(|s| s == r.id));
        if let Some(row) = row {
            let kept = pairs
                .iter()
                .filter(|(k, _)| k != LAUNCH_TOKEN_PARAM && k != LAUNCH_SESSION_PARAM)
                .map(|(k, v)| (k.as_str(), v.as_str()));
            let location = format!(
                "{path}?{}#{LAUNCH_TOKEN_PARAM}={}",
                query::encode(
                    [(LAUNCH_SESSION_PARAM, row.id.as_str())]
                        .into_iter()
                        .chain(kept)
                ),
                crate::secrets::query_value(token)
            );
            let mut headers = document_headers(&ancestors_of(Some(row)));
            if let Ok(v) = HeaderValue::from_str(&location) {
                headers.insert(header::LOCATION, v);
            }
            // The redirected request keeps the embedding page's origin as its referrer: in
            // browsers without `location.ancestorOrigins` that is how the runtime sees its parent.
            headers.insert(
                header::REFERRER_POLICY,
                HeaderValue::from_static("strict-origin"),
            );
            return (StatusCode::SEE_OTHER, headers).into_response();
        }
        let headers = document_headers(&FrameAncestors::None);
        return (headers, Html(NOT_FOUND_PAGE)).into_response();
    }
    let row = get(LAUNCH_SESSION_PARAM).and_then(|id| SessionRow::load(&state, id).ok().flatten());
    let headers = document_headers(&ancestors_of(row));
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

/// Trunk names content-hashed files `name-<16 hex>.<ext>`, a split build puts its files in a
/// `pkg-<16 hex>/` folder: cache those forever, revalidate the rest.
pub fn is_hashed_asset(path: &str) -> bool {
    let (dir, file) = path.rsplit_once('/').unwrap_or(("", path));
    is_package_dir(dir.rsplit('/').next().unwrap_or(dir))
        || file
            .split(['-', '.', '_'])
            .any(|part| part.len() == 16 && part.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The one build file without a content hash: the loader `index.html` names.
const LOADER: &str = "boot.js";

/// A split build keeps its wasm-bindgen output (main module, loader, page chunks, whose names
/// are fixed by the tools) in one content-hashed folder: `pkg-<16 hex>/`.
fn is_package_dir(dir: &str) -> bool {
    dir.strip_prefix("pkg-")
        .is_some_and(|h| h.len() == 16 && h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
}

/// A language catalog the embed fetches on demand (`locales/fr.json`, decision 94): only the
/// shipped languages, by their exact names.
fn is_catalog(file: &str) -> bool {
    file.strip_suffix(".json")
        .is_some_and(|lang| meshes_protocol::locale::SHIPPED.contains(&lang))
}

/// Is `name` (the raw request path without its leading `/`) a build asset we serve? Only the
/// hashed files, the files of a hashed package folder, the loader and the language catalogs,
/// by their exact byte-for-byte names in `dist/` — never a document. The raw path is compared, not a decoded or
/// normalised one, so `index%2ehtml`, `index.htm%6C`, `INDEX.HTML` or `./index.html` can never
/// reach a file.
fn build_asset(dist: &std::path::Path, name: &str) -> bool {
    let (dir, file) = match name.split_once('/') {
        Some((d, f)) if is_package_dir(d) => (dist.join(d), f),
        Some(("locales", f)) if is_catalog(f) => (dist.join("locales"), f),
        Some(_) => return false,
        None => (dist.to_path_buf(), name),
    };
    let plain = !file.is_empty()
        && !file.starts_with('.')
        && file
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
    let lower = file.to_ascii_lowercase();
    let document = lower.ends_with(".html");
    // The precompressed copies go out only as the encoding of their file, never by name.
    let copy = lower.ends_with(".br") || lower.ends_with(".gz");
    let named = is_hashed_asset(name) || file == LOADER || name.starts_with("locales/");
    if !plain || document || copy || !named {
        return false;
    }
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries.flatten().any(|e| {
            e.file_name().to_str() == Some(file) && e.file_type().is_ok_and(|t| t.is_file())
        })
    })
}

/// Everything on the Meshes origin that is not an API call, a document or a hosted page: the
/// embed's build assets. Anything else is a 404 that carries the document headers (so even a
/// miss can't be framed).
pub async fn asset(State(state): State<AppState>, req: Request) -> Response {
    let name = req.uri().path().strip_prefix('/').unwrap_or_default();
    if !build_asset(&state.cfg.dist, name) {
        let headers = document_headers(&FrameAncestors::None);
        return (StatusCode::NOT_FOUND, headers, Html(NOT_FOUND_PAGE)).into_response();
    }
    let hashed = is_hashed_asset(name);
    let file = state.cfg.dist.join(name);
    // `<file>.br` / `<file>.gz` from the build when the browser takes them (decision 63).
    let mut res = match tower_http::services::ServeFile::new(file)
        .precompressed_br()
        .precompressed_gzip()
        .oneshot(req)
        .await
    {
        Ok(r) => r.map(axum::body::Body::new),
        Err(e) => match e {},
    };
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
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
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
        assert!(is_hashed_asset("/pkg-0123456789abcdef/__wasm_split.js"));
        assert!(!is_hashed_asset("/pkg-0123/__wasm_split.js"));
    }
}
