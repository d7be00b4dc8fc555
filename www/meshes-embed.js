// Meshes embed host kit: the host side of the iframe contract, in one small ES module.
//
//   const embed = mountMeshesEmbed(container, {
//     launchUrl, accessToken,              // from your backend's POST /api/v1/sessions
//     refresh: async () => newAccessToken, // your backend's POST /api/v1/sessions/{id}/refresh
//     onEvent: (message) => {},            // every contract message, e.g. to route or log
//     oauthRedirect: false,                // opt in to the OAuth redirect fallback (see below)
//     path,                                // reopen where the user was: an earlier meshes:navigate path
//   });
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

const WORKSPACE_PATH = /^\/workspace\/[a-z_]+(\/[A-Za-z0-9_-]+){0,2}(\?[^#]*)?$/;
const RESERVED_PARAMS = ['session', 'launch', 'return_to', 'oauth_attempt'];

export function mountMeshesEmbed(container, {
  launchUrl, accessToken, refresh, onEvent = () => {}, minHeight = 480, maxHeight = 10000,
  title = 'Integrations workspace', sandbox = DEFAULT_SANDBOX, oauthRedirect = false, path,
}) {
  const origin = new URL(launchUrl).origin;
  const src = new URL(launchUrl);
  // A stored meshes:navigate path (e.g. /workspace/events?status=failed) replaces the launch page;
  // its query (the Events filters) rides along. The launch secret and session stay as minted.
  if (typeof path === 'string' && WORKSPACE_PATH.test(path)) {
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
    // A link in the iframe may navigate this page, only when the user clicks it.
    if (!/\ballow-top-navigation-by-user-activation\b/.test(sandbox)) {
      sandbox = `${sandbox} allow-top-navigation-by-user-activation`;
    }
  }
  const iframe = document.createElement('iframe');
  iframe.title = title;
  iframe.className = 'meshes-embed';
  iframe.setAttribute('sandbox', sandbox);
  iframe.style.height = `${minHeight}px`;

  let token = accessToken;
  let ready = false;
  let refreshing = null;
  const sendAuth = () => iframe.contentWindow?.postMessage({ type: 'meshes:auth', token }, origin);

  function onMessage(event) {
    if (event.origin !== origin || event.source !== iframe.contentWindow) return;
    const msg = event.data;
    if (!msg || typeof msg !== 'object' || typeof msg.type !== 'string' || !msg.type.startsWith('meshes:')) return;
    switch (msg.type) {
      case 'meshes:ready':
        ready = true;
        sendAuth();
        break;
      case 'meshes:token-refresh':
        // One refresh at a time, however often the embed asks.
        refreshing ??= Promise.resolve()
          .then(refresh)
          .then((fresh) => { token = fresh; sendAuth(); })
          .catch((error) => onEvent({ type: 'host:refresh-failed', error: String(error) }))
          .finally(() => { refreshing = null; });
        break;
      case 'meshes:resize': {
        const h = Number(msg.height);
        if (!Number.isFinite(h) || h < 0) return;
        iframe.style.height = `${Math.min(maxHeight, Math.max(minHeight, Math.ceil(h)))}px`;
        break;
      }
      case 'meshes:connection':
        // Additive: an OAuth connection was set up or re-authorized. Ids only, never a token.
        if (typeof msg.connection_id !== 'string' || typeof msg.integration !== 'string') return;
        break;
      case 'meshes:navigate':
      case 'meshes:token-expired':
        break;
      default:
        return;
    }
    onEvent(msg);
  }

  window.addEventListener('message', onMessage);
  iframe.src = src.href;
  container.replaceChildren(iframe);

  return {
    iframe,
    origin,
    /** Push a token you refreshed on your own schedule. */
    setToken(fresh) {
      token = fresh;
      if (ready) sendAuth();
    },
    destroy() {
      window.removeEventListener('message', onMessage);
      iframe.remove();
    },
  };
}
