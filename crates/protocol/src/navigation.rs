//! Where a host may send the embed (`meshes:navigate-to`): the same checks as a deep link, so a
//! message can open exactly the pages a launch URL could, and nothing else.

use crate::access::{SessionType, can_open};
use crate::message::NavigateRefusal;
use crate::route::{EmbedRoute, EventFilters};

/// The in-embed href for a host's `path`, or why it is refused. The path must be exactly one
/// of the embed's routes (no other case, no escapes, no fragment) on a page this session type
/// may open; only the Events page keeps a query, and only its well-formed filters.
pub fn host_target(path: &str, session_type: SessionType) -> Result<String, NavigateRefusal> {
    if path.contains('#') {
        return Err(NavigateRefusal::UnknownPath);
    }
    let (route_path, query) = path.split_once('?').unwrap_or((path, ""));
    let route = EmbedRoute::parse(route_path).ok_or(NavigateRefusal::UnknownPath)?;
    if !can_open(session_type, route.page()) {
        return Err(NavigateRefusal::NotAllowed);
    }
    let filters = match route {
        EmbedRoute::Events => EventFilters::parse(query).query(),
        _ => String::new(),
    };
    Ok(if filters.is_empty() {
        route.path()
    } else {
        format!("{}?{filters}", route.path())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use NavigateRefusal::*;
    use SessionType::*;

    #[test]
    fn opens_what_a_deep_link_could() {
        for (path, want) in [
            ("/workspace/rules", "/workspace/rules"),
            ("/workspace/rules/", "/workspace/rules"),
            (
                "/workspace/events?status=failed&event=deal.won",
                "/workspace/events?status=failed&event=deal.won",
            ),
            // Only the filters ride along: the session reference and junk do not.
            (
                "/workspace/events?session=evil&status=failed&launch=x&bogus=1",
                "/workspace/events?status=failed",
            ),
            ("/workspace/rules?status=failed", "/workspace/rules"),
            (
                "/workspace/connections/c-1/mappings",
                "/workspace/connections/c-1/mappings",
            ),
            ("/workspace/events/e-1", "/workspace/events/e-1"),
        ] {
            assert_eq!(host_target(path, Workspace), Ok(want.to_owned()), "{path}");
        }
    }

    #[test]
    fn refuses_other_paths_and_their_disguises() {
        for path in [
            "",
            "/",
            "/admin",
            "/Workspace/rules",
            "/workspace/RULES",
            "/workspace/%72ules",
            "/workspace%2Frules",
            "/workspace/events/%2e%2e",
            "/workspace/events/..",
            "/workspace/events/../../admin",
            "//evil.test/workspace/rules",
            "https://evil.test/workspace/rules",
            "javascript:alert(1)",
            "/workspace/rules#x",
            "/workspace/settings",
            " /workspace/rules",
        ] {
            assert_eq!(host_target(path, Workspace), Err(UnknownPath), "{path:?}");
        }
    }

    #[test]
    fn follows_the_session_types_page_policy() {
        assert_eq!(
            host_target("/workspace/connections", Resource),
            Err(NotAllowed)
        );
        assert_eq!(
            host_target("/workspace/connections/c-1/mappings", Resource),
            Err(NotAllowed)
        );
        assert_eq!(
            host_target("/workspace/events", Resource),
            Ok("/workspace/events".to_owned())
        );
        for path in [
            "/workspace/rules",
            "/workspace/events",
            "/workspace/events/e-1",
        ] {
            assert_eq!(host_target(path, Dashboard), Err(NotAllowed), "{path}");
        }
        assert_eq!(
            host_target("/workspace/dashboard", Dashboard),
            Ok("/workspace/dashboard".to_owned())
        );
    }
}
