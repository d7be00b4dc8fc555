//! `/events/{id}…`: one event, canceling it, and its deliveries (retry, cancel, attempts).

use super::{Api, Method, Reply};
use meshes_protocol::api::{Attempt, Event, Page, ResponseDetails, RuleEvent};

fn path(id: &str) -> String {
    format!("/api/v1/events/{id}")
}

/// What can be done to one delivery of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryAction {
    Retry,
    Cancel,
}

impl Api {
    /// One event; `with_payload` asks for the payload too (only where the role may see it).
    pub fn event(self, id: &str, with_payload: bool) -> Reply<Event> {
        let suffix = if with_payload { "/payload" } else { "" };
        self.get(format!("{}{suffix}", path(id)))
    }

    pub fn cancel_event(self, id: &str) -> Reply<Event> {
        self.write(Method::Post, format!("{}/cancel", path(id)), None)
    }

    pub fn delivery_action(
        self,
        event: &str,
        rule: &str,
        action: DeliveryAction,
    ) -> Reply<RuleEvent> {
        let verb = match action {
            DeliveryAction::Retry => "retry",
            DeliveryAction::Cancel => "cancel",
        };
        self.write(
            Method::Post,
            format!("{}/rules/{rule}/{verb}", path(event)),
            None,
        )
    }

    /// The newest attempts of one delivery.
    pub fn attempts(self, event: &str, rule: &str) -> Reply<Page<Attempt>> {
        self.get(format!("{}/rules/{rule}/attempts?limit=50", path(event)))
    }

    /// What the destination answered to one attempt (payload readers only).
    pub fn response_details(
        self,
        event: &str,
        rule: &str,
        attempt: &str,
    ) -> Reply<ResponseDetails> {
        self.get(format!(
            "{}/rules/{rule}/attempts/{attempt}/response-details",
            path(event)
        ))
    }
}
