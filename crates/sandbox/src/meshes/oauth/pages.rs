//! What the hosted pages render: the result page in the popup/tab (with the fast-path message's
//! fields), refusals, the redirect back to the host, and the headers every one of them sends.

use super::AttemptRow;
use crate::AppState;
use crate::meshes::api::catalog::integration;
use crate::secrets::{escape_html as escape, query_value};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use meshes_protocol::api::{AttemptStatus, OAUTH_DONE, OauthMode};

pub(super) fn hosted(
    status: StatusCode,
    body: String,
    extra: &[(header::HeaderName, String)],
) -> Response {
    let mut res = (status, Html(body)).into_response();
    let h = res.headers_mut();
    for (name, value) in [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; script-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        ),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::CACHE_CONTROL, "no-store"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    ] {
        h.insert(name, HeaderValue::from_static(value));
    }
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("unsafe-none"),
    );
    for (name, value) in extra {
        if let Ok(v) = HeaderValue::from_str(value) {
            h.append(name.clone(), v);
        }
    }
    res
}

/// A page the user reads in the popup/tab; `done` carries the fast-path message's fields.
pub(super) fn message_page(
    status: StatusCode,
    heading: &str,
    text: &str,
    done: Option<(&AttemptRow, &str)>,
) -> Response {
    let data = match done {
        Some((row, origin)) => format!(
            r#" data-type="{OAUTH_DONE}" data-attempt="{}" data-nonce="{}" data-status="{}" data-origin="{}""#,
            escape(&row.api.id),
            escape(row.nonce.as_deref().unwrap_or("")),
            row.api.status.as_str(),
            escape(origin)
        ),
        None => String::new(),
    };
    hosted(
        status,
        format!(
            r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Meshes — {h}</title></head>
<body><main id="oauth-result"{data}><h1>{h}</h1><p>{t}</p><p>You can close this window.</p></main>
<script src="/oauth/done.js"></script></body></html>"#,
            h = escape(heading),
            t = escape(text)
        ),
        &[],
    )
}

pub(super) fn refuse(heading: &str, text: &str) -> Response {
    message_page(StatusCode::BAD_REQUEST, heading, text, None)
}

/// What the start page's confirmation names.
pub(super) struct StartContext {
    pub provider: String,
    pub workspace: String,
    /// The app(s) embedding the workspace: the session's allowed origins (or the redirect
    /// mode's return page origin).
    pub hosts: Vec<String>,
    /// Re-authorizing this connection (its name).
    pub reconnect: Option<String>,
}

/// The start page: "Connecting…" while `start.js` asks the opening window for its proof; the
/// confirmation (hidden until needed) says who is asking for what.
pub(super) fn start_page(row: &AttemptRow, ctx: &StartContext, embed_origin: &str) -> Response {
    let provider = escape(&ctx.provider);
    let workspace = escape(&ctx.workspace);
    let host = match ctx.hosts.as_slice() {
        [] => "an app that did not register its address".to_owned(),
        list => list
            .iter()
            .map(|h| format!("<strong>{}</strong>", escape(h)))
            .collect::<Vec<_>>()
            .join(" or "),
    };
    let (heading, action) = match &ctx.reconnect {
        Some(name) => (
            format!("Reconnect {} in “{workspace}”?", escape(name)),
            "renew its access to",
        ),
        None => (
            format!("Connect {provider} to “{workspace}”?"),
            "connect it to",
        ),
    };
    hosted(
        StatusCode::OK,
        format!(
            r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Meshes — Connect {provider}</title></head>
<body><main id="oauth-start" data-attempt="{id}" data-embed-origin="{origin}">
<p id="oauth-wait" role="status">Connecting {provider}…</p>
<section id="oauth-confirm" hidden aria-labelledby="oauth-confirm-title">
<h1 id="oauth-confirm-title" tabindex="-1">{heading}</h1>
<p>You are about to sign in to <strong>{provider}</strong> and {action} the Meshes workspace <strong>“{workspace}”</strong>, embedded in {host} (as registered with Meshes). The workspace will then read from and send data to your {provider} account.</p>
<p>Only continue if you started this yourself in that app. If someone sent you this link, close this window.</p>
<p id="oauth-error" role="alert" hidden></p>
<p><button id="oauth-continue" type="button" disabled>Continue to {provider}</button> <button id="oauth-cancel" type="button">Cancel</button></p>
</section>
<noscript><p>This sign-in page needs JavaScript.</p></noscript>
</main><script src="/oauth/start.js"></script></body></html>"#,
            id = escape(&row.api.id),
            origin = escape(embed_origin),
        ),
        &[],
    )
}

/// `GET /oauth/start.js`: the handshake with the opening window, then the confirmation.
pub async fn start_js() -> Response {
    const JS: &str = r#"(function () {
  var main = document.getElementById('oauth-start');
  if (!main) return;
  var d = main.dataset;
  var key = new URLSearchParams(location.search).get('key') || '';
  var base = '/oauth/start/' + encodeURIComponent(d.attempt);
  var sent = false;
  var $ = function (id) { return document.getElementById(id); };
  function fail(message) {
    sent = false;
    var e = $('oauth-error');
    e.textContent = message;
    e.hidden = false;
    confirmNeeded();
  }
  function post(path, body) {
    body.key = key;
    return fetch(path, {
      method: 'POST', credentials: 'same-origin', cache: 'no-store',
      headers: { 'content-type': 'application/json' }, body: JSON.stringify(body)
    }).then(function (r) { return r.json().then(function (j) { return [r.ok, j]; }); });
  }
  function go(body) {
    if (sent) return;
    sent = true;
    post(base, body).then(function (res) {
      if (res[0] && typeof res[1].url === 'string') location.replace(res[1].url);
      else fail(res[1].message || 'This sign-in could not continue.');
    }).catch(function () { fail('The connection failed. Check your network and try again.'); });
  }
  // The decision must be a fresh one: nothing is focused that a held or repeated key could
  // press, and "Continue" only works a moment after the question is on screen.
  function confirmNeeded() {
    $('oauth-wait').hidden = true;
    var c = $('oauth-confirm');
    if (!c.hidden) return;
    c.hidden = false;
    $('oauth-confirm-title').focus();
    setTimeout(function () { $('oauth-continue').disabled = false; }, 1000);
  }
  $('oauth-continue').addEventListener('click', function () { go({ confirmed: true }); });
  $('oauth-cancel').addEventListener('click', function () {
    post(base + '/cancel', {}).finally(function () {
      $('oauth-confirm').hidden = true;
      var w = $('oauth-wait');
      w.textContent = 'Cancelled. Nothing was connected; you can close this window.';
      w.hidden = false;
    });
  });
  var opener = null;
  try { opener = window.opener; } catch (e) { opener = null; }
  if (!opener) { confirmNeeded(); return; }
  window.addEventListener('message', function (e) {
    var m = e.data;
    if (e.origin !== d.embedOrigin || e.source !== opener || !m || typeof m !== 'object') return;
    if (m.type !== 'meshes:oauth-proof' || m.attempt !== d.attempt || typeof m.proof !== 'string') return;
    go({ proof: m.proof });
  });
  try { opener.postMessage({ type: 'meshes:oauth-hello', attempt: d.attempt }, d.embedOrigin); } catch (e) { /* severed */ }
  setTimeout(function () { if (!sent) confirmNeeded(); }, 3000);
})();
"#;
    static_js(JS)
}

fn static_js(js: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        js,
    )
        .into_response()
}

/// `GET /oauth/done.js`: post the outcome to the opener (exact origin), then close.
pub async fn done_js() -> Response {
    const JS: &str = r#"(function () {
  var m = document.getElementById('oauth-result');
  if (!m || !m.dataset.attempt) return;
  var d = m.dataset;
  try {
    if (window.opener && !window.opener.closed) {
      window.opener.postMessage({ type: d.type, attempt: d.attempt, nonce: d.nonce, status: d.status }, d.origin);
      setTimeout(function () { window.close(); }, 400);
    }
  } catch (e) { /* severed opener: the embed learns the outcome by polling */ }
})();
"#;
    static_js(JS)
}

pub(super) fn outcome_page(state: &AppState, row: &AttemptRow, replay: bool) -> Response {
    let name = integration(&row.api.integration)
        .map(|i| i.name.as_str())
        .unwrap_or("The provider");
    if row.api.mode == OauthMode::Redirect
        && !replay
        && let Some(back) = &row.return_to
    {
        let sep = if back.contains('?') { '&' } else { '?' };
        let mut res = Redirect::to(&format!(
            "{back}{sep}meshes_oauth={}",
            query_value(&row.api.id)
        ))
        .into_response();
        if let Some(v) = super::client::cleared_cookie(&row.api.id) {
            res.headers_mut().insert(header::SET_COOKIE, v);
        }
        res.headers_mut().insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
        return res;
    }
    let (status, heading, text) = match (&row.api.status, replay) {
        (_, true) => (
            StatusCode::BAD_REQUEST,
            "This sign-in was already finished".to_owned(),
            "Go back to the workspace to see the result.".to_owned(),
        ),
        (AttemptStatus::Completed, _) => (
            StatusCode::OK,
            format!("{name} connected"),
            format!("{name} is now available in your workspace."),
        ),
        (_, _) => (
            StatusCode::OK,
            format!("{name} was not connected"),
            row.api
                .error
                .as_ref()
                .map(|e| e.message.clone())
                .unwrap_or_default(),
        ),
    };
    let origin = state.cfg.embed_origin();
    message_page(
        status,
        &heading,
        &text,
        (!replay).then_some((row, origin.as_str())),
    )
}
