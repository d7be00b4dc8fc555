//! The sandbox's test hooks: its request log and fault injection.

use crate::Stack;
use serde_json::Value;

impl Stack {
    /// Every request the sandbox saw (both origins), oldest first.
    pub async fn requests(&self) -> Vec<Value> {
        let res = self
            .http
            .get(format!("{}/__sandbox/requests", self.meshes))
            .send()
            .await
            .expect("request log");
        res.json::<Vec<Value>>().await.expect("the request log")
    }

    /// Requests whose path starts with `prefix` (optionally only one method).
    pub async fn requests_to(&self, method: &str, prefix: &str) -> Vec<Value> {
        self.requests()
            .await
            .into_iter()
            .filter(|r| {
                r["method"] == method && r["uri"].as_str().is_some_and(|u| u.starts_with(prefix))
            })
            .collect()
    }

    /// The embed's connection-list requests, oldest first.
    pub async fn connection_list_requests(&self) -> Vec<Value> {
        self.requests_to("GET", "/api/v1/workspaces/")
            .await
            .into_iter()
            .filter(|r| {
                r["uri"]
                    .as_str()
                    .is_some_and(|u| u.contains("/connections"))
            })
            .collect()
    }

    /// Inject a fault into API calls or build assets (see the sandbox's `hooks` module).
    pub async fn fault(&self, fault: Value) {
        let res = self
            .http
            .post(format!("{}/__sandbox/faults", self.meshes))
            .json(&fault)
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success());
    }

    /// The host can no longer renew the embed's token: the session is refreshed behind its back
    /// (the token it holds is stale) and its backend's refresh calls fail with 503.
    pub async fn renewal_fails(&self) {
        let sid = self.host_session_id().await;
        self.api(
            reqwest::Method::POST,
            &format!("/api/v1/sessions/{sid}/refresh"),
            None,
        )
        .await;
        self.fault(
            serde_json::json!({"path": "/api/v1/sessions/", "kind": "status", "status": 503}),
        )
        .await;
    }

    pub async fn clear_faults(&self) {
        self.http
            .delete(format!("{}/__sandbox/faults", self.meshes))
            .send()
            .await
            .unwrap();
    }
}
