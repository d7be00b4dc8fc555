//! Deliveries to an app connected with OAuth: the rule's action and the event, written to the
//! provider's API with the connection's access token. A token the provider refuses is
//! refreshed once and the write tried again; a refresh the provider refuses means the user
//! took the grant back, and the connection needs reconnecting.

use super::outcome::Ended;
use super::send::{self, send};
use super::webhook::{EventData, Outbound, USER_AGENT};
use super::{Target, guard};
use crate::AppState;
use crate::meshes::oauth::client::RefreshError;
use crate::store::db::ts;
use meshes_protocol::api::OutcomeCode;
use rusqlite::params;
use serde_json::{Value, json};
use std::time::Duration;

/// The provider API request for one delivery.
fn request(
    state: &AppState,
    kind: &str,
    token: &str,
    target: &Target,
    key: &str,
) -> Result<Outbound, String> {
    let url = format!("{}/{kind}/api/deliver", state.cfg.provider_origin());
    let body = json!({"action": target.rule_metadata, "event": event_json(&target.event)});
    Ok(Outbound {
        method: reqwest::Method::POST,
        url: url::Url::parse(&url).map_err(|e| e.to_string())?,
        headers: vec![
            ("Content-Type".into(), "application/json".into()),
            ("User-Agent".into(), USER_AGENT.into()),
            ("Authorization".into(), format!("Bearer {token}")),
            ("Idempotency-Key".into(), key.into()),
        ],
        body: serde_json::to_vec(&body).map_err(|e| e.to_string())?,
        secrets: vec![token.to_owned()],
    })
}

fn event_json(e: &EventData) -> Value {
    json!({"id": e.id, "event": e.event, "resource": e.resource, "resource_id": e.resource_id,
           "payload": e.payload})
}

fn token(target: &Target, key: &str) -> Option<String> {
    target
        .secrets
        .get("oauth")
        .and_then(|o| o.get(key))
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// Keep the new tokens, or mark the connection as needing reconnecting.
fn store_tokens(
    state: &AppState,
    connection: &str,
    target: &Target,
    access: &str,
    refresh: Option<&str>,
    expires_in: Option<u64>,
) {
    let mut secrets = target.secrets.clone();
    let kept = token(target, "refresh_token");
    let expires = expires_in.map(|s| ts(state.clock.now() + time::Duration::seconds(s as i64)));
    secrets.insert(
        "oauth".into(),
        json!({"access_token": access, "refresh_token": refresh.map(str::to_owned).or(kept), "expires_at": expires}),
    );
    let stored = state.db.conn().execute(
        "UPDATE connections SET secrets = ?2 WHERE id = ?1 AND deleted_at IS NULL",
        params![connection, serde_json::Value::Object(secrets).to_string()],
    );
    if let Err(e) = stored {
        tracing::warn!(%e, connection, "keeping refreshed tokens failed");
    }
}

fn revoked(state: &AppState, connection: &str) {
    if let Err(e) = crate::meshes::oauth::mark_revoked(state, connection) {
        tracing::warn!(%e, connection, "marking a revoked connection failed");
    }
}

/// One attempt to an OAuth provider, and the request line it sent.
pub async fn deliver(
    state: &AppState,
    connection: &str,
    target: &Target,
    key: &str,
) -> (send::Result, Option<String>) {
    let name = crate::meshes::api::catalog::integration(&target.kind)
        .map(|i| i.name.clone())
        .unwrap_or_else(|| target.kind.clone());
    let Some(mut access) = token(target, "access_token") else {
        return (
            send::Result::refused(
                OutcomeCode::AuthFailed,
                format!("No {name} authorization is stored for this connection; reconnect it"),
            ),
            None,
        );
    };
    let timeout = Duration::from_millis(state.cfg.delivery_timeout_ms);
    let mut refreshed = false;
    loop {
        let out = match request(state, &target.kind, &access, target, key) {
            Ok(out) => out,
            Err(why) => return (send::Result::refused(OutcomeCode::InternalError, why), None),
        };
        let line = super::webhook::request_line(&out.method, &out.url);
        if let Err(why) = guard::check_url(&out.url, &state.engine.own_ports) {
            return (
                send::Result::refused(OutcomeCode::NetworkError, why),
                Some(line),
            );
        }
        let result = send(&state.engine.client, out, timeout).await;
        if result.ended != Ended::Answered(401) || refreshed {
            return (result, Some(line));
        }
        // The access token expired or was revoked: a refresh tells which.
        refreshed = true;
        let Some(refresh) = token(target, "refresh_token") else {
            revoked(state, connection);
            return (
                send::Result::refused(
                    OutcomeCode::AuthFailed,
                    format!(
                        "{name} refused the access token and there is no refresh token; reconnect it"
                    ),
                ),
                Some(line),
            );
        };
        match crate::meshes::oauth::client::refresh(state, &target.kind, &refresh).await {
            Ok((new_access, new_refresh, expires_in)) => {
                store_tokens(
                    state,
                    connection,
                    target,
                    &new_access,
                    new_refresh.as_deref(),
                    expires_in,
                );
                access = new_access;
            }
            Err(RefreshError::Unavailable(why)) => {
                let mut r = result;
                r.ended = Ended::Unreachable;
                r.message =
                    format!("{name} refused the access token and refreshing it failed: {why}");
                return (r, Some(line));
            }
            Err(RefreshError::Refused(why)) => {
                tracing::info!(connection, %why, "token refresh refused");
                revoked(state, connection);
                return (
                    send::Result::refused(
                        OutcomeCode::AuthFailed,
                        format!(
                            "{name} no longer accepts this connection's authorization; reconnect it"
                        ),
                    ),
                    Some(line),
                );
            }
        }
    }
}
