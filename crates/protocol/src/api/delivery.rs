//! Events in (meshes-spec §6.6 ingestion) and what happened to them on the way out: delivery
//! attempts with the request each one sent and the answer it got.

use super::{ErrorDetail, Event};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `POST /api/v1/events` body, and one record of `POST /api/v1/events/bulk`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreateEvent {
    pub event: String,
    pub payload: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    /// Only `"event"` is accepted.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Required with the management key; with a publishable key or a session, the key's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace: Option<String>,
}

/// Records per bulk request.
pub const MAX_BULK: usize = 100;
/// Largest accepted `payload`, serialized.
pub const MAX_EVENT_PAYLOAD: usize = 32 * 1024;

/// `POST /api/v1/events/bulk` answer: 201 when every record was accepted, 207 otherwise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BulkResult {
    /// Records accepted.
    pub count: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_count: Option<u32>,
    pub records: Vec<BulkRecord>,
}

/// One record's fate, by its position in the request (the spec leaves order unguaranteed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BulkRecord {
    pub index: u32,
    /// 201 or the status this record alone would have had.
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<Event>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorDetail>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeCode {
    Delivered,
    RejectedClientError,
    RejectedServerError,
    RateLimited,
    AuthFailed,
    Timeout,
    NetworkError,
    MappingError,
    InternalError,
}

impl OutcomeCode {
    pub const ALL: [OutcomeCode; 9] = [
        OutcomeCode::Delivered,
        OutcomeCode::RejectedClientError,
        OutcomeCode::RejectedServerError,
        OutcomeCode::RateLimited,
        OutcomeCode::AuthFailed,
        OutcomeCode::Timeout,
        OutcomeCode::NetworkError,
        OutcomeCode::MappingError,
        OutcomeCode::InternalError,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeCode::Delivered => "delivered",
            OutcomeCode::RejectedClientError => "rejected_client_error",
            OutcomeCode::RejectedServerError => "rejected_server_error",
            OutcomeCode::RateLimited => "rate_limited",
            OutcomeCode::AuthFailed => "auth_failed",
            OutcomeCode::Timeout => "timeout",
            OutcomeCode::NetworkError => "network_error",
            OutcomeCode::MappingError => "mapping_error",
            OutcomeCode::InternalError => "internal_error",
        }
    }

    pub fn parse(s: &str) -> Option<OutcomeCode> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// One try at delivering a rule event (`GET /events/{id}/rules/{rule_id}/attempts[/{attempt_id}]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attempt {
    pub id: String,
    pub event_id: String,
    pub rule: String,
    /// 1-based.
    pub attempt: u32,
    pub outcome_code: OutcomeCode,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    pub started_at: String,
    pub completed_at: String,
    pub duration_ms: u32,
    /// Additive: the request line as sent (`POST https://hooks.example.com/in`), query values
    /// redacted. Absent for history recorded before real delivery.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<String>,
    /// Additive: whether `…/response-details` has a captured answer for this attempt
    /// (absent: no).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub has_response: bool,
}

/// `GET /events/{id}/rules/{rule_id}/attempts/{attempt_id}/response-details`: what the
/// destination answered, bounded, with every secret the connection holds redacted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResponseDetails {
    pub attempt_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    /// In the order received, at most 50; long values cut.
    pub headers: Vec<HeaderPair>,
    /// The start of the body as text (invalid UTF-8 replaced), at most 4 KiB.
    pub body: String,
    /// The body was longer than what is kept.
    pub body_truncated: bool,
    /// Bytes of body read (up to the read limit).
    pub body_bytes: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeaderPair {
    pub name: String,
    pub value: String,
}
