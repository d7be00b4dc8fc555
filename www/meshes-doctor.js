// The Meshes embed doctor: checks the page it runs on for what silently breaks an embed, and
// says what breaks and how to fix it. For host developers, in development or on a support
// call; not needed at runtime (it is a separate module so the kit stays small).
//
//   import { diagnose } from './meshes-doctor.js';
//   const report = await diagnose({ handle, allowedOrigins: ['https://app.example.com'] });
//   console.log(report.text);          // for a person
//   report.ok; report.checks;          // for a machine: [{ id, level, title, detail, fix }]
//
// Levels: 'pass', 'warn' (something degrades), 'fail' (something breaks), 'skip' (not checkable
// with what was given). Check ids are stable: iframe, sandbox, allow, frame-src, framing, coop,
// clock, cookies. Types: meshes-doctor.d.ts.

// What the embed's features need from the iframe's sandbox, and what breaks without each.
const SANDBOX = {
  'allow-scripts': ['fail', 'Nothing runs: the frame stays blank.'],
  'allow-same-origin': ['fail', 'The embed cannot call the Meshes API (its origin becomes opaque): no page loads.'],
  'allow-forms': ['fail', 'No form can be saved: connections, rules and mappings cannot be created or edited.'],
  'allow-popups': ['fail', "Connect cannot open the provider's sign-in window."],
  'allow-popups-to-escape-sandbox': ['fail', "The provider's sign-in page opens sandboxed too, and providers refuse to work there."],
  'allow-top-navigation-by-user-activation': ['warn', 'The redirect fallback for connecting (oauthRedirect) cannot leave this page.'],
};

// Violations of this page's CSP since the doctor was loaded: a refusal of the real embed frame
// happens before anyone asks for a diagnosis.
const violations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  violations.push({ directive: e.effectiveDirective || e.violatedDirective, blocked: e.blockedURI, policy: e.originalPolicy });
});

const check = (id, level, title, detail = '', fix = '') => ({ id, level, title, detail, fix });

/** Normalise an origin as Meshes does when it stores allowed_origins (lower case, no default
 * port, one trailing slash tolerated); null if it is not an origin. */
function origin(value) {
  try {
    const u = new URL(String(value));
    if (u.origin === 'null' || !/^https?:$/.test(u.protocol)) return null;
    if (u.pathname !== '/' || u.search || u.hash || u.username) return null;
    return u.origin;
  } catch {
    return null;
  }
}

/** Why `have` (an allowed origin) is not `want` (this page), for a near miss. */
function nearMiss(want, have) {
  const [a, b] = [new URL(want), new URL(have)];
  if (a.hostname === b.hostname && a.protocol === b.protocol) return `${have}: same host, but port ${b.port || 'default'} instead of ${a.port || 'default'}`;
  if (a.hostname === b.hostname) return `${have}: same host, but ${b.protocol.slice(0, -1)} instead of ${a.protocol.slice(0, -1)}`;
  if (a.hostname.endsWith(`.${b.hostname}`) || b.hostname.endsWith(`.${a.hostname}`)) return `${have}: a different host (subdomains are origins of their own)`;
  const loop = (h) => ['localhost', '127.0.0.1', '[::1]'].includes(h);
  if (loop(a.hostname) && loop(b.hostname)) return `${have}: localhost, 127.0.0.1 and [::1] are different origins`;
  return null;
}

function sandboxCheck(iframe) {
  if (!iframe.hasAttribute('sandbox')) return check('sandbox', 'pass', 'The iframe has no sandbox attribute: nothing the embed needs is restricted.');
  const have = new Set(iframe.sandbox);
  const missing = Object.keys(SANDBOX).filter((t) => !have.has(t));
  const risky = have.has('allow-top-navigation') ? ' It also has allow-top-navigation, which lets the framed page navigate yours without a click: use allow-top-navigation-by-user-activation.' : '';
  if (!missing.length) return check('sandbox', risky ? 'warn' : 'pass', 'The iframe sandbox allows everything the embed needs.', risky.trim());
  const level = missing.some((t) => SANDBOX[t][0] === 'fail') ? 'fail' : 'warn';
  return check('sandbox', level, `The iframe sandbox lacks ${missing.join(', ')}.`,
    missing.map((t) => `Without ${t}: ${SANDBOX[t][1]}`).join(' ') + risky,
    `Add ${missing.join(' ')} to the iframe's sandbox attribute (mountMeshesEmbed sets them all).`);
}

function allowCheck(iframe) {
  const allow = (iframe.getAttribute('allow') ?? '').split(';').map((s) => s.trim().split(/\s+/)[0]);
  return allow.includes('clipboard-write')
    ? check('allow', 'pass', 'The iframe allows clipboard-write (the Copy buttons).')
    : check('allow', 'warn', 'The iframe does not allow clipboard-write.',
      'Without it the Copy buttons cannot copy: they select the text and ask the user to press Ctrl+C.',
      'Add allow="clipboard-write" to the iframe (mountMeshesEmbed sets it).');
}

/** Frame a probe on the embed's origin and listen for this page's CSP refusing it. */
async function frameSrcCheck(embedOrigin, wait) {
  const probe = `${embedOrigin}/embed/probe`;
  const refused = () => violations.find((v) => /^(frame|child|default)-src/.test(v.directive) && (v.blocked.startsWith(embedOrigin) || v.blocked === 'frame'));
  if (!refused()) {
    const frame = Object.assign(document.createElement('iframe'), { src: probe, title: 'Meshes embed doctor probe', hidden: true });
    const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
    document.body.append(frame);
    // The violation is reported as a task after the refusal: give it time after the load.
    await Promise.race([loaded.then(() => wait(250)), wait(3000)]);
    frame.remove();
  }
  const v = refused();
  return v
    ? check('frame-src', 'fail', `This page's Content-Security-Policy does not let it frame ${embedOrigin}.`,
      `The browser refused the frame under ${v.directive} (policy: ${v.policy}). The embed never loads.`,
      `Add ${embedOrigin} to frame-src in this page's Content-Security-Policy.`)
    : check('frame-src', 'pass', `This page's Content-Security-Policy lets it frame ${embedOrigin}.`);
}

/** Did the embed load here, and if not, is this origin missing from allowed_origins? */
async function framingCheck({ handle, allowedOrigins, frameSrc, here, wait, timeout }) {
  let mismatch = null;
  if (allowedOrigins) {
    const list = [].concat(allowedOrigins).map((o) => origin(o) ?? String(o));
    if (!list.includes(here)) {
      const hints = list.map((o) => origin(o) && nearMiss(here, o)).filter(Boolean);
      mismatch = `This page's origin ${here} is not among the session's allowed_origins (${list.join(', ') || 'none'}).${hints.length ? ` Near miss: ${hints.join('; ')}.` : ''}`;
    }
  }
  const fix = `Create the session with allowed_origins including "${here}" exactly (scheme, host and port).`;
  let outcome = 'unknown';
  if (handle?.ready) {
    outcome = await Promise.race([handle.ready.then(() => 'ready', (e) => e?.code ?? 'error'), wait(timeout).then(() => 'waiting')]);
  }
  if (outcome === 'ready') return check('framing', mismatch ? 'warn' : 'pass', 'The embed loaded in this page.', mismatch ?? '');
  if (frameSrc.level === 'fail' && outcome !== 'unknown') {
    return check('framing', 'fail', 'The embed did not load: this page refused the frame (see frame-src).');
  }
  if (mismatch) {
    return check('framing', 'fail', `Meshes refuses to be framed by ${here}.`,
      `${mismatch} The embed's frame-ancestors lists only those, so the browser blocks it.`, fix);
  }
  if (outcome === 'frame-refused') {
    return check('framing', 'fail', `The embed refused to be framed by ${here}.`,
      "The session's allowed_origins (its frame-ancestors) do not include this page's origin.", fix);
  }
  if (outcome === 'unknown') {
    return check('framing', 'skip', 'Not checked: pass the mounted embed (handle) or the allowedOrigins the session was created with.');
  }
  if (outcome === 'waiting') return check('framing', 'warn', `The embed has not loaded within ${timeout} ms.`, 'It may still be starting; run the doctor again.');
  return check('framing', 'fail', `The embed did not load (${outcome}).`, 'See the error codes in meshes-embed.d.ts.');
}

/** This page's own COOP, from its response headers (a same-origin request may read them). */
async function coopCheck() {
  let coop;
  try {
    const res = await fetch(location.href, { method: 'HEAD', cache: 'no-store', credentials: 'same-origin' });
    coop = (res.headers.get('cross-origin-opener-policy') ?? '').split(';')[0].trim();
  } catch {
    return check('coop', 'skip', "Not checked: this page's own headers could not be read.");
  }
  if (coop === 'same-origin' || coop === 'noopener-allow-popups') {
    return check('coop', 'warn', `This page sends Cross-Origin-Opener-Policy: ${coop}, which severs the windows the embed opens.`,
      "Connecting still completes (the embed asks Meshes how the sign-in went), but it cannot bring the sign-in window forward and notices a closed one only when Meshes does.",
      'Send Cross-Origin-Opener-Policy: same-origin-allow-popups instead (or none).');
  }
  return check('coop', 'pass', `This page's Cross-Origin-Opener-Policy (${coop || 'none'}) keeps the embed's sign-in windows connected.`);
}

/** This computer's clock against Meshes'. */
async function clockCheck(embedOrigin) {
  try {
    const sent = Date.now();
    const res = await fetch(`${embedOrigin}/embed/probe`, { cache: 'no-store', credentials: 'omit' });
    const { now_ms: server } = await res.json();
    const skew = Math.round((sent + Date.now()) / 2 - server);
    const off = `${Math.round(Math.abs(skew) / 1000)} s ${skew > 0 ? 'ahead of' : 'behind'} Meshes`;
    if (Math.abs(skew) <= 60_000) return check('clock', 'pass', `This computer's clock is within a minute of Meshes' (${off}).`);
    return check('clock', 'warn', `This computer's clock is ${off}.`,
      "Sessions are timed by Meshes' clock and keep working, but times the embed shows relative to now (\"5 minutes ago\", date filters) will be off by as much.",
      "Set this computer's clock automatically.");
  } catch {
    return check('clock', 'skip', `Not checked: ${embedOrigin} could not be reached from this page (its connect-src may block it; the embed does not need it to).`);
  }
}

/**
 * Check this page. `iframe` defaults to the kit's; `handle` (mountMeshesEmbed's) tells whether
 * it loaded; `allowedOrigins` (what the session was created with) explains a refusal.
 */
export async function diagnose({ iframe = document.querySelector('iframe.meshes-embed'), handle, allowedOrigins, timeout = 5000 } = {}) {
  const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const here = location.origin;
  const checks = [];
  const embedOrigin = iframe && origin(new URL(iframe.src, location.href).origin);
  if (!embedOrigin) {
    checks.push(check('iframe', 'fail', 'No embed iframe found on this page.', '', 'Mount the embed (mountMeshesEmbed) or pass the iframe: diagnose({ iframe }).'));
  } else {
    checks.push(check('iframe', 'pass', `The embed iframe loads from ${embedOrigin}.`));
    checks.push(sandboxCheck(iframe), allowCheck(iframe));
    const frameSrc = await frameSrcCheck(embedOrigin, wait);
    checks.push(frameSrc, await framingCheck({ handle, allowedOrigins, frameSrc, here, wait, timeout }));
    checks.push(await coopCheck(), await clockCheck(embedOrigin));
  }
  checks.push(check('cookies', 'pass', 'Third-party cookies are not needed.',
    'The embed keeps its session in memory and sets no cookies, so browsers that block third-party cookies (Safari, Firefox, Chrome) change nothing.'));
  const mark = { pass: '✓', warn: '!', fail: '✗', skip: '–' };
  const text = [`Meshes embed doctor: ${here}`,
    ...checks.map((c) => `${mark[c.level]} ${c.id}: ${c.title}${c.detail ? `\n    ${c.detail}` : ''}${c.fix ? `\n    Fix: ${c.fix}` : ''}`)].join('\n');
  return { ok: checks.every((c) => c.level !== 'fail'), origin: here, embedOrigin, checks, text };
}
