//! Delivery follow-up: where each event went, test events marked, new events without Apply,
//! and a dashboard whose numbers and failures lead to the events behind them.

use super::*;
use crate::common::{connection, ok, until, until_ms};
use meshes_protocol::api::{ConnectionState, DashboardMetrics, Destination, RecentFailure};

fn destination(
    id: &str,
    name: Option<&str>,
    state: ConnectionState,
    status: Status,
) -> Destination {
    Destination {
        connection: id.into(),
        connection_name: name.map(str::to_owned),
        connection_state: state,
        integration_type: "webhook".into(),
        status,
    }
}

#[wasm_bindgen_test]
async fn events_name_their_destinations_mark_tests_and_take_new_arrivals() {
    let mut e1 = event("e1", Status::Completed);
    e1.test = Some(true);
    e1.destinations = Some(vec![
        destination(
            "c1",
            Some("Order Webhook"),
            ConnectionState::Live,
            Status::Completed,
        ),
        destination("c9", None, ConnectionState::Hidden, Status::Completed),
    ]);
    let e2 = event("e2", Status::Completed);
    let (m, requests) = authed(
        "/workspace/events?connection=c1",
        Role::Member,
        vec![],
        vec![
            (
                "/connections?",
                vec![ok(&page_of(&[
                    connection("c2", "slack", "Team Slack"),
                    connection("c1", "webhook", "Order Webhook"),
                ]))],
            ),
            ("/event-types", vec![ok("[]")]),
            (
                "/events?",
                vec![
                    ok(&page_of(std::slice::from_ref(&e1))),
                    ok(&page_of(&[e2, e1.clone()])),
                ],
            ),
        ],
    )
    .await;
    until("the event row", || m.exists("tr[data-event-id='e1']")).await;
    let row = m.text("tr[data-event-id='e1']").unwrap();
    assert!(
        row.contains("Order Webhook") && row.contains("Webhook connection (hidden)"),
        "destinations by name, never by id: {row}"
    );
    assert!(!row.contains("c9"), "{row}");
    assert!(
        m.exists("tr[data-event-id='e1'] .badge-test"),
        "a test event says so"
    );
    until("the connection filter shows the URL's", || {
        m.exists("#filter-connection option[value='c2']")
            && m.el::<web_sys::HtmlSelectElement>("#filter-connection")
                .value()
                == "c1"
    })
    .await;
    let list = requests
        .lock()
        .unwrap()
        .iter()
        .find(|r| r.path.contains("/events?"))
        .unwrap()
        .path
        .clone();
    assert!(list.contains("connection=c1"), "{list}");
    // An event that arrives later goes on top without Apply, and is announced.
    until_ms("the new event", 15_000, || {
        m.exists("tr[data-event-id='e2']")
    })
    .await;
    assert_eq!(
        m.text("#events-arrived").unwrap().trim(),
        "1 new event arrived and is at the top."
    );
    let first = m.el::<web_sys::Element>("#events-table tbody tr");
    assert_eq!(first.get_attribute("data-event-id").as_deref(), Some("e2"));
    assert_eq!(
        m.all_text("tr[data-event-id='e1']").len(),
        1,
        "no row twice"
    );
}

fn failure(event_id: &str, connection: &str, error: &str) -> RecentFailure {
    RecentFailure {
        event_id: event_id.into(),
        event: "contact.created".into(),
        rule_event_id: format!("re_{event_id}"),
        connection: connection.into(),
        connection_name: "HubSpot Sales".into(),
        connection_state: None,
        integration_type: "hubspot".into(),
        last_error: Some(error.into()),
        failed_at: "2026-01-01T00:00:09Z".into(),
    }
}

#[wasm_bindgen_test]
async fn the_dashboard_leads_to_the_events_and_fixes_behind_it() {
    let mut metrics: DashboardMetrics = serde_json::from_str(include_str!(
        "../../crates/protocol/fixtures/dashboard.json"
    ))
    .unwrap();
    metrics.recent_failures = vec![
        failure("e3", "c1", "429 Too Many Requests"),
        failure("e2", "c1", "401 Unauthorized"),
        failure("e1", "c1", "429 Too Many Requests"),
    ];
    let (m, _) = authed(
        "/workspace/dashboard",
        Role::Admin,
        vec![],
        vec![("/dashboard", vec![ok(&json(&metrics))])],
    )
    .await;
    until("the details", || m.exists(".failures li")).await;
    let kpi = |id: &str| {
        m.el::<web_sys::Element>(&format!("#{id} a"))
            .get_attribute("href")
            .unwrap()
    };
    assert!(
        kpi("kpi-failed").contains("/workspace/events?")
            && kpi("kpi-failed").contains("status=failed")
            && kpi("kpi-failed").contains("since=2026-01-01"),
        "{}",
        kpi("kpi-failed")
    );
    assert!(
        !kpi("kpi-events").contains("status="),
        "{}",
        kpi("kpi-events")
    );
    assert!(!m.exists("#kpi-inflight a"));
    // One line per kind of failure, the repeated one counted, and all of them one link away.
    assert_eq!(m.all_text(".failures li").len(), 2);
    let first = m.text(".failures li").unwrap();
    assert!(
        first.contains("2 times") && first.contains("429 Too Many Requests"),
        "{first}"
    );
    assert!(
        m.exists(".failures li a[href*='/workspace/events/e3']"),
        "the newest of them"
    );
    assert!(m.exists("a[href*='status=failed']"));
    // The connection that needs attention gets its fix, named for it.
    let fix = m.text(".attention li[data-connection-id='c2'] a").unwrap();
    assert_eq!(fix, "Reconnect Salesforce Marketing");
    assert!(m.exists(".attention a[href*='/workspace/connections?'][href*='connection=c2']"));
    assert_eq!(m.text(".axis").unwrap(), "Jan 1Jan 2");
}
