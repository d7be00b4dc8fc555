//! Build assets: served precompressed and cached for good.

use super::*;

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
