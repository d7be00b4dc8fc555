//! Encoded and case-changed variants of document paths: none of them skips the headers.

use super::*;

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
        // Language catalogs: a shipped language by its exact name, nothing else in the folder.
        ("/locales/fr.json", StatusCode::OK),
        ("/locales/FR.json", StatusCode::NOT_FOUND),
        ("/locales/fr.JSON", StatusCode::NOT_FOUND),
        ("/locales/fr%2ejson", StatusCode::NOT_FOUND),
        ("/locales%2ffr.json", StatusCode::NOT_FOUND),
        ("/LOCALES/fr.json", StatusCode::NOT_FOUND),
        ("/locales/./fr.json", StatusCode::NOT_FOUND),
        ("/locales/../index.html", StatusCode::NOT_FOUND),
        ("/locales/%2e%2e/index.html", StatusCode::NOT_FOUND),
        // In the folder, but not a shipped language.
        ("/locales/xx.json", StatusCode::NOT_FOUND),
        ("/locales/de.json", StatusCode::NOT_FOUND),
        ("/locales/index.html", StatusCode::NOT_FOUND),
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
    // A catalog changes with each release under the same name: revalidated, never immutable.
    let fr = doc(&app, "/locales/fr.json").await;
    assert_eq!(fr.header("cache-control"), Some("no-cache"));
    assert!(
        fr.header("content-type")
            .is_some_and(|t| t.starts_with("application/json")),
        "{:?}",
        fr.header("content-type")
    );
    assert!(fr.text.contains("Annuler"));
    // The documented ?launch= form with escapes in its keys reads the same as the runtime does.
    let r = doc(&app, &format!("/workspace/dashboard?sess%69on={sid}")).await;
    assert_document_headers(&r, "https://app.example.com");
}
