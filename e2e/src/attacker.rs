//! The fourth origin: a hostile site on `http://127.0.0.2:<port>` (a different site from both
//! `localhost` and `127.0.0.1`). A few static pages, parameterised through the URL fragment.

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Frames `location.hash` (a launch URL) and records every message it receives.
const FRAME: &str = r#"<!doctype html><meta charset=utf-8><title>attacker: frame</title>
<script>
window.__got = [];
addEventListener('message', (e) => window.__got.push({origin: e.origin, data: e.data}));
const f = document.createElement('iframe');
window.__loads = 0;
f.addEventListener('load', () => { window.__loads += 1; });
f.src = decodeURIComponent(location.hash.slice(1));
document.documentElement.appendChild(f);
</script>"#;

/// Opens the host page (fragment) as a named popup, so this page and its sandboxed child can
/// post forged messages into the embed inside it (`popup.frames[0]`).
const OPENER: &str = r#"<!doctype html><meta charset=utf-8><title>attacker: opener</title>
<button id=open>open</button>
<script>
window.__got = [];
addEventListener('message', (e) => window.__got.push({origin: e.origin, data: e.data}));
document.getElementById('open').onclick = () => {
  window.__popup = window.open(decodeURIComponent(location.hash.slice(1)), 'acme-host', 'popup,width=1200,height=900');
};
// Post a forged meshes:auth from here (wrong origin, wrong source).
window.__forge = (token) => window.__popup.frames[0].postMessage({type: 'meshes:auth', token}, '*');
</script>"#;

/// A host page on this origin (the session allows it) that frames the embed and answers
/// `meshes:ready` properly — plus a sandboxed ("null" origin) sibling frame, like a third-party
/// widget, that posts forged `meshes:auth` to the embed.
const HOST: &str = r#"<!doctype html><meta charset=utf-8><title>attacker: host with a widget</title>
<script>
const { launch_url, token } = JSON.parse(decodeURIComponent(location.hash.slice(1)));
const origin = new URL(launch_url).origin;
const f = document.createElement('iframe');
f.id = 'embed';
f.style.height = '600px';
addEventListener('message', (e) => {
  if (e.origin === origin && e.source === f.contentWindow && e.data?.type === 'meshes:ready') {
    window.__readies = (window.__readies ?? 0) + 1;
    f.contentWindow.postMessage({type: 'meshes:auth', token}, origin);
  }
});
f.src = launch_url;
document.documentElement.appendChild(f);
window.__sandboxForge = (forged) => {
  const w = document.createElement('iframe');
  w.setAttribute('sandbox', 'allow-scripts');
  w.srcdoc = `<script>parent.frames[0].postMessage({type: 'meshes:auth', token: ${JSON.stringify(forged)}}, '*');<\/script>`;
  document.documentElement.appendChild(w);
};
</script>"#;

/// Opens a forwarded OAuth start link (fragment: `{url, attempt, proof}`) in a popup, and keeps
/// posting the attempt's real proof to it — what an admin who created the attempt could do.
/// The start page must not take it: it only trusts its opener at the embed's origin.
const LINK: &str = r#"<!doctype html><meta charset=utf-8><title>attacker: forwarded link</title>
<button id=open>open</button>
<script>
const { url, attempt, proof } = JSON.parse(decodeURIComponent(location.hash.slice(1)));
window.__got = [];
addEventListener('message', (e) => window.__got.push({origin: e.origin, data: e.data}));
document.getElementById('open').onclick = () => {
  const w = window.open(url, 'victim', 'popup,width=600,height=700');
  const t = setInterval(() => {
    try { w.postMessage({ type: 'meshes:oauth-proof', attempt, proof }, '*'); } catch (e) {}
  }, 100);
  setTimeout(() => clearInterval(t), 6000);
};
</script>"#;

/// Serve the attacker pages; returns the origin.
pub async fn start() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.2:0")
        .await
        .expect("bind 127.0.0.2");
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                let n = sock.read(&mut buf).await.unwrap_or(0);
                let head = String::from_utf8_lossy(&buf[..n]);
                let path = head.split_whitespace().nth(1).unwrap_or("/");
                let (status, body) = match path.split('?').next() {
                    Some("/frame.html") => ("200 OK", FRAME),
                    Some("/opener.html") => ("200 OK", OPENER),
                    Some("/host.html") => ("200 OK", HOST),
                    Some("/link.html") => ("200 OK", LINK),
                    _ => ("404 Not Found", "not found"),
                };
                let res = format!(
                    "HTTP/1.1 {status}\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = sock.write_all(res.as_bytes()).await;
            });
        }
    });
    format!("http://127.0.0.2:{port}")
}
