// Acme CRM's integrations page: asks its own backend for a Meshes session and mounts the embed.
import { mountMeshesEmbed } from './meshes-embed.js';
// Imported before the embed mounts, so it also sees this page's CSP refusing the real frame.
import { diagnose } from './meshes-doctor.js';

const $ = (sel) => document.querySelector(sel);
const form = $('#session-form');
const log = $('#message-log');
const status = $('#host-status');
let embed = null;
let session = null;
// The embed's last meshes:navigate path: "Reopen at the last page" launches the next session there.
let lastPath = null;

// Demo controls can be preset from the page URL, e.g. ?role=member&launch_page=connections.
const preset = new URLSearchParams(location.search);
// Back from the OAuth redirect fallback: open the embed where the result shows.
if (preset.has('meshes_oauth')) preset.set('launch_page', 'connections');
for (const [key, value] of preset) {
  const field = form.elements.namedItem(key);
  if (field && field.type === 'checkbox') field.checked = value === 'true';
  else if (field) field.value = value;
}

function record(direction, message) {
  const item = document.createElement('li');
  item.dataset.type = message.type;
  item.dataset.direction = direction;
  const { type, ...rest } = message;
  const detail = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : '';
  item.textContent = `${new Date().toLocaleTimeString()} ${direction} ${type}${detail}`;
  log.prepend(item);
}

// The look the embed gets at mount and, live, whenever a control changes.
function appearance() {
  const look = new FormData($('#look-form'));
  return { theme: look.get('theme'), colorPrimary: look.get('brand') };
}
// The language: the select's tag, or (empty) the browser's languages.
function locale() {
  return new FormData($('#look-form')).get('locale') || navigator.language;
}
$('#look-form').addEventListener('input', () => embed?.update({ appearance: appearance(), locale: locale() }));

function sessionRequest() {
  const data = new FormData(form);
  const body = {};
  for (const key of ['role', 'session_type', 'launch_page', 'resource', 'resource_id']) {
    const v = String(data.get(key) ?? '').trim();
    if (v && (body.session_type === 'resource' || !key.startsWith('resource'))) body[key] = v;
  }
  const ttl = Number(data.get('ttl_seconds'));
  if (ttl) body.ttl_seconds = ttl;
  if (data.get('payload_scope')) body.scopes = ['events.payload:read'];
  // ?allowed_origins=a,b shows a session made for other origins (a typo); the demo backend
  // otherwise allows this page's origin.
  if (preset.get('allowed_origins')) body.allowed_origins = preset.get('allowed_origins').split(',');
  return body;
}

async function backend(method, path, body, signal) {
  // Always JSON: the backend refuses anything else (a cross-site form can't send it).
  const res = await fetch(path, {
    method,
    signal,
    headers: { 'content-type': 'application/json' },
    body: method === 'POST' ? JSON.stringify(body ?? {}) : undefined,
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) {
    const params = (json.error?.data ?? []).map((p) => `${p.param} ${p.msg}`).join('; ');
    throw new Error(`${json.error?.message ?? json.message ?? res.status}${params ? `: ${params}` : ''}`);
  }
  return json;
}

async function refreshToken({ signal } = {}) {
  const fresh = await backend('POST', `/api/embed-sessions/${session.session_id}/refresh`, {}, signal);
  record('host', { type: 'host:token-refreshed', expires_at: fresh.expires_at });
  return fresh.access_token;
}

// The origins the current session allows (what the doctor compares this page with).
let allowedOrigins = null;

async function launch() {
  status.textContent = 'Starting a Meshes session…';
  try {
    const request = sessionRequest();
    session = await backend('POST', '/api/embed-sessions', request);
    allowedOrigins = request.allowed_origins ?? [location.origin];
  } catch (err) {
    status.textContent = `Could not start the integrations workspace: ${err.message}`;
    return;
  }
  embed?.destroy();
  embed = mountMeshesEmbed($('#embed'), {
    launchUrl: session.launch_url,
    accessToken: session.access_token,
    refresh: refreshToken,
    // ?sandbox=no-popups shows what a host that forgot allow-popups gets.
    sandbox: preset.get('sandbox') === 'no-popups' ? 'allow-scripts allow-same-origin allow-forms' : undefined,
    // Acme opts in to the redirect fallback (?oauth_redirect=false shows a host that did not).
    oauthRedirect: preset.get('oauth_redirect') !== 'false',
    path: new FormData(form).get('reopen') ? lastPath ?? undefined : undefined,
    appearance: appearance(),
    locale: locale(),
    onEvent(message) {
      record(message.type.startsWith('meshes:') ? 'embed' : 'host', message);
      if (message.type === 'meshes:ready') record('host', { type: 'meshes:auth (token sent)' });
    },
  });
  embed.on('navigate', ({ path }) => { lastPath = path; });
  embed.on('expired', ({ remint }) => {
    if (remint) status.textContent = 'The integrations session ended. Launch a new session to continue.';
  });
  embed.on('navigate-refused', ({ path, reason }) => {
    status.textContent = `The embed did not open ${path} (${reason === 'not_allowed' ? 'not available to this session' : 'not a workspace page'}).`;
  });
  embed.on('error', ({ code }) => {
    status.textContent = `The integrations workspace could not load (${code}).`;
  });
  status.textContent = `Session ${session.session_id} (${session.role}, ${session.session_type})`;
}

$('#goto-form').addEventListener('submit', (e) => {
  e.preventDefault();
  embed?.navigate(new FormData(e.target).get('goto')).catch((err) => {
    status.textContent = err.message;
  });
});
form.addEventListener('submit', (e) => {
  e.preventDefault();
  launch();
});
$('#refresh-now').addEventListener('click', async () => {
  if (!session) return;
  try {
    embed.setToken(await refreshToken());
  } catch (err) {
    status.textContent = `Refresh failed: ${err.message}`;
  }
});
$('#revoke').addEventListener('click', async () => {
  if (!session) return;
  await backend('DELETE', `/api/embed-sessions/${session.session_id}`).catch(() => {});
  record('host', { type: 'host:session-revoked' });
});

// The embed doctor: the report for a person, and the same as JSON for a machine.
$('#doctor-run').addEventListener('click', async (e) => {
  const [button, text, json] = [e.currentTarget, $('#doctor-report'), $('#doctor-json')];
  button.disabled = true;
  text.textContent = 'Checking this page…';
  json.textContent = '';
  try {
    const report = await diagnose({ handle: embed ?? undefined, allowedOrigins: allowedOrigins ?? undefined });
    text.textContent = report.text;
    text.dataset.ok = report.ok;
    json.textContent = JSON.stringify(report, null, 2);
  } catch (err) {
    text.textContent = `The doctor could not finish: ${err.message}`;
  } finally {
    button.disabled = false;
  }
});

launch();
