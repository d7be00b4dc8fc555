//! Roles, scopes, session types and the page access policy (meshes-spec §3).
//!
//! The policy lives here, and only here, so the runtime (which hides what a session may not open)
//! and the sandbox (which refuses it) cannot drift apart.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Embed session role. Ordered: `Member < Admin < Owner`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    #[default]
    Member,
    Admin,
    Owner,
}

/// Explicit opt-in scopes. `events.payload:read` is the only documented one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Scope {
    #[serde(rename = "events.payload:read")]
    EventsPayloadRead,
}

/// What a session may reach: a whole workspace, one resource pair, or the read-only dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SessionType {
    #[default]
    Workspace,
    Resource,
    Dashboard,
}

/// Top-level pages a session may be launched on (`launch_page`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum LaunchPage {
    #[default]
    Dashboard,
    Connections,
    Rules,
    Events,
}

/// Every page the embed renders, nested ones included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmbedPage {
    Dashboard,
    Connections,
    ConnectionMappings,
    Rules,
    Events,
    EventDetail,
}

impl EmbedPage {
    pub const ALL: [EmbedPage; 6] = [
        EmbedPage::Dashboard,
        EmbedPage::Connections,
        EmbedPage::ConnectionMappings,
        EmbedPage::Rules,
        EmbedPage::Events,
        EmbedPage::EventDetail,
    ];

    /// Pages shown in the navigation bar (nested pages are reached from their parent).
    pub const TOP_LEVEL: [EmbedPage; 4] = [
        EmbedPage::Dashboard,
        EmbedPage::Connections,
        EmbedPage::Rules,
        EmbedPage::Events,
    ];

    /// Stable machine name, used in `meshes:navigate`.
    pub fn name(self) -> &'static str {
        match self {
            EmbedPage::Dashboard => "dashboard",
            EmbedPage::Connections => "connections",
            EmbedPage::ConnectionMappings => "connection_mappings",
            EmbedPage::Rules => "rules",
            EmbedPage::Events => "events",
            EmbedPage::EventDetail => "event_detail",
        }
    }

    /// Human title for navigation and headings.
    pub fn title(self) -> &'static str {
        match self {
            EmbedPage::Dashboard => "Dashboard",
            EmbedPage::Connections => "Connections",
            EmbedPage::ConnectionMappings => "Connection mappings",
            EmbedPage::Rules => "Rules",
            EmbedPage::Events => "Events",
            EmbedPage::EventDetail => "Event detail",
        }
    }
}

impl From<LaunchPage> for EmbedPage {
    fn from(p: LaunchPage) -> Self {
        match p {
            LaunchPage::Dashboard => EmbedPage::Dashboard,
            LaunchPage::Connections => EmbedPage::Connections,
            LaunchPage::Rules => EmbedPage::Rules,
            LaunchPage::Events => EmbedPage::Events,
        }
    }
}

/// May a session of this type open this page? (meshes-spec §3 table)
pub fn can_open(session_type: SessionType, page: EmbedPage) -> bool {
    use EmbedPage::*;
    match session_type {
        SessionType::Workspace => true,
        SessionType::Resource => matches!(page, Dashboard | Rules | Events | EventDetail),
        SessionType::Dashboard => page == Dashboard,
    }
}

/// May a session of this type be launched on this page?
pub fn can_launch_on(session_type: SessionType, page: LaunchPage) -> bool {
    can_open(session_type, page.into())
}

/// Viewing event payloads needs admin|owner AND the explicit scope (never implied by role).
pub fn can_view_payload(role: Role, scopes: &[Scope]) -> bool {
    role >= Role::Admin && scopes.contains(&Scope::EventsPayloadRead)
}

/// Decision (the docs publish no per-role matrix): members read; admins create/edit
/// connections, rules and mappings and retry/cancel deliveries; owners additionally delete.
/// Dashboard sessions never write, whatever the role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Read,
    Write,
    Delete,
}

pub fn can_perform(session_type: SessionType, role: Role, action: Action) -> bool {
    match (session_type, action) {
        (_, Action::Read) => true,
        (SessionType::Dashboard, _) => false,
        (_, Action::Write) => role >= Role::Admin,
        (_, Action::Delete) => role >= Role::Owner,
    }
}

macro_rules! str_enum {
    ($t:ty { $($v:ident => $s:literal),+ $(,)? }) => {
        impl $t {
            pub fn as_str(self) -> &'static str {
                match self { $(<$t>::$v => $s),+ }
            }
            pub const VALUES: &'static [&'static str] = &[$($s),+];
        }
        impl FromStr for $t {
            type Err = ();
            fn from_str(s: &str) -> Result<Self, ()> {
                match s { $($s => Ok(<$t>::$v),)+ _ => Err(()) }
            }
        }
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

str_enum!(Role { Member => "member", Admin => "admin", Owner => "owner" });
str_enum!(Scope { EventsPayloadRead => "events.payload:read" });
str_enum!(SessionType { Workspace => "workspace", Resource => "resource", Dashboard => "dashboard" });
str_enum!(LaunchPage {
    Dashboard => "dashboard",
    Connections => "connections",
    Rules => "rules",
    Events => "events",
});

#[cfg(test)]
mod tests {
    use super::*;
    use EmbedPage::*;

    #[test]
    fn access_policy_table() {
        // (session type, page, may open) — the whole table, spelled out.
        let table = [
            (SessionType::Workspace, [true, true, true, true, true, true]),
            (
                SessionType::Resource,
                [true, false, false, true, true, true],
            ),
            (
                SessionType::Dashboard,
                [true, false, false, false, false, false],
            ),
        ];
        for (st, row) in table {
            for (page, expected) in EmbedPage::ALL.into_iter().zip(row) {
                assert_eq!(can_open(st, page), expected, "{st} / {page:?}");
            }
        }
    }

    #[test]
    fn launch_pages_per_session_type() {
        let allowed = |st| {
            LaunchPage::VALUES
                .iter()
                .filter(|p| can_launch_on(st, p.parse().unwrap()))
                .copied()
                .collect::<Vec<_>>()
        };
        assert_eq!(
            allowed(SessionType::Workspace),
            ["dashboard", "connections", "rules", "events"]
        );
        assert_eq!(
            allowed(SessionType::Resource),
            ["dashboard", "rules", "events"]
        );
        assert_eq!(allowed(SessionType::Dashboard), ["dashboard"]);
    }

    #[test]
    fn payload_needs_role_and_scope() {
        let s = [Scope::EventsPayloadRead];
        assert!(!can_view_payload(Role::Member, &s));
        assert!(can_view_payload(Role::Admin, &s));
        assert!(can_view_payload(Role::Owner, &s));
        assert!(!can_view_payload(Role::Owner, &[]));
    }

    #[test]
    fn write_matrix() {
        use Action::*;
        assert!(can_perform(SessionType::Dashboard, Role::Member, Read));
        assert!(!can_perform(SessionType::Dashboard, Role::Owner, Write));
        assert!(!can_perform(SessionType::Workspace, Role::Member, Write));
        assert!(can_perform(SessionType::Workspace, Role::Admin, Write));
        assert!(!can_perform(SessionType::Resource, Role::Admin, Delete));
        assert!(can_perform(SessionType::Resource, Role::Owner, Delete));
    }

    #[test]
    fn names_round_trip() {
        for p in [
            Dashboard,
            Connections,
            ConnectionMappings,
            Rules,
            Events,
            EventDetail,
        ] {
            let json = serde_json::to_string(&p).unwrap();
            assert_eq!(json, format!("\"{}\"", p.name()));
        }
        for r in Role::VALUES {
            assert_eq!(r.parse::<Role>().unwrap().as_str(), *r);
        }
    }
}
