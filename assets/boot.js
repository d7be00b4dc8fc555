// Loads the wasm runtime. Lives in its own file so the embed CSP needs no inline script.
// Trunk writes the hashed asset names into this tag's data attributes.
//
// While the module downloads and compiles, the launch exchange already runs: the request the
// runtime would send (only when framed, with the session reference and the parent origin the
// browser reports), whose answer the runtime takes from `window.__meshesLaunch` once.
//
// When that answer names the parent's origin exactly among the session's allowed origins (the
// runtime's own rule, `choose_parent`), the host hears `meshes:ready` at once, so its token is
// on the way while the runtime still compiles. Until the runtime listens, messages wait in
// `window.__meshesEarly` unread (only those from `window.parent`): the runtime puts each through
// the same checks as a live one (trusted, from `window.parent`, from the bound origin, well
// formed), in arrival order.
const tag = document.querySelector('script[data-wasm]');
const query = new URLSearchParams(location.search);
const hashed = new URLSearchParams(location.hash.slice(1)).getAll('launch');
const queried = query.getAll('launch');
const sessions = query.getAll('session');
// Only an unambiguous URL (each value once), which the runtime reads the same way; anything
// else is left to the runtime's own exchange.
const once = (values) => (values.length === 1 ? values[0] : '');
const token = hashed.length ? once(hashed) : once(queried);
const session = once(sessions);
if (window.parent !== window && token && session) {
  const seen = location.ancestorOrigins && location.ancestorOrigins[0];
  const referred = document.referrer ? new URL(document.referrer).origin : undefined;
  const parent = seen || (referred === 'null' ? undefined : referred);
  // Said at once (no fields), so a host that never hears meshes:ready can tell a launch that
  // stalls from a frame the browser refused (where nothing runs). It carries nothing: only a
  // page the session lets frame it (`frame-ancestors`) receives it.
  if (parent && parent !== 'null') window.parent.postMessage({"type":"meshes:loading"}, parent);
  const early = { inbox: [], ready: null, dropped: 0, overflowed: false };
  const keep = (e) => {
    // Only the parent's messages are kept (nobody else can fake `source`), so other frames
    // can neither crowd the host's token out nor park data here; the rest count as dropped.
    if (e.source !== window.parent) {
      early.dropped++;
      return;
    }
    if (e.data && e.data.type === 'meshes:auth') performance.mark('meshes:auth');
    // Bounded; past the bound the runtime asks the host again itself.
    if (early.inbox.length < 32) early.inbox.push(e);
    else early.overflowed = true;
  };
  addEventListener('message', keep);
  early.stop = () => removeEventListener('message', keep);
  window.__meshesEarly = early;
  window.__meshesLaunch = {
    session,
    answer: fetch('/api/v1/embed/launch', {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify({ launch_token: token, session_id: session, parent_origin: parent }),
      signal: AbortSignal.timeout(10000),
    }).then(async (r) => {
      const body = await r.text();
      if (r.status === 200 && parent && parent !== 'null') {
        let allowed = [];
        try {
          allowed = JSON.parse(body).allowed_origins || [];
        } catch (_) {}
        if (Array.isArray(allowed) && allowed.includes(parent)) {
          // Exactly the runtime's own `EmbedMessage::ready()` (a protocol test compares them).
          window.parent.postMessage({"type":"meshes:ready","version":1,"capabilities":["refresh-failed","navigate-to","scroll-into-view","connection","error","appearance","locale"]}, parent);
          performance.mark('meshes:ready');
          early.ready = parent;
        }
      }
      return { status: r.status, body };
    }),
  };
}
const { default: init } = await import(tag.dataset.js);
await init({ module_or_path: tag.dataset.wasm });
