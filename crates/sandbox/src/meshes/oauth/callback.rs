//! `/oauth/callback`: where the provider sends the browser back. It checks `state`, the
//! browser-binding cookie and the creating session, then claims the attempt so exactly one
//! callback exchanges the code, even when a reload or a replay races it.

use super::client::{client, cookie_name};
use super::pages::{outcome_page, refuse};
use super::{AttemptRow, Outcome, claim, expired, finish, finish_in, load, session_gone};
use crate::AppState;
use crate::error::ApiResult;
use crate::secrets::{matches_hash, sha256_hex};
use crate::store::db::ts;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::Response;
use meshes_protocol::api::{AttemptStatus, OauthMode};
use oauth2::{AuthorizationCode, PkceCodeVerifier, TokenResponse};
use serde_json::json;
use std::collections::HashMap;
use std::time::Duration;

/// The value of one cookie, by name: the server never looks at any other cookie the browser
/// sends (an attacker who can set or send many costs it nothing).
fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

/// `GET /oauth/callback?state=…&code=…` (or `&error=…`).
///
/// A `state` that matches nothing changes nothing: anyone can send a browser here (a cross-site
/// link carries the SameSite=Lax cookies), so it must not be able to end another attempt.
pub async fn callback(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let given = q.get("state").map(String::as_str).unwrap_or("");
    let Some(row) = load(&state, "state_hash", &sha256_hex(given))?.filter(|_| !given.is_empty())
    else {
        return Ok(refuse(
            "This sign-in could not be verified",
            "The response from the provider did not match a sign-in started here (state mismatch). Nothing was connected. Start again from the workspace.",
        ));
    };
    let id = row.api.id.clone();
    if row.exchanging {
        // Another callback for this attempt (a reload during a slow exchange) holds the claim.
        return Ok(after_the_winner(&state, &id).await?.unwrap_or(refuse(
            "This sign-in is still being completed",
            "It is finishing in another window. Go back to the workspace to see the result.",
        )));
    }
    let bound = cookie(&headers, &cookie_name(&id))
        .is_some_and(|v| matches_hash(row.binding_hash.as_deref(), &v));
    if row.api.status.is_final() {
        // This browser's redirect that arrives after the end (it expired meanwhile) still goes
        // home with the attempt id, so the embed there says how it ended.
        let home = bound && row.api.mode == OauthMode::Redirect;
        return Ok(outcome_page(&state, &row, !home));
    }
    if !bound {
        finish(
            &state,
            &id,
            Outcome::failed(
                AttemptStatus::Failed,
                "state_mismatch",
                "The sign-in finished in a different browser than it started in. Nothing was connected; start again.",
            ),
        )?;
    } else if let Some(why) = session_gone(&state, &row.session_id)? {
        finish(
            &state,
            &id,
            Outcome::failed(AttemptStatus::Failed, "session_ended", why),
        )?;
        return Ok(refuse("Nothing was connected", why));
    } else if expired(&row, &state) {
        // load() already marked it expired.
    } else if let Some(err) = q.get("error") {
        provider_refused(&state, &id, err, q.get("error_description"))?;
    } else if claim(&state, &id)? {
        // The exchange runs to its end on its own task: a browser that goes away mid-way (the
        // window closed, a reload) drops this request, not the claimed attempt.
        let code = q.get("code").cloned().unwrap_or_default();
        let (task_state, task_row) = (state.clone(), row.clone());
        let done = tokio::spawn(async move {
            let r = exchange(&task_state, &task_row, &code).await;
            if r.is_err() {
                let _ = finish(
                    &task_state,
                    &task_row.api.id,
                    Outcome::failed(
                        AttemptStatus::Failed,
                        "code_exchange_failed",
                        "The sign-in could not be completed. Nothing was connected; start again.",
                    ),
                );
            }
            r
        });
        done.await.map_err(crate::error::ApiError::internal)??;
    } else {
        // Lost the claim to a concurrent callback: answer with what it ends in.
        if let Some(page) = after_the_winner(&state, &id).await? {
            return Ok(page);
        }
    }
    let row = load(&state, "id", &id)?.unwrap_or(row);
    Ok(outcome_page(&state, &row, false))
}

/// Wait (bounded by the exchange's own timeouts) for the callback holding the claim to finish,
/// then show its outcome as if this request had produced it: in redirect mode that sends the
/// browser back to the host page, which the winner's response can no longer do after a reload.
async fn after_the_winner(state: &AppState, id: &str) -> ApiResult<Option<Response>> {
    for _ in 0..125 {
        match load(state, "id", id)? {
            Some(row) if row.api.status.is_final() => {
                return Ok(Some(outcome_page(state, &row, false)));
            }
            None => return Ok(None),
            _ => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
    Ok(None)
}

fn provider_refused(
    state: &AppState,
    id: &str,
    err: &str,
    description: Option<&String>,
) -> ApiResult<()> {
    if err == "access_denied" {
        finish(
            state,
            id,
            Outcome::failed(
                AttemptStatus::Denied,
                "access_denied",
                "Access was denied at the provider, so nothing was connected.",
            ),
        )?;
        return Ok(());
    }
    let detail: String = description
        .map(|d| d.chars().take(200).collect())
        .unwrap_or_default();
    let msg = format!(
        "The provider reported an error ({}): {detail}",
        err.chars().take(40).collect::<String>()
    );
    finish(
        state,
        id,
        Outcome::failed(AttemptStatus::Failed, "provider_error", &msg),
    )?;
    Ok(())
}

const EXCHANGE_FAILED: &str = "The provider did not accept the sign-in (the code was invalid, reused or expired). Nothing was connected; start again.";

/// Code -> tokens (server to server, PKCE verifier), then the provider account, then the
/// connection and the attempt's end in one transaction. Tokens never leave this function except
/// into the connection's server-side secrets.
async fn exchange(state: &AppState, row: &AttemptRow, code: &str) -> ApiResult<()> {
    let id = &row.api.id;
    let fail = |code: &str, msg: &str| {
        finish(state, id, Outcome::failed(AttemptStatus::Failed, code, msg)).map(|_| ())
    };
    let (Some(client), Some(verifier)) = (
        client(state, &row.api.integration),
        row.pkce_verifier.clone(),
    ) else {
        return fail(
            "code_exchange_failed",
            "The sign-in could not be completed.",
        );
    };
    let tokens = client
        .exchange_code(AuthorizationCode::new(code.to_owned()))
        .set_pkce_verifier(PkceCodeVerifier::new(verifier))
        .request_async(&state.oauth_http)
        .await;
    let tokens = match tokens {
        Ok(t) => t,
        Err(e) => {
            tracing::warn!(attempt = %id, error = %e, "oauth code exchange failed");
            return fail("code_exchange_failed", EXCHANGE_FAILED);
        }
    };
    let access = tokens.access_token().secret().clone();
    // Never a placeholder: the account name is what a reconnect is checked against.
    let Some(account) = super::store::fetch_account(state, &row.api.integration, &access).await
    else {
        return fail(
            "provider_error",
            "The provider did not say which account signed in. Nothing was connected; try again.",
        );
    };
    let secrets = json!({"oauth": {
        "access_token": access,
        "refresh_token": tokens.refresh_token().map(|t| t.secret().clone()),
        "expires_at": tokens.expires_in().map(|d| ts(state.clock.now() + time::Duration::seconds(d.as_secs() as i64))),
    }});
    let now = ts(state.clock.now());
    let mut conn = state.db.conn();
    let tx = conn.transaction()?;
    let cid = match super::store::store(&tx, &now, row, &account, secrets)? {
        Ok(cid) => cid,
        Err(refusal) => {
            drop(tx);
            drop(conn);
            return fail(refusal.code(), &refusal.message(&account));
        }
    };
    let outcome = Outcome {
        status: AttemptStatus::Completed,
        error: None,
        connection_id: Some(&cid),
        account: Some(&account),
    };
    // A cancel or the expiry that got there first wins: then nothing is stored.
    if finish_in(&tx, now.clone(), id, outcome)? {
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Only the named cookie counts, wherever it sits among the others and in whichever
    /// `Cookie` header; a look-alike name is not it.
    #[test]
    fn the_binding_is_read_by_exact_name() {
        let mut h = HeaderMap::new();
        h.append(header::COOKIE, "a=1; meshes_oauth_x2=no".parse().unwrap());
        h.append(
            header::COOKIE,
            "b=2;meshes_oauth_x=yes ; c=3".parse().unwrap(),
        );
        assert_eq!(cookie(&h, "meshes_oauth_x").as_deref(), Some("yes"));
        assert_eq!(cookie(&h, "meshes_oauth_y"), None);
    }
}
