//! What each route should answer each kind of caller: the gate in front of it, and the
//! outcome a session cell expects from that gate.

use super::*;

pub(super) fn gate(method: &str, path: &str) -> Option<Gate> {
    use Action::*;
    use EmbedPage::*;
    use Gate::*;
    Some(match (method, path) {
        ("GET" | "POST", "/workspaces") => Management,
        ("GET", "/workspaces/{id}") => Any,
        ("GET", "/workspaces/{id}/connections") => ConnectionsOrRules,
        ("GET", "/workspaces/{id}/dashboard") => Page(Dashboard, Read),
        ("GET", "/workspaces/{id}/events") => Page(Events, Read),
        ("GET", "/workspaces/{id}/rules") => Page(Rules, Read),
        ("GET", "/workspaces/{id}/event-types" | "/workspaces/{id}/resources") => Any,
        ("GET", "/integrations") => Any,
        ("POST", "/connections") | ("PUT", "/connections/{id}") => Page(Connections, Write),
        ("GET", "/connections/{id}") => Page(Connections, Read),
        ("DELETE", "/connections/{id}") => Page(Connections, Delete),
        ("GET", "/connections/{id}/actions") => Page(Rules, Read),
        ("GET", "/connections/{id}/fields" | "/connections/{id}/mappings/default") => {
            Page(ConnectionMappings, Read)
        }
        ("PUT", "/connections/{id}/mappings/default") => Page(ConnectionMappings, Write),
        ("POST", "/rules" | "/rules/{id}/test") | ("PATCH", "/rules/{id}") => Page(Rules, Write),
        ("GET", "/rules/{id}") => Page(Rules, Read),
        ("DELETE", "/rules/{id}") => Page(Rules, Delete),
        (
            "POST",
            "/events/{id}/cancel"
            | "/events/{id}/rules/{rule_id}/retry"
            | "/events/{id}/rules/{rule_id}/cancel",
        ) => Page(EventDetail, Write),
        (
            "GET",
            "/events/{id}"
            | "/events/{id}/rules/{rule_id}/attempts"
            | "/events/{id}/rules/{rule_id}/attempts/{attempt_id}",
        ) => Page(EventDetail, Read),
        ("GET", "/events/{id}/rules/{rule_id}/attempts/{attempt_id}/response-details") => Payload,
        ("POST", "/events" | "/events/bulk") => Page(Events, Write),
        ("GET", "/events/{id}/payload") => Payload,
        ("GET", "/sessions") | ("POST", "/sessions" | "/sessions/{id}/refresh") => Management,
        ("DELETE", "/sessions/{id}") => Management,
        ("POST", "/embed/launch") => Public(401),
        ("GET", "/embed/session") => Any,
        ("POST", "/embed/oauth/attempts") => Page(Connections, Write),
        ("GET", "/embed/oauth/attempts/{id}") => OthersAttempt(Read),
        ("POST", "/embed/oauth/attempts/{id}/cancel") => OthersAttempt(Write),
        _ => return None,
    })
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Want {
    /// Past authorization: any answer but 401, 403 and 404 (a 409 or 425 is the resource's own).
    Allowed,
    Status(u16),
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Cell {
    pub(super) st: SessionType,
    pub(super) role: Role,
    pub(super) scope: bool,
}

pub(super) fn want(g: Gate, c: Cell) -> Want {
    let page_ok = |p, a| can_open(c.st, p) && can_perform(c.st, c.role, a);
    match g {
        Gate::Management => Want::Status(401),
        Gate::Public(s) => Want::Status(s),
        Gate::Any => Want::Allowed,
        Gate::Page(p, a) if page_ok(p, a) => Want::Allowed,
        Gate::Page(..) => Want::Status(403),
        Gate::ConnectionsOrRules if c.st != SessionType::Dashboard => Want::Allowed,
        Gate::ConnectionsOrRules => Want::Status(403),
        Gate::Payload if !can_open(c.st, EmbedPage::EventDetail) => Want::Status(403),
        Gate::Payload if c.role >= Role::Admin && c.scope => Want::Allowed,
        Gate::Payload => Want::Status(403),
        Gate::OthersAttempt(a) if page_ok(EmbedPage::Connections, a) => Want::Status(404),
        Gate::OthersAttempt(_) => Want::Status(403),
    }
}
