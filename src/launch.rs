//! Bootstrap: take the launch secret out of the URL before anything renders, then trade it for
//! the session context.

use crate::api::{ApiResponse, HttpTransport, Transport};
use crate::error::AppError;
use meshes_protocol::api::{
    LAUNCH_SESSION_PARAM, LAUNCH_TOKEN_PARAM, LaunchExchange, SessionContext,
};
use meshes_protocol::{ExpiredReason, query};

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LaunchParams {
    pub token: Option<String>,
    /// The non-secret session reference (`?session=`), kept in the URL so a reload is framed
    /// with the right `frame-ancestors`.
    pub session_ref: Option<String>,
    /// Host opt-in to the OAuth redirect fallback: the host page to come back to. Checked
    /// against the bound parent origin here and `allowed_origins` on the server.
    pub return_to: Option<String>,
    /// Set by the host after a redirect round trip: the attempt whose outcome to show.
    pub oauth_attempt: Option<String>,
}

/// Query parameters the host kit adds for the OAuth redirect fallback; read once, then removed
/// from the URL so they never reach `meshes:navigate` paths.
pub const RETURN_TO_PARAM: &str = "return_to";
pub const OAUTH_ATTEMPT_PARAM: &str = "oauth_attempt";

/// Split the launch secret out of a URL's query and fragment. Returns the params and the
/// query string to keep (without the secret). Keys and values are decoded exactly as the server
/// decodes them (`meshes_protocol::query`), so both read the same `?session=`. Pure, so it is
/// tested natively.
pub fn split_launch(search: &str, hash: &str) -> (LaunchParams, String) {
    let mut params = LaunchParams::default();
    let mut kept: Vec<(String, String)> = vec![];
    let some = |v: String| Some(v).filter(|v| !v.is_empty());
    for (k, v) in query::pairs(search) {
        match k.as_str() {
            LAUNCH_TOKEN_PARAM => params.token = some(v),
            LAUNCH_SESSION_PARAM => {
                params.session_ref = some(v.clone());
                kept.push((k, v));
            }
            RETURN_TO_PARAM => params.return_to = some(v),
            OAUTH_ATTEMPT_PARAM => {
                params.oauth_attempt = some(v).filter(|v| {
                    v.len() <= 64 && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                })
            }
            _ => kept.push((k, v)),
        }
    }
    // The fragment form wins: it never reaches a server log or a Referer header.
    if let Some(t) = query::first(
        &query::pairs(hash.trim_start_matches('#')),
        LAUNCH_TOKEN_PARAM,
    ) {
        params.token = some(t.to_owned());
    }
    let query = query::encode(kept.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let query = if query.is_empty() {
        query
    } else {
        format!("?{query}")
    };
    (params, query)
}

/// Read and strip the launch secret from the live URL (`history.replaceState`, so the secret
/// leaves no history entry). Must run before mounting.
pub fn take_launch_params() -> LaunchParams {
    let Some(window) = web_sys::window() else {
        return LaunchParams::default();
    };
    let location = window.location();
    let search = location.search().unwrap_or_default();
    let hash = location.hash().unwrap_or_default();
    let (params, query) = split_launch(&search, &hash);
    if query != search || !hash.is_empty() {
        let path = location.pathname().unwrap_or_default();
        if let Ok(history) = window.history() {
            let _ = history.replace_state_with_url(
                &wasm_bindgen::JsValue::NULL,
                "",
                Some(&format!("{path}{query}")),
            );
        }
    }
    params
}

/// Map the exchange's 401 body to the reason we forward to the host.
fn refusal_reason(err: &AppError) -> ExpiredReason {
    let code = match err {
        AppError::Http { body: Some(b), .. } => b
            .params()
            .iter()
            .find(|p| p.param == "launch_token")
            .map(|p| p.msg.as_str()),
        _ => None,
    };
    code.and_then(ExpiredReason::from_code)
        .unwrap_or(ExpiredReason::LaunchTokenInvalid)
}

/// Trade the launch secret for the session context. Network failures are reported as such
/// (the token may still be good); refusals become `AppError::Launch`, a parent the session does
/// not allow `AppError::Parent` (checked by the server before it spends the token).
pub async fn exchange(
    params: &LaunchParams,
    parent_origin: Option<String>,
    transport: &Transport,
) -> Result<SessionContext, AppError> {
    let Some(token) = params.token.clone() else {
        return Err(AppError::Launch(ExpiredReason::LaunchTokenMissing));
    };
    // The document was framed for this session; the exchange must be for the same one.
    let Some(session_id) = params.session_ref.clone() else {
        return Err(AppError::Launch(ExpiredReason::LaunchTokenInvalid));
    };
    let body = LaunchExchange {
        launch_token: token,
        session_id,
        parent_origin,
    };
    match crate::api::exchange_launch(transport, &body).await {
        Ok(ctx) => Ok(ctx),
        Err(AppError::Http {
            status: 403,
            body: Some(b),
            ..
        }) => Err(AppError::Parent(
            b.params()
                .first()
                .map(|p| p.msg.clone())
                .unwrap_or_else(|| b.detail().to_owned()),
        )),
        Err(
            e @ AppError::Http {
                status: 400 | 401 | 404,
                ..
            },
        ) => Err(AppError::Launch(refusal_reason(&e))),
        Err(e) => Err(e),
    }
}

/// The real app's exchange: the one `boot.js` started while the wasm loaded, when it was for
/// this session (taken once: a "Try again" sends a new one), else a request of our own.
pub async fn exchange_http(
    params: &LaunchParams,
    parent_origin: Option<String>,
) -> Result<SessionContext, AppError> {
    match prefetched(params) {
        Some(answer) => {
            let res = match wasm_bindgen_futures::JsFuture::from(answer).await {
                Ok(v) => Ok(ApiResponse {
                    status: field(&v, "status").as_f64().unwrap_or(0.0) as u16,
                    body: field(&v, "body").as_string().unwrap_or_default(),
                    retry_after: None,
                }),
                Err(e) => Err(AppError::Network(format!("{e:?}"))),
            };
            let once = Transport::new(move |_| {
                let res = res.clone();
                Box::pin(async move { res })
            });
            exchange(params, parent_origin, &once).await
        }
        None => exchange(params, parent_origin, &HttpTransport::shared()).await,
    }
}

const PREFETCH: &str = "__meshesLaunch";

fn field(v: &wasm_bindgen::JsValue, key: &str) -> wasm_bindgen::JsValue {
    js_sys::Reflect::get(v, &key.into()).unwrap_or_default()
}

fn prefetched(params: &LaunchParams) -> Option<js_sys::Promise> {
    use wasm_bindgen::JsCast;
    let w: wasm_bindgen::JsValue = web_sys::window()?.into();
    let v = field(&w, PREFETCH);
    let _ = js_sys::Reflect::delete_property(w.unchecked_ref::<js_sys::Object>(), &PREFETCH.into());
    let same = field(&v, "session")
        .as_string()
        .is_some_and(|s| Some(s) == params.session_ref);
    same.then(|| field(&v, "answer").dyn_into().ok()).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn fragment_token_is_taken_and_session_ref_kept() {
        let (p, q) = split_launch("?session=sess_1", "#launch=abc");
        assert_eq!(p.token.as_deref(), Some("abc"));
        assert_eq!(p.session_ref.as_deref(), Some("sess_1"));
        assert_eq!(q, "?session=sess_1");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn query_token_is_stripped() {
        let (p, q) = split_launch("?launch=abc&session=sess_1&theme=dark", "");
        assert_eq!(p.token.as_deref(), Some("abc"));
        assert_eq!(q, "?session=sess_1&theme=dark");
        let (p, q) = split_launch("?launch=abc", "");
        assert_eq!(p.token.as_deref(), Some("abc"));
        assert_eq!(q, "");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn oauth_params_are_taken_out_of_the_url() {
        let (p, q) = split_launch(
            "?session=s&return_to=https%3A%2F%2Fapp.example.com%2F%3Fa%3Db+c&oauth_attempt=0b6f-12&tab=1",
            "#launch=abc",
        );
        assert_eq!(
            p.return_to.as_deref(),
            Some("https://app.example.com/?a=b c")
        );
        assert_eq!(p.oauth_attempt.as_deref(), Some("0b6f-12"));
        assert_eq!(q, "?session=s&tab=1");
        let (p, _) = split_launch("?oauth_attempt=%3Cscript%3E", "");
        assert_eq!(p.oauth_attempt, None, "only id-shaped values");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn escaped_keys_read_as_the_server_reads_them() {
        // The sandbox frames `?sess%69on=` as `session`: the runtime must exchange for it too.
        let (p, q) = split_launch("?sess%69on=sess_1&%6Caunch=abc", "");
        assert_eq!(p.session_ref.as_deref(), Some("sess_1"));
        assert_eq!(p.token.as_deref(), Some("abc"));
        assert_eq!(q, "?session=sess_1");
        let (p, _) = split_launch("?session=sess_1", "#%6Caunch=x%2Dy");
        assert_eq!(p.token.as_deref(), Some("x-y"));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn missing_or_empty_token() {
        assert_eq!(split_launch("", "").0.token, None);
        assert_eq!(split_launch("?launch=", "#launch=").0.token, None);
        assert_eq!(split_launch("?session=s", "#other=1").0.token, None);
    }
}
