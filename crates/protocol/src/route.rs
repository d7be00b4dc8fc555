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

/// The Events page's filters, as they live in the page URL (`?status=failed&event=deal.won`), so
/// a reload, a deep link or the path in `meshes:navigate` restores them. Parsing keeps only
/// known keys with well-formed values; everything else (including `session`) is dropped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventFilters {
    pub status: Option<String>,
    pub event: Option<String>,
    pub resource: Option<String>,
    pub resource_id: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
    /// Delivered to this connection (additive, decision 88).
    pub connection: Option<String>,
    /// 50 (default) or 100 per page.
    pub limit: Option<u32>,
}

pub const EVENT_PAGE_SIZES: [u32; 2] = [50, 100];

fn token_ok(v: &str, max: usize, extra: &[u8]) -> bool {
    (1..=max).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || extra.contains(&b))
}

/// Whether `v` is a well-formed value for filter `k` (all such values are URL-safe as is).
fn valid_filter(k: &str, v: &str) -> bool {
    match k {
        "status" => crate::api::Status::parse(v).is_some(),
        "event" => token_ok(v, 128, b"._"),
        "resource" | "resource_id" => token_ok(v, 64, b"._:-"),
        "since" | "until" => token_ok(v, 35, b"-:.TZ"),
        "connection" => is_id(v),
        "limit" => v.parse().is_ok_and(|n| EVENT_PAGE_SIZES.contains(&n)),
        _ => false,
    }
}

impl EventFilters {
    pub fn parse(search: &str) -> EventFilters {
        let mut f = EventFilters::default();
        for pair in search.trim_start_matches('?').split('&') {
            let Some((k, v)) = pair.split_once('=') else {
                continue;
            };
            // Only ':' may arrive encoded; any other escape means a value we never write.
            let v = v.replace("%3A", ":").replace("%3a", ":");
            if !valid_filter(k, &v) {
                continue;
            }
            let keep = Some(v.clone());
            match k {
                "status" => f.status = keep,
                "event" => f.event = keep,
                "resource" => f.resource = keep,
                "resource_id" => f.resource_id = keep,
                "since" => f.since = keep,
                "until" => f.until = keep,
                "connection" => f.connection = keep,
                _ => f.limit = v.parse().ok(),
            }
        }
        f
    }

    fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = vec![];
        let fields = [
            ("status", &self.status),
            ("event", &self.event),
            ("resource", &self.resource),
            ("resource_id", &self.resource_id),
            ("since", &self.since),
            ("until", &self.until),
            ("connection", &self.connection),
        ];
        for (k, v) in fields {
            if let Some(v) = v.as_ref().filter(|v| !v.is_empty()) {
                out.push((k, v.clone()));
            }
        }
        if let Some(l) = self.limit {
            out.push(("limit", l.to_string()));
        }
        out
    }

    /// `status=failed&event=deal.won` (no leading `?`; empty when unfiltered). Each value is
    /// checked again, so only well-formed values ever reach a URL.
    pub fn query(&self) -> String {
        self.pairs()
            .into_iter()
            .filter(|(k, v)| valid_filter(k, v))
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&")
    }

    pub fn is_empty(&self) -> bool {
        self.pairs().is_empty()
    }
}

#[cfg(test)]
mod filter_tests {
    use super::*;

    #[test]
    fn filters_round_trip_and_drop_everything_else() {
        let f = EventFilters::parse(
            "?session=sess_1&status=failed&event=deal.won&since=2026-11-01T00%3A00%3A00Z&limit=100&x=1",
        );
        assert_eq!(f.status.as_deref(), Some("failed"));
        assert_eq!(f.since.as_deref(), Some("2026-11-01T00:00:00Z"));
        assert_eq!(
            f.query(),
            "status=failed&event=deal.won&since=2026-11-01T00:00:00Z&limit=100"
        );
        let hostile = EventFilters::parse(
            "status=nope&event=<script>&resource=a b&resource_id=%2F%2Fevil&limit=5000",
        );
        assert!(hostile.is_empty(), "{hostile:?}");
        let forged = EventFilters {
            event: Some("a&session=x".into()),
            ..Default::default()
        };
        assert_eq!(forged.query(), "");
        assert!(EventFilters::parse(&forged.query()).is_empty());
    }
}
