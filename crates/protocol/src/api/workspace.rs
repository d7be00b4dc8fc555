//! Workspaces, connections, rules, events and deliveries (meshes-spec §6.2–§6.6).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workspace {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// `GET /api/v1/workspaces/{id}`: the workspace plus its publishable key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkspaceDetail {
    #[serde(flatten)]
    pub workspace: Workspace,
    pub publishable_key: PublishableKey,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishableKey {
    pub public_key: String,
    pub name: String,
}

/// `POST /api/v1/workspaces` body: name 3–50 `[a-zA-Z0-9 _-]`, description ≤ 1024.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateWorkspace {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// `POST /api/v1/workspaces` -> 201 `{"workspace":{…}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkspaceCreated {
    pub workspace: Workspace,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InactiveReason {
    AuthenticationInvalid,
    OauthAuthorizationRevoked,
    OauthReauthorizationRequired,
    ManuallyInactivated,
}

/// Connection: raw credentials are never part of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Connection {
    pub id: String,
    pub workspace: String,
    /// Integration type, e.g. `hubspot`, `webhook`.
    #[serde(rename = "type")]
    pub kind: String,
    pub name: String,
    #[serde(default)]
    pub metadata: Map<String, Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action_data: Option<Map<String, Value>>,
    #[serde(default = "yes")]
    pub active: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inactive_reason: Option<InactiveReason>,
    #[serde(default)]
    pub hidden: bool,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    pub id: String,
    pub connection: String,
    pub workspace: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    pub event: String,
    pub metadata: Map<String, Value>,
    pub active: bool,
    pub hidden: bool,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
}

/// Event and delivery status (newest vocabulary).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pending,
    Processing,
    Retrying,
    Completed,
    Failed,
    Canceled,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Pending,
        Status::Processing,
        Status::Retrying,
        Status::Completed,
        Status::Failed,
        Status::Canceled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Processing => "processing",
            Status::Retrying => "retrying",
            Status::Completed => "completed",
            Status::Failed => "failed",
            Status::Canceled => "canceled",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|v| v.as_str() == s)
    }

    pub fn is_terminal(self) -> bool {
        matches!(self, Status::Completed | Status::Failed | Status::Canceled)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub id: String,
    #[serde(rename = "type", default = "event_kind")]
    pub kind: String,
    pub workspace: String,
    pub event: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_rules: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_count: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed_count: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<String>,
    pub created_by: String,
    pub created_at: String,
    /// Additive (decision 88): `true` for an event sent by a rule's "Send test event".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test: Option<bool>,
    /// Additive (decision 88), in lists: where the event went, one entry per delivery.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destinations: Option<Vec<Destination>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_events: Option<Vec<RuleEvent>>,
    /// Only from `/events/{id}/payload`, which `events.payload:read` gates in embed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload: Option<Value>,
}

fn event_kind() -> String {
    "event".to_owned()
}

/// One delivery of an event in a list: its connection, named as in `RuleEvent`, and its status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Destination {
    pub connection: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection_name: Option<String>,
    pub connection_state: ConnectionState,
    pub integration_type: String,
    pub status: Status,
}

/// What became of a connection that history points at (additive, decision 83).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionState {
    Live,
    Deleted,
    /// Hidden from embed sessions by the vendor: sessions get neither its name nor its details.
    Hidden,
}

impl ConnectionState {
    /// From a connections row (`hidden`, `deleted_at`), or `None` when the row is gone.
    pub fn of(row: Option<(bool, bool)>) -> ConnectionState {
        match row {
            None | Some((_, true)) => ConnectionState::Deleted,
            Some((true, false)) => ConnectionState::Hidden,
            Some((false, false)) => ConnectionState::Live,
        }
    }
}

/// One rule's delivery of one event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleEvent {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub workspace: String,
    pub event: String,
    pub event_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    pub connection: String,
    /// Additive (decision 83): the connection's name, kept after it is deleted; absent when
    /// it is hidden from the caller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection_name: Option<String>,
    /// Additive (decision 83): what became of the connection since.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection_state: Option<ConnectionState>,
    pub rule: String,
    pub integration_type: String,
    pub status: Status,
    pub attempt_count: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    pub created_by: String,
    pub created_at: String,
}
