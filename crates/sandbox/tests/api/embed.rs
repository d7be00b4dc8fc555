//! Embed documents and API responses: the headers that make framing and caching safe.

use crate::common::{TestApp, WS};
use axum::http::{Method, StatusCode};
use serde_json::json;

const CSP_PREFIX: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
    img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; \
    object-src 'none'; frame-src 'none'; worker-src 'none'; manifest-src 'none'; frame-ancestors ";

async fn doc(app: &TestApp, path: &str) -> crate::common::Res {
    app.call(Method::GET, path, None, None).await
}

fn assert_document_headers(r: &crate::common::Res, ancestors: &str) {
    assert_eq!(
        r.header("content-security-policy"),
        Some(format!("{CSP_PREFIX}{ancestors}").as_str())
    );
    assert_eq!(r.header("referrer-policy"), Some("no-referrer"));
    assert_eq!(r.header("cache-control"), Some("no-store"));
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    assert!(
        r.header("permissions-policy")
            .unwrap()
            .contains("camera=()")
    );
    assert_eq!(
        r.header("x-frame-options"),
        None,
        "X-Frame-Options would override frame-ancestors"
    );
}

#[tokio::test]
async fn embed_document_is_framable_only_by_allowed_origins() {
    let app = TestApp::new();
    let r = app.mint(json!({"allowed_origins": ["http://localhost:8080", "https://app.example.com"], "launch_page": "rules"})).await;
    let url = r.json["launch_url"].as_str().unwrap();
    let path = &url[url.find("/workspace/").unwrap()..url.find('#').unwrap()];
    let sid = r.json["session_id"].as_str().unwrap();
    let d = doc(&app, path).await;
    assert_eq!(d.status, StatusCode::OK);
    assert!(
        d.text.contains("data-test-embed"),
        "serves the built index.html"
    );
    assert_document_headers(&d, "http://localhost:8080 https://app.example.com");

    // A reload (secret already stripped) and deep links keep the same framing.
    for page in ["dashboard", "events/evt_1", "connections/c-1/mappings"] {
        assert_document_headers(
            &doc(&app, &format!("/workspace/{page}?session={sid}")).await,
            "http://localhost:8080 https://app.example.com",
        );
    }
    // The documented ?launch= form is sent on to the canonical form, unconsumed: the secret
    // moves to the fragment, the session reference (which the exchange must carry) to the query.
    let token = r.json["launch_token"].as_str().unwrap();
    let d = doc(&app, &format!("/workspace/rules?launch={token}&x=1")).await;
    assert_eq!(d.status, StatusCode::SEE_OTHER);
    assert_eq!(
        d.header("location"),
        Some(format!("/workspace/rules?session={sid}&x=1#launch={token}").as_str())
    );
    assert_eq!(
        d.header("referrer-policy"),
        Some("strict-origin"),
        "the document still learns its parent's origin"
    );
    assert_eq!(d.header("cache-control"), Some("no-store"));
    let r = app
        .exchange_from(token, Some(sid), Some("https://app.example.com"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

#[tokio::test]
async fn unknown_sessions_and_paths_are_never_framable() {
    let app = TestApp::new();
    assert_document_headers(&doc(&app, "/workspace/dashboard").await, "'none'");
    assert_document_headers(
        &doc(&app, "/workspace/dashboard?session=sess_unknown").await,
        "'none'",
    );
    assert_document_headers(
        &doc(&app, "/workspace/dashboard?launch=nope").await,
        "'none'",
    );
    let r = doc(&app, "/workspace/settings").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_document_headers(&r, "'none'");
    // The built index.html is never served raw (it would run without its CSP).
    for raw in ["/index.html", "/", "/assets/"] {
        let r = doc(&app, raw).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{raw}");
        assert_document_headers(&r, "'none'");
    }
    // Without allowed_origins the session may be framed anywhere (documented decision).
    let sid = app.session(json!({})).await.0;
    assert_document_headers(
        &doc(&app, &format!("/workspace/dashboard?session={sid}")).await,
        "http: https:",
    );
}

#[tokio::test]
async fn api_responses_are_not_framable_cacheable_or_cross_origin_readable() {
    let app = TestApp::new();
    let req = axum::http::Request::get(format!("/api/v1/workspaces/{WS}"))
        .header("authorization", format!("Bearer {}", app.key))
        .header("origin", "https://evil.test")
        .body(axum::body::Body::empty())
        .unwrap();
    let r = app.send(req).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("x-frame-options"), Some("DENY"));
    assert_eq!(r.header("cache-control"), Some("no-store"));
    assert_eq!(
        r.header("access-control-allow-origin"),
        None,
        "no CORS on the API"
    );
    let r = app
        .call(Method::OPTIONS, "/api/v1/sessions", None, None)
        .await;
    assert_eq!(r.header("access-control-allow-origin"), None);
    let r = app.call(Method::GET, "/api/v1/nowhere", None, None).await;
    assert_eq!(
        (r.status, r.json["error"]["name"].as_str()),
        (StatusCode::NOT_FOUND, Some("NotFound"))
    );
    let r = app
        .call(Method::PATCH, "/api/v1/sessions", None, None)
        .await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.json["message"], "Method Not Allowed");
}

/// The document only ever comes from the document handler, with its headers: no escape, double
/// escape, case change or dot segment of a document path reaches the file without them.
#[tokio::test]
async fn encoded_and_case_variants_of_document_paths_never_skip_the_headers() {
    let app = TestApp::new();
    let sid = app
        .session(json!({"allowed_origins": ["https://app.example.com"]}))
        .await
        .0;
    let raw_file = [
        "/index.html",
        "/index%2ehtml",
        "/index%2Ehtml",
        "/index.htm%6C",
        "/index.htm%6c",
        "/%69ndex.html",
        "/index%252ehtml",
        "/index.htm%256C",
        "/INDEX.HTML",
        "/Index.html",
        "/index.HTML",
        "/./index.html",
        "//index.html",
        "/index.html/",
        "/index.html.",
        "/index.html%00",
        "/index.html%20",
        "/%2e/index.html",
        "/%2E%2Findex.html",
        "/x/..%2findex.html",
        "/x/%2e%2e/index.html",
        "/index.html;x",
        "/%2Findex.html",
        "/index",
        "/.",
        "/%2e",
        "/",
        "/dist/index.html",
    ];
    for path in raw_file {
        let r = doc(&app, path).await;
        assert!(
            !r.text.contains("data-test-embed"),
            "{path} served the embed document as a file"
        );
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert_document_headers(&r, "'none'");
    }
    let routes = [
        "/workspace/%64ashboard",
        "/workspace/dashboar%64",
        "/workspace/%2564ashboard",
        "/%77orkspace/dashboard",
        "/WORKSPACE/DASHBOARD",
        "/Workspace/dashboard",
        "/workspace/Dashboard",
        "/workspace%2fdashboard",
        "/workspace%2Fdashboard",
        "/workspace/./dashboard",
        "/workspace//dashboard",
        "/workspace/dashboard/..%2f..%2findex.html",
        "/workspace/events/%2e%2e",
        "/workspace/dashboard/",
        "/workspace/dashboard",
        "/workspace/events/evt_1",
    ];
    for path in routes {
        let r = doc(&app, &format!("{path}?session={sid}")).await;
        if r.text.contains("data-test-embed") {
            assert_eq!(r.status, StatusCode::OK, "{path}");
            assert_document_headers(&r, "https://app.example.com");
        } else {
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
            assert_document_headers(&r, "'none'");
        }
    }
    // The real documents still come (with their headers), and so do the build's assets — by
    // their exact names only.
    assert!(
        doc(&app, &format!("/workspace/dashboard?session={sid}"))
            .await
            .text
            .contains("data-test-embed")
    );
    for (path, status) in [
        ("/meshes-embed-0123456789abcdef.js", StatusCode::OK),
        ("/boot.js", StatusCode::OK),
        ("/meshes-embed-0123456789abcdef%2ejs", StatusCode::NOT_FOUND),
        ("/MESHES-EMBED-0123456789ABCDEF.JS", StatusCode::NOT_FOUND),
        ("/BOOT.JS", StatusCode::NOT_FOUND),
        ("/./boot.js", StatusCode::NOT_FOUND),
        ("/missing-0123456789abcdef.js", StatusCode::NOT_FOUND),
        // A split build's package folder: its files, and nothing else through it.
        ("/pkg-0123456789abcdef/__wasm_split.js", StatusCode::OK),
        ("/pkg-0123456789abcdef/index.html", StatusCode::NOT_FOUND),
        (
            "/pkg-0123456789abcdef/__wasm_split.js.br",
            StatusCode::NOT_FOUND,
        ),
        (
            "/meshes-embed-0123456789abcdef.js.br",
            StatusCode::NOT_FOUND,
        ),
        ("/pkg-0123456789abcdef/index%2ehtml", StatusCode::NOT_FOUND),
        ("/pkg-0123456789abcdef/../index.html", StatusCode::NOT_FOUND),
        (
            "/pkg-0123456789abcdef/%2e%2e/index.html",
            StatusCode::NOT_FOUND,
        ),
        (
            "/pkg-0123456789abcdef%2f__wasm_split.js",
            StatusCode::NOT_FOUND,
        ),
        (
            "/pkg-0123456789ABCDEF/__wasm_split.js",
            StatusCode::NOT_FOUND,
        ),
        ("/pkg-0123/__wasm_split.js", StatusCode::NOT_FOUND),
        (
            "/pkg-0123456789abcdef/sub/__wasm_split.js",
            StatusCode::NOT_FOUND,
        ),
    ] {
        let r = doc(&app, path).await;
        assert_eq!(r.status, status, "{path}");
        if status == StatusCode::OK {
            assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
            assert_eq!(
                r.header("cross-origin-resource-policy"),
                Some("same-origin")
            );
        }
    }
    // The documented ?launch= form with escapes in its keys reads the same as the runtime does.
    let r = doc(&app, &format!("/workspace/dashboard?sess%69on={sid}")).await;
    assert_document_headers(&r, "https://app.example.com");
}

/// Build assets go out precompressed when the browser takes it, as a CDN should send them:
/// `Content-Encoding`, `Vary: accept-encoding`, the right type, immutable caching for hashed names.
#[tokio::test]
async fn build_assets_are_served_precompressed_and_cached_for_good() {
    let app = TestApp::new();
    let get = |accept: Option<&str>| {
        let mut r = axum::http::Request::get("/meshes-embed-0123456789abcdef.js");
        if let Some(a) = accept {
            r = r.header("accept-encoding", a);
        }
        r.body(axum::body::Body::empty()).unwrap()
    };
    let br = app.send(get(Some("gzip, deflate, br"))).await;
    assert_eq!(br.status, StatusCode::OK);
    assert_eq!(br.header("content-encoding"), Some("br"));
    let on_disk = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/dist/meshes-embed-0123456789abcdef.js.br"),
    )
    .unwrap();
    assert_eq!(
        br.header("content-length"),
        Some(on_disk.len().to_string().as_str()),
        "the .br file as it is"
    );
    assert!(
        br.header("vary")
            .unwrap()
            .to_ascii_lowercase()
            .contains("accept-encoding")
    );
    assert!(
        br.header("content-type")
            .unwrap()
            .starts_with("text/javascript")
    );
    assert_eq!(
        br.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    let plain = app.send(get(None)).await;
    assert_eq!(plain.header("content-encoding"), None);
    assert!(plain.text.contains("console.log"));
}
