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
};
// Only for the opt-in redirect fallback (the kit adds it with `oauthRedirect: true`).
const REDIRECT = 'allow-top-navigation-by-user-activation';

// What happened since the doctor was loaded (load it before mounting the embed): this page's
// CSP refusing a frame, and messages from frames (an embed that runs posts meshes:loading at
// once). Report-only policies refuse nothing, so they are not counted.
const violations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  if (e.disposition === 'report') return;
  violations.push({ directive: e.effectiveDirective || e.violatedDirective, blocked: e.blockedURI, policy: e.originalPolicy });
});
const heard = [];
window.addEventListener('message', (e) => heard.push({ origin: e.origin, source: e.source }));

const originOf = (url, base) => {
  try {
    return new URL(url, base).origin;
  } catch {
    return null;
  }
};
const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

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
  // Tokens are ASCII case-insensitive; DOMTokenList compares them exactly.
  const have = new Set([...iframe.sandbox].map((t) => t.toLowerCase()));
  const missing = Object.keys(SANDBOX).filter((t) => !have.has(t));
  const notes = [];
  if (have.has('allow-top-navigation')) notes.push('It has allow-top-navigation, which lets the framed page navigate yours without a click: use allow-top-navigation-by-user-activation instead.');
  else if (!have.has(REDIRECT)) notes.push(`Without ${REDIRECT} the redirect fallback for connecting (oauthRedirect) cannot leave this page; add it only if you use that fallback.`);
  if (!missing.length) {
    const risky = have.has('allow-top-navigation');
    return check('sandbox', risky ? 'warn' : 'pass', 'The iframe sandbox allows everything the embed needs.', notes.join(' '));
  }
  return check('sandbox', 'fail', `The iframe sandbox lacks ${missing.join(', ')}.`,
    [...missing.map((t) => `Without ${t}: ${SANDBOX[t][1]}`), ...notes].join(' '),
    `Add ${missing.join(' ')} to the iframe's sandbox attribute (mountMeshesEmbed sets them).`);
}

function allowCheck(iframe) {
  const allow = (iframe.getAttribute('allow') ?? '').split(';').map((s) => s.trim().split(/\s+/)[0]);
  return allow.includes('clipboard-write')
    ? check('allow', 'pass', 'The iframe allows clipboard-write (the Copy buttons).')
    : check('allow', 'warn', 'The iframe does not allow clipboard-write.',
      'Without it the Copy buttons cannot copy: they select the text and ask the user to press Ctrl+C.',
      'Add allow="clipboard-write" to the iframe (mountMeshesEmbed sets it).');
}

/** Did the embed run here? Its handle's `ready`, or any message from its frame. */
async function outcomeOf({ iframe, embedOrigin, handle, timeout }) {
  const fromFrame = () => heard.some((m) => m.origin === embedOrigin && m.source === iframe.contentWindow);
  if (!handle) return fromFrame() ? 'running' : wait(Math.min(timeout, 1000)).then(() => (fromFrame() ? 'running' : 'unknown'));
  const ready = handle?.ready ? handle.ready.then(() => 'ready', (e) => e?.code ?? 'error') : new Promise(() => {});
  return Promise.race([ready, wait(timeout).then(() => (fromFrame() ? 'running' : 'silent'))]);
}

/** This page's CSP refusing a frame on the embed's origin: the real frame's refusal, seen
 * since the doctor loaded, or (when the embed is not running) a probe framed now. */
async function frameSrcCheck(embedOrigin, running) {
  const refused = () => violations.find((v) => /^(frame|child|default)-src/.test(v.directive) && originOf(v.blocked) === embedOrigin);
  if (!refused() && !running) {
    const frame = Object.assign(document.createElement('iframe'), { src: `${embedOrigin}/embed/probe`, title: 'Meshes embed doctor probe', hidden: true });
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
async function framingCheck({ outcome, handle, allowedOrigins, frameSrc, here, embedOrigin, timeout }) {
  let mismatch = null;
  if (allowedOrigins) {
    const list = [].concat(allowedOrigins).map((o) => origin(o) ?? String(o));
    if (!list.includes(here)) {
      const hints = list.map((o) => origin(o) && nearMiss(here, o)).filter(Boolean);
      mismatch = `This page's origin ${here} is not among the session's allowed_origins (${list.join(', ') || 'none'}).${hints.length ? ` Near miss: ${hints.join('; ')}.` : ''}`;
    }
  }
  const fix = `Create the session with allowed_origins including "${here}" exactly (scheme, host and port).`;
  if (outcome === 'ready') return check('framing', mismatch ? 'warn' : 'pass', 'The embed loaded in this page.', mismatch ?? '');
  if (frameSrc.level === 'fail') return check('framing', 'fail', 'The embed did not load: this page refused the frame (see frame-src).');
  if (mismatch) {
    return check('framing', 'fail', `Meshes refuses to be framed by ${here}.`,
      `${mismatch} The embed's frame-ancestors lists only those, so the browser blocks it.`, fix);
  }
  if (outcome === 'running' && !handle) return check('framing', 'pass', 'The embed runs in this page.');
  if (outcome === 'running') return check('framing', 'warn', `The embed runs but has not said it is ready within ${timeout} ms.`, 'It may still be starting, or waiting for its token: run the doctor again.');
  if (outcome === 'unknown') return check('framing', 'skip', 'Not checked: nothing was heard from the frame since the doctor loaded. Pass the mounted embed (handle), or load the doctor before mounting.');
  if (outcome === 'silent') {
    // Nothing ran in the frame: if Meshes answers, the browser refused the frame (as the kit
    // tells frame-refused from network).
    const up = await fetch(`${embedOrigin}/embed/probe`, { mode: 'no-cors', cache: 'no-store', credentials: 'omit', signal: AbortSignal.timeout(5000) }).then(() => true, () => false);
    return up
      ? check('framing', 'fail', `The embed refused to be framed by ${here}.`,
        "Nothing ran in the frame although Meshes answers: the session's allowed_origins (its frame-ancestors) do not include this page's origin, or the launch URL was already used.", fix)
      : check('framing', 'fail', `The embed could not be reached from this page (${embedOrigin}).`, 'The network, a proxy, or this page\'s connect-src stands between them.');
  }
  return check('framing', 'fail', `The embed did not load (${outcome}).`, 'See the error codes in meshes-embed.d.ts.');
}

/** This page's own COOP, from its response headers (a same-origin request may read them). */
async function coopCheck() {
  if (!isSecureContext) return check('coop', 'skip', 'Not checked: browsers apply COOP only to secure (https or localhost) pages.');
  let coop;
  try {
    const res = await fetch(location.href, { method: 'HEAD', cache: 'no-store', credentials: 'same-origin', signal: AbortSignal.timeout(5000) });
    if (!res.ok || res.redirected) throw Error(String(res.status));
    coop = (res.headers.get('cross-origin-opener-policy') ?? '').split(';')[0].trim();
  } catch {
    return check('coop', 'skip', "Not checked: this page's own headers could not be read (a HEAD request for it did not answer 2xx).");
  }
  if (coop === 'same-origin') {
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
    const res = await fetch(`${embedOrigin}/embed/probe`, { cache: 'no-store', credentials: 'omit', signal: AbortSignal.timeout(5000) });
    const { now_ms: server } = await res.json();
    if (!res.ok || !Number.isFinite(server)) throw Error('no clock');
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
  const here = location.origin;
  const checks = [];
  const src = iframe?.getAttribute('src');
  const embedOrigin = src ? origin(originOf(src, location.href)) : null;
  if (here === 'null') {
    checks.push(check('iframe', 'fail', 'This page has no origin of its own (a file: or sandboxed page), so nothing can allow it to frame the embed.', '', 'Serve the page over https (or from localhost).'));
  } else if (!embedOrigin || embedOrigin === here) {
    checks.push(check('iframe', 'fail', 'No embed iframe found on this page.', '', 'Mount the embed (mountMeshesEmbed) or pass the iframe: diagnose({ iframe }).'));
  } else {
    checks.push(check('iframe', 'pass', `The embed iframe loads from ${embedOrigin}.`));
    checks.push(sandboxCheck(iframe), allowCheck(iframe));
    const outcome = await outcomeOf({ iframe, embedOrigin, handle, timeout });
    const frameSrc = await frameSrcCheck(embedOrigin, outcome === 'ready' || outcome === 'running');
    checks.push(frameSrc, await framingCheck({ outcome, handle, allowedOrigins, frameSrc, here, embedOrigin, timeout }));
    checks.push(await coopCheck(), await clockCheck(embedOrigin));
  }
  checks.push(check('cookies', 'pass', 'Third-party cookies are not needed.',
    'The embed keeps its session in memory and sets no cookies, so browsers that block third-party cookies (Safari, Firefox, Chrome) change nothing.'));
  const mark = { pass: '✓', warn: '!', fail: '✗', skip: '–' };
  const text = [`Meshes embed doctor: ${here}`,
    ...checks.map((c) => `${mark[c.level]} ${c.id}: ${c.title}${c.detail ? `\n    ${c.detail}` : ''}${c.fix ? `\n    Fix: ${c.fix}` : ''}`)].join('\n');
  return { ok: checks.every((c) => c.level !== 'fail'), origin: here, embedOrigin, checks, text };
}
