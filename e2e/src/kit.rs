//! A bench for the host kit (`www/meshes-embed.js`) on its own: a host page that imports the
//! real kit file, and a scripted stand-in for the embed on another origin that posts what a
//! test tells it to and records what it receives. Host `http://127.0.0.3:<a>`, embed
//! `http://127.0.0.3:<b>` (same host, other port: another origin).

use std::path::PathBuf;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The host page: `window.__mount(options)` mounts the kit into `#box` with a launch URL on the
/// embed origin; every `onEvent` lands in `window.__events`. `message` listeners on the window
/// are counted, so `destroy()` can be checked to remove its own.
const HOST: &str = r#"<!doctype html><meta charset=utf-8><title>kit bench</title><div id=box></div>
<script type=module>
import { mountMeshesEmbed } from '/kit.js';
const embedOrigin = decodeURIComponent(location.hash.slice(1));
window.__events = [];
window.__listeners = 0;
const add = window.addEventListener.bind(window), remove = window.removeEventListener.bind(window);
window.addEventListener = (t, f, o) => { if (t === 'message') window.__listeners += 1; add(t, f, o); };
window.removeEventListener = (t, f, o) => { if (t === 'message') window.__listeners -= 1; remove(t, f, o); };
window.__mount = (options) => {
  window.__kit?.destroy();
  window.__kit = mountMeshesEmbed(document.getElementById('box'), {
    launchUrl: `${embedOrigin}/workspace/dashboard?session=sess_bench#launch=secret-launch`,
    accessToken: 'a.b.first',
    refresh: async () => 'a.b.refreshed',
    onEvent: (m) => window.__events.push(m),
    ...options,
  });
  return window.__kit.iframe.src;
};
window.__ready = true;
</script>"#;

/// The bench's host page: mounts the kit with the launch URL and token in the fragment
/// (`{launch_url, token}`); every `onEvent` lands in `window.__events` with its time.
const BENCH: &str = r#"<!doctype html><meta charset=utf-8><title>bench host</title>
<style>body{margin:0;font:14px system-ui}</style><div id=box></div>
<script type=module>
import { mountMeshesEmbed } from '/kit.js';
const { launch_url, token } = JSON.parse(decodeURIComponent(location.hash.slice(1)));
window.__events = [];
window.__kit = mountMeshesEmbed(document.getElementById('box'), {
  launchUrl: launch_url, accessToken: token, refresh: async () => token,
  onEvent: (m) => window.__events.push({ ...m, at: performance.timeOrigin + performance.now() }),
});
</script>"#;

/// The stand-in embed: records what it receives; `window.__send(msg)` posts to its parent.
const EMBED: &str = r#"<!doctype html><meta charset=utf-8><title>embed stand-in</title>
<script>
window.__got = [];
addEventListener('message', (e) => window.__got.push({ origin: e.origin, data: e.data }));
const parentOrigin = new URL(document.referrer).origin;
window.__send = (msg) => parent.postMessage(msg, parentOrigin);
</script>"#;

async fn serve(listener: tokio::net::TcpListener, embed: bool, kit: String) {
    while let Ok((mut sock, _)) = listener.accept().await {
        let kit = kit.clone();
        tokio::spawn(async move {
            let mut buf = vec![0u8; 8192];
            let n = sock.read(&mut buf).await.unwrap_or(0);
            let head = String::from_utf8_lossy(&buf[..n]);
            let path = head.split_whitespace().nth(1).unwrap_or("/");
            let path = path.split('?').next().unwrap_or("/");
            // A frame the browser must refuse (what a host origin missing from the session's
            // allowed origins gets): nothing in it runs.
            let csp = if path == "/workspace/refused" {
                "content-security-policy: frame-ancestors 'none'\r\n"
            } else {
                ""
            };
            let (status, kind, body) = match (embed, path) {
                (false, "/kit.js") => ("200 OK", "text/javascript", kit),
                (false, "/host.html") => ("200 OK", "text/html", HOST.to_owned()),
                (false, "/bench.html") => ("200 OK", "text/html", BENCH.to_owned()),
                (true, p) if p.starts_with("/workspace/") => {
                    ("200 OK", "text/html", EMBED.to_owned())
                }
                _ => ("404 Not Found", "text/plain", "not found".to_owned()),
            };
            let res = format!(
                "HTTP/1.1 {status}\r\ncontent-type: {kind}; charset=utf-8\r\ncontent-length: {}\r\n\
                 referrer-policy: origin\r\n{csp}connection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = sock.write_all(res.as_bytes()).await;
        });
    }
}

/// Serve the bench; returns (host origin, embed origin).
pub async fn start() -> (String, String) {
    let kit = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../www/meshes-embed.js"),
    )
    .expect("the host kit");
    let mut origins = vec![];
    for embed in [false, true] {
        let listener = tokio::net::TcpListener::bind("127.0.0.3:0")
            .await
            .expect("bind 127.0.0.3");
        let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
        origins.push(format!("http://127.0.0.3:{port}"));
        tokio::spawn(serve(listener, embed, kit.clone()));
    }
    (origins[0].clone(), origins[1].clone())
}
