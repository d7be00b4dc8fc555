//! What the fake API answers, built from the protocol's own types: a changed field breaks these
//! at compile time instead of leaving a stale JSON string that no longer matches the API.

use super::{SID, WS};
use meshes_protocol::api::{
    AuthField, AuthType, Authentication, CatalogField, Connection, DependsOn, ErrorBody,
    ErrorDetail, Event, FieldCatalog, FieldSource, FieldType, Integration, IntegrationAction,
    Mapping, MappingEnvelope, MappingField, MappingSchema, MappingStatus, OauthInfo, OneOrMany,
    Page, Rule, RuleEvent, SelectOption, SessionInfo, SourceKind, Status,
};
use meshes_protocol::{Role, SessionType};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

pub const AT: &str = "2026-11-20T10:00:00Z";

/// The wire form of a protocol value.
pub fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap()
}

/// One page of `records`, with no next page.
pub fn page_of<T: Serialize + Clone>(records: &[T]) -> String {
    json(&Page {
        count: records.len() as u32,
        limit: 50,
        next_cursor: None,
        records: records.to_vec(),
    })
}

/// A Meshes error body with only the status title (no sentence of its own).
pub fn error_body(message: &str) -> String {
    json(&ErrorBody {
        message: message.into(),
        error: None,
    })
}

/// The whoami answer for our session.
pub fn session_info(expires_in: u32) -> String {
    json(&SessionInfo {
        session_id: SID.into(),
        workspace_id: WS.into(),
        role: Role::Admin,
        session_type: SessionType::Workspace,
        scopes: vec![],
        resource: None,
        resource_id: None,
        expires_in,
    })
}

/// An active webhook rule `id` for `deal.won` on connection `c1`.
pub fn rule(id: &str) -> Rule {
    let mut metadata = Map::new();
    metadata.insert("action".into(), Value::String("send_webhook".into()));
    Rule {
        id: id.into(),
        connection: "c1".into(),
        workspace: "w".into(),
        kind: "webhook".into(),
        resource: None,
        resource_id: None,
        event: "deal.won".into(),
        metadata,
        active: true,
        hidden: false,
        created_by: "seed".into(),
        created_at: AT.into(),
        updated_at: AT.into(),
    }
}

/// An active connection `id` named `name` of type `kind`.
pub fn connection(id: &str, kind: &str, name: &str) -> Connection {
    Connection {
        id: id.into(),
        workspace: "w".into(),
        kind: kind.into(),
        name: name.into(),
        metadata: Map::new(),
        action_data: None,
        active: true,
        inactive_reason: None,
        hidden: false,
        created_by: "api".into(),
        created_at: AT.into(),
        updated_at: AT.into(),
    }
}

/// A `deal.won` event `id` for `deal_1` with one matching rule.
pub fn event(id: &str, status: Status) -> Event {
    Event {
        id: id.into(),
        kind: "event".into(),
        workspace: "w".into(),
        event: "deal.won".into(),
        resource: Some("deal".into()),
        resource_id: Some("deal_1".into()),
        status,
        total_rules: Some(1),
        completed_count: Some(u32::from(status == Status::Completed)),
        failed_count: Some(0),
        started_at: None,
        completed_at: None,
        created_by: "api".into(),
        created_at: AT.into(),
        test: None,
        destinations: None,
        rule_events: None,
        payload: None,
    }
}

/// Rule `rule`'s delivery of event `event_id` to connection `connection`.
pub fn delivery(event_id: &str, rule: &str, connection: &str, status: Status) -> RuleEvent {
    RuleEvent {
        id: format!("re_{rule}"),
        kind: "rule_event".into(),
        workspace: "w".into(),
        event: "deal.won".into(),
        event_id: event_id.into(),
        resource: None,
        resource_id: None,
        connection: connection.into(),
        connection_name: None,
        connection_state: None,
        rule: rule.into(),
        integration_type: "webhook".into(),
        status,
        attempt_count: 1,
        started_at: None,
        completed_at: None,
        last_error: None,
        created_by: "api".into(),
        created_at: AT.into(),
    }
}

/// A refusal with the server's own sentence (`name` is the error's kind).
pub fn refusal(title: &str, name: &str, sentence: &str) -> String {
    json(&ErrorBody {
        message: title.into(),
        error: Some(ErrorDetail {
            name: name.into(),
            message: sentence.into(),
            data: vec![],
        }),
    })
}

/// An OAuth app of the catalog (no credentials form; it connects through the hosted flow).
pub fn oauth_app(kind: &str, name: &str) -> Integration {
    Integration {
        name: name.into(),
        kind: kind.into(),
        authentication: Authentication {
            kind: AuthType::Oauth,
            oauth: Some(OauthInfo { version: 2 }),
            fields: vec![],
        },
        actions: BTreeMap::new(),
    }
}

/// The webhook integration: without `fields`, no credentials at all; with them, a URL and an
/// auth scheme whose bearer token shows only for `bearer` (`dependsOn`), and one action.
pub fn webhook(fields: bool) -> Integration {
    let field = |label: &str, key: &str, kind: FieldType| AuthField {
        label: label.into(),
        key: key.into(),
        kind,
        help_text: None,
        required: Some(true),
        validate: None,
        default_value: None,
        options: None,
        depends_on: None,
    };
    let option = |label: &str, value: &str| SelectOption {
        label: label.into(),
        value: value.into(),
    };
    let fields = if fields {
        vec![
            AuthField {
                validate: Some("url".into()),
                ..field("Endpoint URL", "url", FieldType::Text)
            },
            AuthField {
                default_value: Some("none".into()),
                options: Some(vec![
                    option("None", "none"),
                    option("Bearer token", "bearer"),
                ]),
                ..field("Authentication", "auth_scheme", FieldType::Select)
            },
            AuthField {
                depends_on: Some(DependsOn {
                    field: "auth_scheme".into(),
                    value: OneOrMany::One("bearer".into()),
                }),
                ..field("Bearer token", "bearer_token", FieldType::Password)
            },
        ]
    } else {
        vec![]
    };
    let send = IntegrationAction {
        key: "send_webhook".into(),
        label: "Send webhook".into(),
        noun: "webhook".into(),
        data: vec![],
        fields: Some(vec![]),
    };
    Integration {
        name: "Webhook".into(),
        kind: "webhook".into(),
        authentication: Authentication {
            kind: AuthType::None,
            oauth: None,
            fields,
        },
        actions: BTreeMap::from([("send_webhook".to_owned(), send)]),
    }
}

/// Connection `c1`'s destination fields: a required `email` and an `amount`.
pub fn field_catalog() -> FieldCatalog {
    let field = |key: &str, label: &str, kind: &str, required: bool| CatalogField {
        key: key.into(),
        label: Some(label.into()),
        kind: kind.into(),
        description: None,
        constraints: required.then(|| Map::from_iter([("required".to_owned(), Value::Bool(true))])),
    };
    FieldCatalog {
        id: "fc1".into(),
        workspace_id: "w".into(),
        connection_id: "c1".into(),
        integration_type: "webhook".into(),
        catalog_version: 3,
        refreshed_at: AT.into(),
        created_by: None,
        created_at: AT.into(),
        updated_at: AT.into(),
        fields: vec![
            field("email", "Email", "string", true),
            field("amount", "Amount", "number", false),
        ],
    }
}

/// Connection `c1`'s stored mapping at `version`, mapping `dest` from the payload path `dest`.
pub fn mapping(version: u32, dest: &str) -> MappingEnvelope {
    let schema = MappingSchema {
        schema_version: 1,
        fields: vec![MappingField {
            dest: dest.into(),
            source: FieldSource {
                kind: SourceKind::Path,
                value: Value::String(dest.into()),
            },
            transforms: vec![],
            on_error: "skip_field".into(),
        }],
    };
    MappingEnvelope {
        status: MappingStatus::Stored,
        mapping: Mapping {
            id: "m1".into(),
            mapping_id: "default".into(),
            version,
            workspace_id: "w".into(),
            connection_id: "c1".into(),
            integration_type: "webhook".into(),
            name: "Default mapping".into(),
            schema: serde_json::to_value(schema).unwrap(),
            catalog_version: None,
            created_by: None,
            created_at: AT.into(),
            updated_at: AT.into(),
        },
    }
}
