// Loads the wasm runtime. Lives in its own file so the embed CSP needs no inline script.
// Trunk writes the hashed asset names into this tag's data attributes.
//
// While the module downloads and compiles, the launch exchange already runs: the request the
// runtime would send (only when framed, with the session reference and the parent origin the
// browser reports), whose answer the runtime takes from `window.__meshesLaunch` once.
const tag = document.querySelector('script[data-wasm]');
const query = new URLSearchParams(location.search);
const token = new URLSearchParams(location.hash.slice(1)).get('launch') || query.get('launch');
const session = query.get('session');
if (window.parent !== window && token && session) {
  const seen = location.ancestorOrigins && location.ancestorOrigins[0];
  const referred = document.referrer ? new URL(document.referrer).origin : undefined;
  const parent = seen || (referred === 'null' ? undefined : referred);
  window.__meshesLaunch = {
    session,
    answer: fetch('/api/v1/embed/launch', {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify({ launch_token: token, session_id: session, parent_origin: parent }),
      signal: AbortSignal.timeout(10000),
    }).then(async (r) => ({ status: r.status, body: await r.text() })),
  };
}
const { default: init } = await import(tag.dataset.js);
await init({ module_or_path: tag.dataset.wasm });
