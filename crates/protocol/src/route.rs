//! The embed's route table: `/workspace/...` paths <-> pages.
//!
//! Used by the runtime (what `meshes:navigate` reports, what deep links may open) and by the
//! sandbox (which paths serve the embed document). Parsing is strict: anything that is not
//! exactly one of these shapes is rejected, so no message-supplied path can point elsewhere.

use crate::access::{EmbedPage, LaunchPage};

pub const PREFIX: &str = "/workspace";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmbedRoute {
    Dashboard,
    Connections,
    ConnectionMappings { connection_id: String },
    Rules,
    Events,
    EventDetail { event_id: String },
}

impl EmbedRoute {
    pub fn page(&self) -> EmbedPage {
        match self {
            EmbedRoute::Dashboard => EmbedPage::Dashboard,
            EmbedRoute::Connections => EmbedPage::Connections,
            EmbedRoute::ConnectionMappings { .. } => EmbedPage::ConnectionMappings,
            EmbedRoute::Rules => EmbedPage::Rules,
            EmbedRoute::Events => EmbedPage::Events,
            EmbedRoute::EventDetail { .. } => EmbedPage::EventDetail,
        }
    }

    pub fn path(&self) -> String {
        match self {
            EmbedRoute::Dashboard => format!("{PREFIX}/dashboard"),
            EmbedRoute::Connections => format!("{PREFIX}/connections"),
            EmbedRoute::ConnectionMappings { connection_id } => {
                format!("{PREFIX}/connections/{connection_id}/mappings")
            }
            EmbedRoute::Rules => format!("{PREFIX}/rules"),
            EmbedRoute::Events => format!("{PREFIX}/events"),
            EmbedRoute::EventDetail { event_id } => format!("{PREFIX}/events/{event_id}"),
        }
    }

    /// Parse a path (no query, no fragment). A single trailing slash is tolerated.
    pub fn parse(path: &str) -> Option<EmbedRoute> {
        let rest = path.strip_prefix(PREFIX)?.strip_prefix('/')?;
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        let segs: Vec<&str> = rest.split('/').collect();
        match segs.as_slice() {
            ["dashboard"] => Some(EmbedRoute::Dashboard),
            ["connections"] => Some(EmbedRoute::Connections),
            ["connections", id, "mappings"] if is_id(id) => Some(EmbedRoute::ConnectionMappings {
                connection_id: (*id).to_owned(),
            }),
            ["rules"] => Some(EmbedRoute::Rules),
            ["events"] => Some(EmbedRoute::Events),
            ["events", id] if is_id(id) => Some(EmbedRoute::EventDetail {
                event_id: (*id).to_owned(),
            }),
            _ => None,
        }
    }
}

impl From<LaunchPage> for EmbedRoute {
    fn from(p: LaunchPage) -> Self {
        match p {
            LaunchPage::Dashboard => EmbedRoute::Dashboard,
            LaunchPage::Connections => EmbedRoute::Connections,
            LaunchPage::Rules => EmbedRoute::Rules,
            LaunchPage::Events => EmbedRoute::Events,
        }
    }
}

/// Identifiers in paths: the rule-id alphabet (`^[A-Za-z0-9._:-]{1,128}$`), but never `.`/`..`.
pub fn is_id(s: &str) -> bool {
    (1..=128).contains(&s.len())
        && s != "."
        && s != ".."
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_every_route() {
        let routes = [
            EmbedRoute::Dashboard,
            EmbedRoute::Connections,
            EmbedRoute::ConnectionMappings {
                connection_id: "c-1".into(),
            },
            EmbedRoute::Rules,
            EmbedRoute::Events,
            EmbedRoute::EventDetail {
                event_id: "5b0f1a7e-0000-4000-8000-000000000001".into(),
            },
        ];
        for r in routes {
            assert_eq!(EmbedRoute::parse(&r.path()), Some(r.clone()));
        }
        assert_eq!(
            EmbedRoute::parse("/workspace/rules/"),
            Some(EmbedRoute::Rules)
        );
    }

    #[test]
    fn rejects_hostile_paths() {
        for p in [
            "",
            "/",
            "javascript:alert(1)",
            "//evil.test",
            "/\\evil.test",
            "%2F%2Fevil.test",
            "https://evil.test/workspace/dashboard",
            "/workspace/../admin",
            "/workspace/events/..",
            "/workspace/events/%2e%2e",
            "/workspace/events/a/b",
            "/workspace/dashboard//",
            "/workspace/%00",
            "/workspace/settings",
            "/workspace/members",
            "/workspacex/dashboard",
            "/workspace//dashboard",
        ] {
            assert_eq!(EmbedRoute::parse(p), None, "{p:?}");
        }
    }
}
