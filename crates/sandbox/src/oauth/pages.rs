//! What the hosted pages render: the result page in the popup/tab (with the fast-path message's
//! fields), refusals, the redirect back to the host, and the headers every one of them sends.

use super::AttemptRow;
use crate::AppState;
use crate::catalog::integration;
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
            "default-src 'none'; script-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
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
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        JS,
    )
        .into_response()
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
        let clear = format!(
            "{}=; Path=/oauth/callback; Max-Age=0",
            super::hosted::cookie_name(&row.api.id)
        );
        if let Ok(v) = HeaderValue::from_str(&clear) {
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
