//! `/rules…`: create, edit, pause or resume, delete, and the test event.

use super::{Api, Method, Reply, body};
use meshes_protocol::api::{
    CreateRule, EditRule, EventCreated, Rule, RuleCreated, RuleDeleted, TestEvent, UpdateRule,
};

fn path(id: &str) -> String {
    format!("/api/v1/rules/{id}")
}

impl Api {
    pub fn create_rule(self, r: &CreateRule) -> Reply<RuleCreated> {
        self.write(Method::Post, "/api/v1/rules".to_owned(), body(r))
    }

    pub fn update_rule(self, id: &str, u: &UpdateRule) -> Reply<Rule> {
        self.write(Method::Patch, path(id), body(u))
    }

    pub fn edit_rule(self, id: &str, e: &EditRule) -> Reply<Rule> {
        self.write(Method::Patch, path(id), body(e))
    }

    pub fn delete_rule(self, id: &str) -> Reply<RuleDeleted> {
        self.write(Method::Delete, path(id), None)
    }

    /// Sends one event through this rule only.
    pub fn test_rule(self, id: &str, t: &TestEvent) -> Reply<EventCreated> {
        self.write(Method::Post, format!("{}/test", path(id)), body(t))
    }
}
