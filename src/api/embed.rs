//! The embed's own endpoints: the session check and the hosted OAuth attempts.

use super::{Api, ApiRequest, Method, Reply, Transport, body, decode, send};
use crate::error::AppError;
use meshes_protocol::api::{
    CreateAttempt, LaunchExchange, OauthAttempt, SessionContext, SessionInfo,
};

/// `POST /embed/launch`: the launch secret for the session context. Before there is a session,
/// so on a bare transport, and never retried (the secret is single-use).
pub async fn exchange_launch(
    transport: &Transport,
    exchange: &LaunchExchange,
) -> Result<SessionContext, AppError> {
    let req = ApiRequest::new(Method::Post, "/api/v1/embed/launch", body(exchange));
    send(transport, req).await
}
const SESSION: &str = "/api/v1/embed/session";
const ATTEMPTS: &str = "/api/v1/embed/oauth/attempts";

impl Api {
    /// `GET /embed/session` with a token that is not installed yet: is it ours, and for how long?
    pub(super) async fn session_info(&self, token: &str) -> Result<SessionInfo, AppError> {
        decode(&self.get_retrying(SESSION, token).await?)
    }

    pub fn create_attempt(self, attempt: &CreateAttempt) -> Reply<OauthAttempt> {
        self.write(Method::Post, ATTEMPTS.to_owned(), body(attempt))
    }

    pub fn attempt(self, id: &str) -> Reply<OauthAttempt> {
        self.get(format!("{ATTEMPTS}/{id}"))
    }

    /// Ends the attempt unless it already finished; answers with how it ended.
    pub fn cancel_attempt(self, id: &str) -> Reply<OauthAttempt> {
        self.write(Method::Post, format!("{ATTEMPTS}/{id}/cancel"), None)
    }
}
