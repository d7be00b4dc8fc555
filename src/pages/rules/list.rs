//! The rules list: each rule's event, connection and action, its on/off switch, a test event,
//! and delete.

use super::Catalogs;
use super::test_event;
use crate::api::use_api;
use crate::pages::kit::{Mutation, staged};
use crate::ui::{ConfirmButton, Notice, Table, Time, integration_label};
use leptos::prelude::*;
use meshes_protocol::access::Action;
use meshes_protocol::api::{Rule, UpdateRule};

#[component]
pub fn RuleList(
    rules: Vec<Rule>,
    cats: Catalogs,
    fresh: RwSignal<Option<String>>,
    notice: RwSignal<Option<Notice>>,
) -> impl IntoView {
    if rules.is_empty() {
        return view! {
            <p class="empty" id="rules-empty">
                "No rules yet. Create one to send an event type to a connection — for example, new contacts to a HubSpot list."
            </p>
        }.into_any();
    }
    let items = RwSignal::new(rules);
    let rows = staged(items);
    let cats = StoredValue::new(cats);
    view! {
        <Table
            id="rules-table"
            columns=&["Event", "Connection", "Action", "Active", "Created"]
            actions="Actions"
        >
            <For each=move || rows.get() key=|r| (r.id.clone(), r.active) let:r>
                <RuleRow r cats=cats.get_value() items fresh notice />
            </For>
        </Table>
    }
    .into_any()
}

#[component]
fn RuleRow(
    r: Rule,
    cats: Catalogs,
    items: RwSignal<Vec<Rule>>,
    fresh: RwSignal<Option<String>>,
    notice: RwSignal<Option<Notice>>,
) -> impl IntoView {
    let api = use_api();
    let session = api.session;
    let can_write = session.permits(Action::Write).is_ok();
    let can_delete = session.permits(Action::Delete).is_ok();
    let testing = RwSignal::new(false);
    let change = Mutation::new(session).notices(notice);
    let conn = cats.connection(&r.connection).cloned();
    let conn_name = conn
        .as_ref()
        .map_or(r.connection.clone(), |c| c.name.clone());
    let inactive_conn = conn.as_ref().is_some_and(|c| !c.active);
    let filter = match (&r.resource, &r.resource_id) {
        (Some(res), Some(id)) => Some(format!("only {res} {id}")),
        (Some(res), None) => Some(format!("only {res} events")),
        _ => None,
    };
    let rule = StoredValue::new(r.clone());
    let highlight = move || {
        let fresh = fresh.get();
        rule.with_value(|r| fresh.as_deref() == Some(r.id.as_str()))
    };
    let active = r.active;
    let toggle = move |_| {
        let id = rule.with_value(|r| r.id.clone());
        change.run(
            async move { api.update_rule(&id, &UpdateRule { active: !active }).await },
            move |updated| {
                items.update(|v| {
                    if let Some(slot) = v.iter_mut().find(|x| x.id == updated.id) {
                        *slot = updated;
                    }
                });
                None
            },
        );
    };
    let delete = move |_| {
        let id = rule.with_value(|r| r.id.clone());
        let gone = id.clone();
        change.run(async move { api.delete_rule(&id).await }, move |_| {
            items.update(|v| v.retain(|x| x.id != gone));
            Some("Rule deleted.".into())
        });
    };
    let event_name = r.event.clone();
    view! {
        <tr data-rule-id=r.id.clone() class:highlight=highlight>
            <td>
                <strong>{r.event.clone()}</strong>
                {filter.map(|f| view! { <p class="muted">{f}</p> })}
            </td>
            <td>
                {conn_name}<p class="muted">{integration_label(&r.kind).to_owned()}</p>
                {inactive_conn
                    .then(|| {
                        view! {
                            <p class="error-text">
                                "Connection needs attention: deliveries fail until it is fixed."
                            </p>
                        }
                    })}
            </td>
            <td>{cats.describe(&r)}</td>
            <td>
                <label class="switch">
                    <input
                        type="checkbox"
                        role="switch"
                        class="rule-active"
                        prop:checked=active
                        disabled=move || !can_write || !change.ready()
                        on:change=toggle
                        aria-label=format!("Rule for {} active", r.event)
                    />
                    {if active { "On" } else { "Off" }}
                </label>
            </td>
            <td>
                <Time at=r.created_at.clone() />
            </td>
            <td class="actions">
                {can_write
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                class="btn test-rule"
                                on:click=move |_| testing.update(|t| *t = !*t)
                                disabled=move || !change.ready()
                            >
                                "Send test event"
                            </button>
                        }
                    })}
                {can_delete
                    .then(|| {
                        view! {
                            <ConfirmButton
                                label="Delete"
                                class="btn btn-danger delete-rule"
                                question=format!(
                                    "Delete this {event_name} rule? Delivered events keep their history.",
                                )
                                yes="Delete rule"
                                enabled=Signal::derive(move || change.ready())
                                on_yes=Callback::new(delete)
                            />
                        }
                    })}
            </td>
        </tr>
        <Show when=move || testing.get()>
            <tr>
                <td colspan="6">
                    <test_event::TestEvent rule=rule.get_value() />
                </td>
            </tr>
        </Show>
    }
}
