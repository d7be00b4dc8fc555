//! The provider's consent page: who is asking for what, allow or deny, and the redirect back
//! with a code or an error.

use super::*;

fn page(p: &Provider, status: StatusCode, body: String) -> Response {
    // No form-action: Chromium applies it to every redirect after the submit, and the decision
    // goes provider -> Meshes callback -> (redirect mode) the host page.
    let csp = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";
    let mut res = (status, Html(body)).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(csp),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if p.coop.load(Ordering::Relaxed) {
        h.insert(
            "cross-origin-opener-policy",
            HeaderValue::from_static("same-origin"),
        );
    }
    res
}

fn title(kind: &str) -> String {
    crate::meshes::api::catalog::integration(kind)
        .map(|i| i.name.clone())
        .unwrap_or_else(|| kind.to_owned())
}

#[derive(Deserialize)]
pub(super) struct AuthorizeQuery {
    response_type: Option<String>,
    client_id: Option<String>,
    redirect_uri: Option<String>,
    state: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
    scope: Option<String>,
}

pub(super) async fn authorize(
    State(p): State<Arc<Provider>>,
    Path(kind): Path<String>,
    Query(q): Query<AuthorizeQuery>,
) -> Response {
    let slow = p.slow_ms.load(Ordering::Relaxed);
    if slow > 0 {
        tokio::time::sleep(Duration::from_millis(slow)).await;
    }
    if !PROVIDERS.contains(&kind.as_str()) {
        return page(
            &p,
            StatusCode::NOT_FOUND,
            "<h1>Unknown provider</h1>".into(),
        );
    }
    // Errors about the client or redirect URI are shown here, never redirected (RFC 6749 §4.1.2.1).
    if q.client_id.as_deref() != Some(CLIENT_ID)
        || q.redirect_uri.as_deref() != Some(p.redirect_uri.as_str())
    {
        return page(
            &p,
            StatusCode::BAD_REQUEST,
            "<h1>Invalid client or redirect URI</h1>".into(),
        );
    }
    let problem = if q.response_type.as_deref() != Some("code") {
        Some("unsupported_response_type")
    } else if q.code_challenge_method.as_deref() != Some("S256")
        || q.code_challenge.as_deref().is_none_or(|c| c.len() != 43)
        || q.state.as_deref().is_none_or(str::is_empty)
    {
        Some("invalid_request")
    } else {
        None
    };
    let state = q.state.clone().unwrap_or_default();
    if let Some(err) = problem {
        return redirect_back(&p.redirect_uri, &[("error", err), ("state", &state)]);
    }
    let req_id = random_token::<24>();
    p.lock().add_request(
        req_id.clone(),
        AuthRequest {
            kind: kind.clone(),
            redirect_uri: p.redirect_uri.clone(),
            state,
            challenge: q.code_challenge.unwrap_or_default(),
            at: Instant::now(),
        },
    );
    let name = escape(&title(&kind));
    let scope = escape(q.scope.as_deref().unwrap_or("default"));
    page(
        &p,
        StatusCode::OK,
        format!(
            r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{name} — authorize</title></head>
<body style="font-family:sans-serif;max-width:420px;margin:40px auto">
<h1>{name} <small>(sandbox provider)</small></h1>
<p><strong>Meshes</strong> wants to access your {name} account.</p>
<p>Permissions: <code>{scope}</code></p>
<form method="post" action="/{kind}/decide">
<input type="hidden" name="request" value="{req_id}">
<label>Account name <input id="provider-account" name="account" value="Acme Demo" maxlength="60" required></label>
<p><button id="provider-approve" name="decision" value="approve">Approve</button>
<button id="provider-deny" name="decision" value="deny" formnovalidate>Deny</button></p>
</form></body></html>"#
        ),
    )
}

fn redirect_back(redirect_uri: &str, params: &[(&str, &str)]) -> Response {
    let query: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{k}={}", query_value(v)))
        .collect();
    Redirect::to(&format!("{redirect_uri}?{}", query.join("&"))).into_response()
}

#[derive(Deserialize)]
pub(super) struct Decision {
    request: String,
    decision: String,
    account: Option<String>,
}

pub(super) async fn decide(
    State(p): State<Arc<Provider>>,
    Path(kind): Path<String>,
    Form(d): Form<Decision>,
) -> Response {
    let Some(req) = p.lock().requests.remove(&d.request) else {
        return page(
            &p,
            StatusCode::BAD_REQUEST,
            "<h1>This authorization request is no longer valid</h1>".into(),
        );
    };
    if req.kind != kind {
        return page(
            &p,
            StatusCode::BAD_REQUEST,
            "<h1>Wrong provider</h1>".into(),
        );
    }
    if d.decision != "approve" {
        return redirect_back(
            &req.redirect_uri,
            &[
                ("error", "access_denied"),
                ("error_description", "The user denied access"),
                ("state", &req.state),
            ],
        );
    }
    let account = d
        .account
        .map(|a| a.trim().chars().take(60).collect::<String>())
        .filter(|a| !a.is_empty())
        .unwrap_or_else(|| "Acme Demo".into());
    let code = random_token::<24>();
    let (uri, state) = (req.redirect_uri.clone(), req.state.clone());
    p.lock().add_code(
        code.clone(),
        Grant {
            req,
            account,
            issued: Instant::now(),
            used: false,
            minted: vec![],
        },
    );
    redirect_back(&uri, &[("code", &code), ("state", &state)])
}
