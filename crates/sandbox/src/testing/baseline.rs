//! The hand-written page `cargo xtask bench` compares the embed with (test hooks only): the same
//! work in plain JS and DOM — launch exchange, `meshes:ready`, `meshes:auth`, one dashboard read,
//! the numbers on screen — served with the same document headers, from the same origin.

use crate::AppState;
use crate::meshes::api::sessions::SessionRow;
use crate::meshes::embed::{ancestors_of, document_headers};
use axum::extract::{Request, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use meshes_protocol::api::LAUNCH_SESSION_PARAM;
use meshes_protocol::query;

const PAGE: &str = r#"<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Baseline workspace</title>
<script src="/__sandbox/baseline.js" defer></script></head>
<body><main id="main"><p>Loading…</p></main></body></html>"#;

const SCRIPT: &str = r#"(async function () {
  const session = new URLSearchParams(location.search).get('session');
  const launch = new URLSearchParams(location.hash.slice(1)).get('launch');
  history.replaceState(null, '', location.pathname + location.search);
  const parent = (location.ancestorOrigins && location.ancestorOrigins[0]) || new URL(document.referrer).origin;
  const json = { 'content-type': 'application/json', accept: 'application/json' };
  const res = await fetch('/api/v1/embed/launch', {
    method: 'POST', headers: json,
    body: JSON.stringify({ launch_token: launch, session_id: session, parent_origin: parent }),
  });
  const ctx = await res.json();
  addEventListener('message', async (e) => {
    if (e.origin !== parent || e.source !== window.parent || !e.data || e.data.type !== 'meshes:auth') return;
    performance.mark('meshes:auth');
    const r = await fetch(`/api/v1/workspaces/${ctx.workspace.id}/dashboard?days=14`, {
      headers: { authorization: `Bearer ${e.data.token}`, accept: 'application/json' },
    });
    const m = await r.json();
    const main = document.getElementById('main');
    main.textContent = '';
    const d = m.deliveries;
    for (const [label, value] of [
      ['Events', m.events.total], ['Failed deliveries', d.failed],
      ['In flight', d.pending + d.processing + d.retrying],
      ['Connections', `${m.connections.active} of ${m.connections.total} active`],
    ]) {
      const p = document.createElement('p');
      p.textContent = `${label}: ${value}`;
      main.append(p);
    }
    requestAnimationFrame(() => performance.mark('meshes:painted'));
  });
  window.parent.postMessage({ type: 'meshes:ready' }, parent);
  performance.mark('meshes:ready');
})();
"#;

/// `GET /__sandbox/baseline/...?session=…`: framed exactly like the embed document.
pub async fn page(State(state): State<AppState>, req: Request) -> Response {
    let pairs = query::pairs(req.uri().query().unwrap_or_default());
    let row = query::first(&pairs, LAUNCH_SESSION_PARAM)
        .and_then(|id| SessionRow::load(&state, id).ok().flatten());
    (document_headers(&ancestors_of(row)), Html(PAGE)).into_response()
}

pub async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        SCRIPT,
    )
        .into_response()
}
