// Meshes embed host kit: the host side of the iframe contract, in one small ES module.
//
//   const embed = mountMeshesEmbed(container, {
//     launchUrl, accessToken,              // from your backend's POST /api/v1/sessions
//     refresh: async ({ signal }) => newAccessToken, // your backend's POST /api/v1/sessions/{id}/refresh
//                                          // (give `signal` to fetch: a try that hangs is aborted)
//     onEvent: (message) => {},            // every contract message, e.g. to route or log
//     oauthRedirect: false,                // opt in to the OAuth redirect fallback (see below)
//     path,                                // reopen where the user was: an earlier meshes:navigate path
//     loader,                              // an element shown until the embed paints (false: none)
//     readyTimeout: 15000,                 // ms before `error` says why meshes:ready never came
//     appearance, locale,                  // the host's look and language (BCP 47, e.g. 'fr-CA')
//   });
//   await embed.ready;                     // { version, capabilities }, or rejects with a diagnosis
//   embed.on('navigate', ({ path }) => {}); // typed events: see meshes-embed.d.ts
//   embed.navigate('/workspace/events?status=failed');
//
// OAuth redirect fallback (opt-in): when neither a popup nor a tab can open, the embed may send
// the whole page to the Meshes-hosted sign-in, which comes back to this page with
// ?meshes_oauth=<attempt id>. Mint a new session (launch_page "connections") and mount again with
// oauthRedirect: true; the kit strips the parameter and the embed shows the outcome.
//
// Rules it follows: the embed origin comes from launchUrl; messages count only when both
// event.origin and event.source match the iframe; meshes:auth is sent only after meshes:ready and
// only to the embed origin (never '*'); the listener is registered before the iframe loads.
// The minimum the embed needs: popups (escaping the sandbox) for the hosted OAuth sign-in. Add
// allow-top-navigation-by-user-activation only if you opt in to the OAuth redirect fallback.
export const DEFAULT_SANDBOX =
  'allow-scripts allow-same-origin allow-forms allow-popups allow-popups-to-escape-sandbox';

// Three tries, 1 s and 2 s apart, 8 s each: the failure is reported within 27 s, before the
// embed's own 30 s wait for an answer runs out.
const REFRESH_TIMEOUT_MS = 8000;
const NO_TOKEN = 'refresh() did not return an access token';
const TOKEN_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const withTimeout = (promise, ms) => Promise.race([
  promise,
  sleep(ms).then(() => { throw Error(NO_TOKEN); }),
]);

const WORKSPACE_PATH = /^\/workspace\/[a-z_]+(\/[A-Za-z0-9_-]+){0,2}(\?[^#]*)?$/;
const RESERVED_PARAMS = ['session', 'launch', 'return_to', 'oauth_attempt'];

export function mountMeshesEmbed(container, {
  launchUrl, accessToken, refresh, onEvent = () => {}, minHeight = 480, maxHeight = 10000,
  title = 'Integrations workspace', sandbox = DEFAULT_SANDBOX, oauthRedirect = false, path,
  loader, readyTimeout = 15000, appearance, locale,
}) {
  const src = new URL(launchUrl);
  const { origin } = src;
  // A stored meshes:navigate path (e.g. /workspace/events?status=failed) replaces the launch page;
  // its query (the Events filters) rides along. The launch secret and session stay as minted.
  if (WORKSPACE_PATH.test(path)) {
    const at = new URL(path, origin);
    src.pathname = at.pathname;
    for (const [k, v] of at.searchParams) {
      if (!RESERVED_PARAMS.includes(k)) src.searchParams.set(k, v);
    }
  }
  if (oauthRedirect) {
    const here = new URL(location.href);
    const returned = here.searchParams.get('meshes_oauth');
    if (returned) {
      here.searchParams.delete('meshes_oauth');
      history.replaceState(history.state, '', here.href);
      src.searchParams.set('oauth_attempt', returned);
    }
    here.hash = '';
    src.searchParams.set('return_to', here.href);
    // A link in the iframe may navigate this page, only when the user clicks it. (A token
    // the host already gave is harmless twice: the attribute is a set.)
    sandbox += ' allow-top-navigation-by-user-activation';
  }
  const iframe = document.createElement('iframe');
  iframe.title = title;
  iframe.className = 'meshes-embed';
  iframe.sandbox = sandbox;
  iframe.style.height = `${minHeight}px`;

  // The embed may copy text (e.g. an event id) for the user; the clipboard needs the permission.
  iframe.allow = 'clipboard-write';
  // Where the browser has no ancestorOrigins, the embed learns this page's origin from the
  // referrer: send the origin (only), whatever this page's own policy.
  iframe.referrerPolicy = 'strict-origin';

  // The loader covers the frame until the embed paints (its first meshes:resize): the host's
  // element, or a plain status line the host can style as .meshes-embed-loader.
  const holder = document.createElement('div');
  holder.style.position = 'relative';
  let cover = loader;
  if (cover === undefined) {
    cover = document.createElement('div');
    cover.className = 'meshes-embed-loader';
    cover.role = 'status';
    cover.textContent = 'Loading integrations…';
    cover.style.cssText = 'display:grid;place-items:center;background:Canvas';
  }
  if (cover) cover.style.cssText += ';position:absolute;inset:0';
  const uncover = () => cover && cover.remove();

  const listeners = {};
  let emit = (name, detail) => listeners[name]?.forEach((callback) => callback(detail));

  let token = accessToken;
  let info = null;
  let heard = false;
  let refreshing = null;
  let settle;
  const ready = new Promise((resolve, reject) => { settle = { resolve, reject }; });
  // A host that never awaits `ready` gets no unhandled-rejection noise; one that does still sees it.
  ready.catch(() => {});
  const post = (message) => iframe.contentWindow?.postMessage(message, origin);
  const sendAuth = () => post({ type: 'meshes:auth', token });
  // The host's look and language go first (before the token, so the first page paints in
  // them). An embed without the `appearance`/`locale` capability ignores what it does not know.
  const configure = () => info && (appearance || locale) && post({ type: 'meshes:configure', appearance, locale });

  // Ready failed to come: say why, once, to `error`, `ready` and onEvent.
  function fail(code) {
    if (info || !settle) return;
    // What each code means, and what to do: docs/contract.md §6 and meshes-embed.d.ts.
    const error = Object.assign(Error(`Meshes embed: ${code}`), { code });
    // The frame shows what it can (the embed's own error, or the browser's refusal); the host
    // decides what to say around it.
    uncover();
    settle.reject(error);
    settle = null;
    const detail = { type: 'error', code };
    onEvent(detail);
    emit('error', detail);
  }
  // Nothing heard at all: a server that answers means the browser refused the frame.
  const timer = setTimeout(() => {
    if (heard) fail('unknown');
    else fetch(origin, { mode: 'no-cors' }).then(() => fail('frame-refused'), () => fail('network'));
  }, readyTimeout);

  // Ask the host's backend for a token: the result must be a token-shaped string; a failure or
  // a hang is retried with backoff before the embed and the host hear about it. A try that hangs
  // is aborted (`signal`), so a late answer can't retire the token a later try delivered.
  async function fetchToken() {
    let last;
    // Before each try: none, then 1 s, then 2 s.
    for (const wait of [0, 1e3, 2e3]) {
      await sleep(wait);
      const abort = new AbortController();
      try {
        const fresh = await withTimeout(
          (async () => refresh({ signal: abort.signal }))(),
          REFRESH_TIMEOUT_MS,
        );
        if (typeof fresh === 'string' && TOKEN_SHAPE.test(fresh)) return fresh;
        last = Error(NO_TOKEN);
      } catch (error) {
        last = error;
      } finally {
        abort.abort();
      }
    }
    throw last;
  }

  function onMessage(event) {
    if (event.origin !== origin || event.source !== iframe.contentWindow) return;
    const msg = event.data;
    // Only an object with a `meshes:` type (null and primitives have no string `type`).
    if (typeof msg?.type !== 'string' || !msg.type.startsWith('meshes:')) return;
    heard = true;
    let name = msg.type.slice(7);
    let detail = msg;
    switch (msg.type) {
      case 'meshes:ready':
        // Version 1 names what it takes; an older embed says nothing, so nothing is assumed.
        if (!info) {
          info = {
            version: msg.version | 0,
            capabilities: msg.capabilities || [],
          };
          settle?.resolve(info);
        }
        detail = info;
        configure();
        sendAuth();
        break;
      case 'meshes:token-refresh':
        // One refresh at a time, however often the embed asks.
        refreshing ??= fetchToken()
          .then((fresh) => { token = fresh; sendAuth(); })
          .catch((error) => {
            // Tell the embed at once, so it explains the pause (and keeps asking, with backoff).
            post({ type: 'meshes:refresh-failed' });
            const report = { type: 'host:refresh-failed', error: String(error?.message ?? error) };
            onEvent(report);
            emit('refresh-failed', report);
          })
          .finally(() => { refreshing = null; });
        break;
      case 'meshes:resize': {
        const h = msg.height;
        if (!Number.isFinite(h) || h < 0) return;
        iframe.style.height = `${Math.min(maxHeight, Math.max(minHeight, Math.ceil(h)))}px`;
        uncover();
        if (pending) revealPending();
        break;
      }
      case 'meshes:scroll-into-view': {
        // Additive: a box of the frame's viewport the user must see (a notice, the first error,
        // a form that opened). Scroll only if it is out of view; no smooth scrolling for users
        // who asked for less motion.
        const { top, height } = msg;
        if (![top, height].every(Number.isFinite) || height < 0) return;
        // A box below the frame's current bottom (a form that just opened) waits for the
        // resize that makes room for it: scrolled now, the page could not go far enough.
        clearTimeout(pending?.timer);
        pending = null;
        if (top + height > iframe.clientHeight && iframe.clientHeight < maxHeight) {
          pending = { top, height, timer: setTimeout(revealPending, 5000) };
        } else {
          reveal(top, height);
        }
        break;
      }
      case 'meshes:token-expired':
        // Launch reasons (and an ended session) need a new session; the others recover with a
        // later token for the same session.
        name = 'expired';
        // A copy: the event's data is shared with the page's other message listeners.
        detail = { ...msg, remint: /^launch_|^session_ended$/.test(msg.reason) };
        if (!info && /^launch_/.test(msg.reason)) {
          fail(/_(expired|used)$/.test(msg.reason) ? 'launch-expired' : 'launch-refused');
        }
        break;
      case 'meshes:error':
        // Additive: the embed's own fatal state, said before it shows it; reported as `error`.
        if (msg.code === 'network') fail('network');
        return;
      // Passed on as sent (only the embed window at its origin gets this far). `connection`:
      // an OAuth connection was set up or re-authorized; ids only, never a token.
      case 'meshes:navigate':
      case 'meshes:navigate-refused':
      case 'meshes:connection':
        break;
      default:
        return;
    }
    onEvent(msg);
    emit(name, detail);
  }

  let pending = null;
  function revealPending() {
    const box = pending;
    pending = null;
    if (!box) return;
    clearTimeout(box.timer);
    reveal(box.top, box.height);
  }

  // Bring a box of the frame (its top and height, in the frame's viewport) into the window's
  // view: its top below a margin if it is above or too tall, its bottom in view if below.
  function reveal(top, height) {
    const frame = iframe.getBoundingClientRect();
    const start = frame.top + iframe.clientTop + Math.max(0, Math.min(top, frame.height));
    const end = start + Math.min(height, frame.height);
    const margin = 16;
    const view = innerHeight;
    let delta = 0;
    if (start < 0 || end - start > view - 2 * margin) delta = start - margin;
    else if (end > view) delta = end - view + margin;
    if (!delta) return;
    const calm = matchMedia('(prefers-reduced-motion: reduce)').matches;
    // To an absolute place measured now: a second box during a smooth scroll replaces its
    // target instead of adding to it (scrollBy would overshoot).
    scrollTo({ top: scrollY + delta, behavior: calm ? 'auto' : 'smooth' });
  }

  addEventListener('message', onMessage);
  iframe.src = src.href;
  holder.append(iframe);
  if (cover) holder.append(cover);
  container.replaceChildren(holder);

  return {
    iframe,
    origin,
    ready,
    /** Listen to one kind of event; returns a function that stops listening. */
    on(name, callback) {
      (listeners[name] ??= new Set()).add(callback);
      return () => listeners[name].delete(callback);
    },
    /**
     * Open an in-app path (`/workspace/...`). The embed checks it like a deep link: a path this
     * session may not open is reported as `navigate-refused`, never followed.
     */
    async navigate(to) {
      // After a timeout, a late ready still counts.
      if (!(info || await ready).capabilities.includes('navigate-to')) throw Error('Meshes embed: no navigate-to');
      post({ type: 'meshes:navigate-to', path: String(to) });
    },
    /** Change the look or language live (`{ appearance, locale }`; what is left out stays). */
    update(options) {
      // Only these two, and only those given (a key left out keeps its value).
      ({ appearance = appearance, locale = locale } = options);
      configure();
    },
    /** Push a token you refreshed on your own schedule. */
    setToken(fresh) {
      token = fresh;
      if (info) sendAuth();
    },
    destroy() {
      // Nothing is reported after this, and `ready` (if pending) rejects with `destroyed`.
      onEvent = emit = () => {};
      fail('destroyed');
      clearTimeout(timer);
      clearTimeout(pending?.timer);
      removeEventListener('message', onMessage);
      holder.remove();
    },
  };
}
