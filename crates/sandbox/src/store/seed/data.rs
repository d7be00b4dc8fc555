//! What the demo workspace holds: its connections (one of every kind), rules, event types and
//! the names events are about.

use super::*;

/// `inbox`: where the demo's webhook inbox is (`http://<provider origin>/inbox`).
pub(super) fn connections(inbox: &str) -> Vec<SeedConnection> {
    let c = |kind, name, reason, metadata, error| SeedConnection {
        kind,
        name,
        reason,
        hidden: false,
        metadata,
        secrets: json!({}),
        error,
    };
    vec![
        c(
            "hubspot",
            "HubSpot Sales",
            None,
            json!({}),
            "429 Too Many Requests: daily API limit reached",
        ),
        c(
            "salesforce",
            "Salesforce Marketing",
            Some("oauth_reauthorization_required"),
            json!({}),
            "OAuth authorization needs to be renewed (invalid_grant)",
        ),
        c(
            "slack",
            "Slack Alerts",
            None,
            json!({}),
            "channel_not_found: the channel was archived",
        ),
        c(
            "mailchimp",
            "Mailchimp Newsletter",
            None,
            json!({"data_center": "us21"}),
            "400 Bad Request: Member Exists",
        ),
        SeedConnection {
            secrets: json!({"signing_secret": crate::receiver::DEMO_SECRET}),
            ..c(
                "webhook",
                "Order Webhook",
                None,
                json!({"url": format!("{inbox}/{}", crate::receiver::DEMO_INBOX), "http_method": "POST",
                       "payload_mode": "wrapped", "auth_scheme": "none",
                       "signing_algorithm": "hmac_sha256", "signing_header": "X-Meshes-Signature"}),
                "HTTP 503 Service Unavailable from 127.0.0.1",
            )
        },
        c(
            "resend",
            "Resend Transactional",
            Some("authentication_invalid"),
            json!({}),
            "401 Unauthorized: API key is invalid",
        ),
        c(
            "intercom",
            "Intercom Support",
            None,
            json!({}),
            "Timed out after 30 s waiting for Intercom",
        ),
        SeedConnection {
            hidden: true,
            secrets: json!({"bearer_token": "demo-audit-token"}),
            ..c(
                "webhook",
                "Internal Audit Webhook",
                None,
                json!({"url": "https://audit.acme.example/in", "http_method": "POST", "payload_mode": "raw", "auth_scheme": "bearer"}),
                "HTTP 500 from https://audit.acme.example/in",
            )
        },
    ]
}

/// (event, connection index, action metadata, resource filter)
pub(super) fn rules() -> Vec<(&'static str, usize, serde_json::Value, Option<&'static str>)> {
    vec![
        (
            "contact.created",
            0,
            json!({"action": "add_to_list", "id": "42", "name": "New leads"}),
            Some("contact"),
        ),
        (
            "contact.created",
            3,
            json!({"action": "add_to_list", "id": "a1b2c3d4", "name": "Newsletter"}),
            None,
        ),
        (
            "deal.won",
            2,
            json!({"action": "send_message", "id": "C024BE91L", "name": "#sales-wins",
                               "template": "Deal {{name}} won: {{amount}}"}),
            None,
        ),
        (
            "deal.won",
            0,
            json!({"action": "update_property", "id": "lifecyclestage", "value": "customer"}),
            None,
        ),
        ("invoice.paid", 4, json!({"action": "send_webhook"}), None),
        (
            "user.signup",
            5,
            json!({"action": "send_email_template", "id": "tmpl_welcome", "name": "Welcome"}),
            None,
        ),
        (
            "contact.updated",
            1,
            json!({"action": "update_property", "id": "LeadSource", "value": "Web"}),
            Some("contact"),
        ),
        (
            "ticket.created",
            6,
            json!({"action": "add_tag", "id": "8812", "name": "vip"}),
            None,
        ),
        ("invoice.paid", 7, json!({"action": "send_webhook"}), None),
    ]
}

pub(super) const EVENTS: [(&str, &str, &str); 7] = [
    ("contact.created", "contact", "cnt"),
    ("contact.updated", "contact", "cnt"),
    ("deal.won", "deal", "deal"),
    ("invoice.paid", "invoice", "inv"),
    ("user.signup", "user", "usr"),
    ("ticket.created", "ticket", "tkt"),
    ("page.viewed", "user", "usr"),
];

pub(super) const NAMES: [&str; 8] = [
    "Ada Lovelace",
    "Grace Hopper",
    "Alan Turing",
    "Edsger Dijkstra",
    "Barbara Liskov",
    "Ken Thompson",
    "Margaret Hamilton",
    "Donald Knuth",
];
