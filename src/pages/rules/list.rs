//! The rules list: each rule's event, connection and action, its on/off switch, edit (under
//! its row), a test event, and delete.

use super::Catalogs;
use super::form::RuleForm;
use super::test_event;
use crate::api::use_api;
use crate::i18n::{t, tf, tr};
use crate::pages::kit::{Mutation, staged};
use crate::ui::{
    ConfirmButton, Notice, Table, Time, connection_label, integration_label, use_focus,
};
use leptos::prelude::*;
use meshes_protocol::access::Action;
use meshes_protocol::api::{ConnectionState, Rule, UpdateRule};

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
                {tr("rules.empty")}
            </p>
        }
        .into_any();
    }
    let items = RwSignal::new(rules);
    let rows = staged(items);
    let cats = StoredValue::new(cats);
    // The rule whose edit form is open (one at a time).
    let editing = RwSignal::new(None::<String>);
    view! {
        <Table
            id="rules-table"
            columns=&[
                "rules.col_event",
                "common.connection",
                "rules.col_action",
                "common.active",
                "common.created",
            ]
            actions="common.actions"
        >
            <For
                each=move || rows.get()
                key=|r| (r.id.clone(), r.active, r.updated_at.clone())
                let:r
            >
                <RuleRow r cats=cats.get_value() items fresh notice editing />
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
    editing: RwSignal<Option<String>>,
) -> impl IntoView {
    let api = use_api();
    let session = api.session;
    let can_write = session.permits(Action::Write).is_ok();
    let can_delete = session.permits(Action::Delete).is_ok();
    let testing = RwSignal::new(false);
    let change = Mutation::new(session).notices(notice);
    let conn = cats.connection(&r.connection).cloned();
    // A rule can't outlive its connection (deleting one deletes its rules), so one missing
    // from the full list is hidden from this session.
    let conn_name = match &conn {
        Some(c) => c.name.clone(),
        None => connection_label(
            None,
            cats.complete.then_some(ConnectionState::Hidden),
            &r.kind,
        ),
    };
    let inactive_conn = conn.as_ref().is_some_and(|c| !c.active);
    let filter = r.resource.clone().map(|res| {
        let id = r.resource_id.clone();
        move || match &id {
            Some(id) => tf(
                "rules.only_resource_id",
                &[("resource", res.as_str()), ("id", id.as_str())],
            ),
            None => tf("rules.only_resource", &[("resource", res.as_str())]),
        }
    });
    let rule = StoredValue::new(r.clone());
    let focus = use_focus();
    let edit_open =
        move || editing.with(|e| rule.with_value(|r| e.as_deref() == Some(r.id.as_str())));
    let on_saved = Callback::new(move |saved: Rule| {
        editing.set(None);
        fresh.set(Some(saved.id.clone()));
        notice.set(Some(Notice::Done(tf(
            "rules.saved_notice",
            &[("event", saved.event.as_str())],
        ))));
        items.update(|v| {
            if let Some(slot) = v.iter_mut().find(|x| x.id == saved.id) {
                *slot = saved;
            }
        });
    });
    let on_cancel = Callback::new(move |_| {
        editing.set(None);
        focus.later(rule.with_value(|r| format!("tr[data-rule-id='{}'] .edit-rule", r.id)));
    });
    let form_cats = StoredValue::new(cats.clone());
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
            Some(t("rules.deleted"))
        });
    };
    let event_name = r.event.clone();
    // Every row repeats its controls: their names say which rule they act on.
    let names = StoredValue::new((r.event.clone(), conn_name.clone()));
    let named = move |key: &'static str| {
        names.with_value(|(event, conn)| {
            tf(
                key,
                &[("event", event.as_str()), ("connection", conn.as_str())],
            )
        })
    };
    view! {
        <tr data-rule-id=r.id.clone() class:highlight=highlight>
            <td>
                <strong>{r.event.clone()}</strong>
                {filter.map(|f| view! { <p class="muted">{f}</p> })}
            </td>
            <td data-label=tr(
                "common.connection",
            )>
                {conn_name}<p class="muted">{integration_label(&r.kind).to_owned()}</p>
                {inactive_conn
                    .then(|| {
                        view! { <p class="error-text">{tr("rules.connection_attention")}</p> }
                    })}
            </td>
            <td data-label=tr("rules.col_action")>{cats.describe(&r)}</td>
            <td data-label=tr("common.active")>
                <label class="switch">
                    <input
                        type="checkbox"
                        role="switch"
                        class="rule-active"
                        prop:checked=active
                        disabled=move || !can_write || !change.ready()
                        on:change=toggle
                        aria-label=move || named("rules.switch_label")
                    />
                    {tr(if active { "rules.on" } else { "rules.off" })}
                </label>
            </td>
            <td data-label=tr("common.created")>
                <Time at=r.created_at.clone() />
            </td>
            <td class="actions">
                {can_write
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                class="btn edit-rule"
                                aria-label=move || named("rules.edit_label")
                                aria-expanded=move || edit_open().to_string()
                                disabled=move || !change.ready()
                                on:click=move |_| {
                                    editing.set(Some(rule.with_value(|r| r.id.clone())))
                                }
                            >
                                {tr("common.edit")}
                            </button>
                            <button
                                type="button"
                                class="btn test-rule"
                                aria-label=move || named("rules.test_label")
                                aria-expanded=move || testing.get().to_string()
                                on:click=move |_| testing.update(|t| *t = !*t)
                                disabled=move || !change.ready()
                            >
                                {tr("rules.send_test")}
                            </button>
                        }
                    })}
                {can_delete
                    .then(|| {
                        view! {
                            <ConfirmButton
                                label="common.delete"
                                what=named("rules.confirm_what")
                                class="btn btn-danger delete-rule"
                                question=move || {
                                    tf("rules.delete_question", &[("event", event_name.as_str())])
                                }
                                yes="rules.delete_yes"
                                enabled=Signal::derive(move || change.ready())
                                on_yes=Callback::new(delete)
                            />
                        }
                    })}
            </td>
        </tr>
        <Show when=edit_open>
            <tr class="row-panel edit-row">
                <td colspan="6">
                    <RuleForm
                        catalogs=form_cats.get_value()
                        existing=rule.get_value()
                        on_saved
                        on_cancel
                    />
                </td>
            </tr>
        </Show>
        <Show when=move || testing.get()>
            <tr class="row-panel">
                <td colspan="6">
                    <test_event::TestEvent rule=rule.get_value() />
                </td>
            </tr>
        </Show>
    }
}
