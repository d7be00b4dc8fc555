//! The inbox as a page: what arrived (newest first, with its signature check and headers) and
//! a form to choose how the inbox answers. No scripts; it reloads itself every few seconds.

use super::{Mode, Receiver, Settings, not_found, valid_name};
use crate::secrets::escape_html as esc;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::fmt::Write;
use std::sync::Arc;

const CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";

fn mode_value(m: Mode) -> &'static str {
    match m {
        Mode::Ok => "ok",
        Mode::Reject => "reject",
        Mode::Fail => "fail",
        Mode::RateLimit => "rate_limit",
        Mode::Hang => "hang",
    }
}

pub(super) async fn show(State(r): State<Arc<Receiver>>, Path(name): Path<String>) -> Response {
    if !valid_name(&name) {
        return not_found();
    }
    let settings = r.with(&name, |i| i.settings.clone());
    let requests: Vec<super::Received> = r
        .requests(&name)
        .iter()
        .map(super::Received::shown)
        .collect();
    let mut html = format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="3">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Inbox {n}</title></head>
<body style="font-family:sans-serif;max-width:900px;margin:24px auto;padding:0 12px">
<h1>Webhook inbox <code>{n}</code></h1>
<p>Point a webhook connection at <code>this page's URL</code> (http:// to this machine is a sandbox-only relaxation).</p>
<form method="post" action="/inbox/{n}/settings" style="display:flex;flex-wrap:wrap;gap:8px;align-items:end">
<label>Answer<br><select name="mode">"#,
        n = esc(&name)
    );
    for (m, label) in [
        (Mode::Ok, "200 OK"),
        (Mode::Reject, "400 Bad Request"),
        (Mode::Fail, "503 Service Unavailable"),
        (Mode::RateLimit, "429 Too Many Requests"),
        (Mode::Hang, "Never answer (timeout)"),
    ] {
        let sel = if settings.mode == m { " selected" } else { "" };
        let _ = write!(
            html,
            r#"<option value="{}"{sel}>{label}</option>"#,
            mode_value(m)
        );
    }
    let _ = write!(
        html,
        r#"</select></label>
<label>For the next N requests (0: always)<br><input name="times" type="number" min="0" max="1000" value="{}"></label>
<label>Retry-After seconds<br><input name="retry_after" type="number" min="0" max="3600" value="{}"></label>
<label>Signing secret (blank: keep)<br><input name="secret" type="password" placeholder="{}" autocomplete="off"></label>
<label>Signature header<br><input name="signature_header" placeholder="X-Meshes-Signature" value="{}"></label>
<button>Save</button></form><h2>{} request(s)</h2>"#,
        settings.times,
        settings.retry_after,
        if settings.secret.is_empty() {
            "none"
        } else {
            "set"
        },
        esc(&settings.signature_header),
        requests.len()
    );
    for q in requests.iter().rev() {
        let repeat = q
            .same_key_as
            .map(|n| format!(" · same Idempotency-Key as #{n}"))
            .unwrap_or_default();
        let _ = write!(
            html,
            r#"<article style="border-top:1px solid #ccc;padding:8px 0" data-n="{n}"><strong>#{n} {m}</strong> · answered {a} · signature: <span class="sig">{sig}</span>{repeat}
<details><summary>Headers</summary><pre style="white-space:pre-wrap">"#,
            n = q.n,
            m = esc(&q.method),
            a = q.answered,
            sig = esc(&q.signature),
        );
        for (h, v) in &q.headers {
            let _ = writeln!(html, "{}: {}", esc(h), esc(v));
        }
        let _ = write!(
            html,
            r#"</pre></details><pre style="white-space:pre-wrap;background:#f4f4f4;padding:8px">{}</pre></article>"#,
            esc(&q.body)
        );
    }
    html.push_str("</body></html>");
    let mut res = Html(html).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    res
}

#[derive(Deserialize)]
pub(super) struct SettingsForm {
    mode: Mode,
    #[serde(default)]
    times: u32,
    #[serde(default)]
    retry_after: u32,
    #[serde(default)]
    secret: String,
    #[serde(default)]
    signature_header: String,
}

/// The page's form. Another site could post it (forms need no preflight), so a request that
/// says it came from elsewhere is refused.
pub(super) async fn settings(
    State(r): State<Arc<Receiver>>,
    Path(name): Path<String>,
    headers: HeaderMap,
    Form(f): Form<SettingsForm>,
) -> Response {
    if !valid_name(&name) {
        return not_found();
    }
    let site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if site.is_some_and(|s| s != "same-origin" && s != "none") {
        return (
            StatusCode::FORBIDDEN,
            "Settings change only from the inbox page.",
        )
            .into_response();
    }
    r.configure(&name, |s| {
        let secret = match f.secret.trim() {
            "" => std::mem::take(&mut s.secret),
            new => new.to_owned(),
        };
        *s = Settings {
            mode: f.mode,
            times: f.times.min(1000),
            retry_after: f.retry_after.min(3600),
            secret,
            signature_header: f.signature_header.trim().to_owned(),
        }
    });
    Redirect::to(&format!("/inbox/{name}")).into_response()
}
