//! Validation of `POST /api/v1/sessions`: every documented field, range, default and
//! per-session-type rule, with each error naming its param.

use crate::error::ApiResult;
use crate::meshes::api::validate::{Fields, is_resource_token, is_uuid};
use meshes_protocol::Origin;
use meshes_protocol::access::{LaunchPage, Role, Scope, SessionType, can_launch_on};
use meshes_protocol::api::limits;

const FIELDS: &[&str] = &[
    "workspace_id",
    "role",
    "session_type",
    "external_user_id",
    "ttl_seconds",
    "launch_ttl_seconds",
    "launch_page",
    "resource",
    "resource_id",
    "allowed_origins",
    "scopes",
    "launch_path",
];

pub struct NewSession {
    pub workspace_id: String,
    pub role: Role,
    pub session_type: SessionType,
    pub external_user_id: Option<String>,
    pub ttl_seconds: i64,
    pub launch_ttl_seconds: i64,
    pub launch_page: LaunchPage,
    pub resource: Option<(String, String)>,
    pub allowed_origins: Vec<Origin>,
    pub scopes: Vec<Scope>,
}

/// Every field, range, default and per-session-type rule of `POST /api/v1/sessions` (v2).
pub fn validate(
    map: &serde_json::Map<String, serde_json::Value>,
    min_ttl: i64,
) -> ApiResult<NewSession> {
    let mut f = Fields::new(map, FIELDS);
    if f.present("launch_path") {
        f.fail(
            "launch_path",
            "was replaced by launch_page (dashboard, connections, rules, events)",
        );
    }
    let workspace_id = match f.string("workspace_id", 1, 64) {
        Some(id) if is_uuid(&id) => Some(id),
        Some(_) => {
            f.fail("workspace_id", "must be a UUID");
            None
        }
        None if !f.present("workspace_id") => {
            f.fail("workspace_id", "is required");
            None
        }
        None => None,
    };
    let role = f.enumeration("role", Role::VALUES).unwrap_or_default();
    let session_type: SessionType = f
        .enumeration("session_type", SessionType::VALUES)
        .unwrap_or_default();
    let external_user_id = f.string("external_user_id", 1, limits::EXTERNAL_USER_ID_MAX);
    let ttl_seconds = f
        .int_in(
            "ttl_seconds",
            (min_ttl.min(limits::TTL_SECONDS.0), limits::TTL_SECONDS.1),
        )
        .unwrap_or(limits::TTL_DEFAULT);
    let launch_ttl_seconds = f
        .int_in("launch_ttl_seconds", limits::LAUNCH_TTL_SECONDS)
        .unwrap_or(limits::LAUNCH_TTL_DEFAULT);
    let page_given = f.present("launch_page");
    let launch_page: LaunchPage = f
        .enumeration("launch_page", LaunchPage::VALUES)
        .unwrap_or_default();
    if page_given && !can_launch_on(session_type, launch_page) {
        let allowed = LaunchPage::VALUES
            .iter()
            .filter(|p| p.parse().is_ok_and(|p| can_launch_on(session_type, p)))
            .copied()
            .collect::<Vec<_>>()
            .join(", ");
        f.fail(
            "launch_page",
            format!("{session_type} sessions can launch on: {allowed}"),
        );
    }

    let mut resource_pair = [("resource", None), ("resource_id", None)];
    for (key, slot) in resource_pair.iter_mut() {
        let given = f.present(key);
        match (session_type, given) {
            (SessionType::Resource, false) => f.fail(key, "is required for resource sessions"),
            (SessionType::Resource, true) => match f.string(key, 1, limits::RESOURCE_MAX) {
                Some(v) if is_resource_token(&v) => *slot = Some(v),
                Some(_) => f.fail(key, "must match ^[A-Za-z0-9._:-]{1,64}$"),
                None => {}
            },
            (_, true) => f.fail(key, "is only allowed for resource sessions"),
            (_, false) => {}
        }
    }
    let [(_, resource), (_, resource_id)] = resource_pair;

    let mut allowed_origins: Vec<Origin> = vec![];
    for (i, raw) in f
        .string_array("allowed_origins", limits::ALLOWED_ORIGINS_MAX)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        match Origin::parse(raw) {
            Ok(o) if !allowed_origins.contains(&o) => allowed_origins.push(o),
            Ok(_) => {}
            Err(e) => f.fail(&format!("allowed_origins[{i}]"), e.to_string()),
        }
    }
    let mut scopes: Vec<Scope> = vec![];
    for raw in f
        .string_array("scopes", limits::SCOPES_MAX)
        .unwrap_or_default()
    {
        match raw.parse::<Scope>() {
            Ok(s) if !scopes.contains(&s) => scopes.push(s),
            Ok(_) => {}
            Err(()) => f.fail(
                "scopes",
                format!(
                    "unknown scope {raw:?}; allowed: {}",
                    Scope::VALUES.join(", ")
                ),
            ),
        }
    }
    f.finish("Invalid session request")?;
    Ok(NewSession {
        workspace_id: workspace_id.unwrap_or_default(),
        role,
        session_type,
        external_user_id,
        ttl_seconds,
        launch_ttl_seconds,
        launch_page,
        resource: resource.zip(resource_id),
        allowed_origins,
        scopes,
    })
}
