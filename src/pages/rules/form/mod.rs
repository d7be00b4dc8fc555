//! The rule builder: event type and resource from the workspace catalogs, a connection, one of
//! its integration's actions, then that action's inputs — live items (lists, channels…) picked
//! from the connection, or typed values. Typed input survives failed saves and token renewals.
//! With `existing` it edits that rule in place (decision 87): everything but its connection.

mod inputs;
mod start;

use super::Catalogs;
use crate::api::use_api;
use crate::error::AppError;
use crate::i18n::{tf, tr};
use crate::pages::kit::{FieldError, FormActions, FormErrors, Mutation, authed_resource};
use crate::ui::{ErrorState, use_focus};
use inputs::{ActionInputField, live_items};
use leptos::prelude::*;
use meshes_protocol::api::{CreateRule, EditRule, Rule};
use serde_json::{Map, Value};
use start::Start;
use std::collections::HashMap;

#[component]
pub fn RuleForm(
    catalogs: Catalogs,
    /// The rule to edit; a new one without.
    #[prop(optional)]
    existing: Option<Rule>,
    on_saved: Callback<Rule>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let session = api.session;
    let cats = StoredValue::new(catalogs);
    let start = Start::from(existing.clone());
    let event = RwSignal::new(start.event);
    let resource = RwSignal::new(start.resource);
    let resource_id = RwSignal::new(start.resource_id);
    let connection = RwSignal::new(start.connection);
    let action = RwSignal::new(start.action);
    let inputs = RwSignal::new(start.inputs);
    let editing = StoredValue::new(existing.map(|r| r.id));
    let is_edit = editing.with_value(Option::is_some);
    let errors = FormErrors::default();
    let save = Mutation::new(session);
    let kind = Memo::new(move |_| {
        let id = connection.get();
        cats.with_value(|c| c.connection(&id).map(|c| c.kind.clone()))
    });
    let actions = Memo::new(move |_| {
        let kind = kind.get().unwrap_or_default();
        cats.with_value(|c| {
            c.integrations
                .get(&kind)
                .map(|i| i.actions.values().cloned().collect::<Vec<_>>())
                .unwrap_or_default()
        })
    });
    let chosen = Memo::new(move |_| {
        let a = action.get();
        actions.with(|all| all.iter().find(|x| x.key == a).cloned())
    });
    // Live items for the chosen connection (lists, channels…); reloaded when it changes.
    let live = authed_resource(move |api| {
        let id = connection.get();
        async move {
            if id.is_empty() {
                return Ok(Value::Null);
            }
            api.actions(&id).await
        }
    });
    let focus = use_focus();
    Effect::new(move |_| {
        if let Some(form) = errors.form().get() {
            focus.form_opened(form.into());
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut metadata = Map::new();
        metadata.insert("action".into(), Value::String(action.get_untracked()));
        for (k, v) in inputs.get_untracked() {
            if !v.trim().is_empty() {
                metadata.insert(k, Value::String(v.trim().to_owned()));
            }
        }
        // Keep the picked item's name next to its id, so lists read well later.
        if let (Some(a), Some(data)) = (
            chosen.get_untracked(),
            live.get_untracked().and_then(Result::ok),
        ) {
            for input in &a.data {
                if let (Some(key), Some(id)) = (
                    input.data_key(),
                    metadata.get(input.field()).and_then(Value::as_str),
                ) && let Some(item) = live_items(&data, key).into_iter().find(|i| i.id == id)
                {
                    metadata.entry("name").or_insert(Value::String(item.name));
                }
            }
        }
        let some = |s: String| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        // A resource session's rules stay pinned to its resource (the API checks too).
        let ctx = session.ctx();
        let (resource, resource_id) = match ctx.resource.clone().zip(ctx.resource_id.clone()) {
            Some((r, i)) => (Some(r), Some(i)),
            None => (
                some(resource.get_untracked()),
                some(resource_id.get_untracked()),
            ),
        };
        errors.clear();
        let done = move |saved: Result<Rule, AppError>| match saved {
            Ok(rule) => on_saved.run(rule),
            Err(e) => errors.refused(e),
        };
        match editing.get_value() {
            Some(id) => {
                let edit = EditRule {
                    event: event.get_untracked(),
                    metadata,
                    resource,
                    resource_id,
                };
                save.run_then(async move { api.edit_rule(&id, &edit).await }, done);
            }
            None => {
                let rule = CreateRule {
                    workspace: ctx.workspace.id.clone(),
                    connection: connection.get_untracked(),
                    event: event.get_untracked(),
                    metadata,
                    resource,
                    resource_id,
                    active: None,
                    hidden: None,
                };
                save.run_then(
                    async move { api.create_rule(&rule).await.map(|c| c.rule) },
                    done,
                );
            }
        }
    };
    let options = |entries: Vec<meshes_protocol::api::CatalogEntry>| {
        entries.into_iter().map(|e| view! { <option value=e.key.clone()>{format!("{} ({})", e.label, e.key)}</option> }).collect_view()
    };
    let ctx = session.ctx();
    let locked = ctx.resource.clone().zip(ctx.resource_id.clone());
    view! {
        <form
            class="form panel"
            id="rule-form"
            node_ref=errors.form()
            on:submit=submit
            on:keydown=move |e| {
                if e.key() == "Escape" {
                    e.prevent_default();
                    on_cancel.run(());
                }
            }
            aria-label=tr(if is_edit { "rules.edit" } else { "rules.new" })
        >
            <h2>{tr(if is_edit { "rules.edit" } else { "rules.new" })}</h2>
            <label for="rule-event">{tr("rules.field_event")}</label>
            <select
                id="rule-event"
                prop:value=event
                on:change=move |e| event.set(event_target_value(&e))
                aria-invalid=move || errors.invalid("event")
                aria-describedby="rule-event-error"
            >
                <option value="">{tr("rules.choose_event")}</option>
                {options(cats.with_value(|c| c.event_types.clone()))}
            </select>
            <FieldError errors param="event" id="rule-event-error".to_owned() />
            {match locked {
                Some((r, id)) => {
                    view! {
                        <p class="help">
                            {move || {
                                tf(
                                    "rules.locked_to",
                                    &[("resource", r.as_str()), ("id", id.as_str())],
                                )
                            }}
                        </p>
                    }
                        .into_any()
                }
                None => {
                    view! {
                        <label for="rule-resource">{tr("rules.field_resource")}</label>
                        <select
                            id="rule-resource"
                            prop:value=resource
                            on:change=move |e| resource.set(event_target_value(&e))
                            aria-invalid=move || errors.invalid("resource")
                            aria-describedby="rule-resource-error"
                        >
                            <option value="">{tr("rules.any_resource")}</option>
                            {options(cats.with_value(|c| c.resources.clone()))}
                        </select>
                        <label for="rule-resource-id">{tr("rules.field_resource_id")}</label>
                        <input
                            id="rule-resource-id"
                            bind:value=resource_id
                            placeholder=tr("rules.resource_id_placeholder")
                            aria-invalid=move || errors.invalid("resource_id")
                            aria-describedby="rule-resource-id-error"
                        />
                        <FieldError errors param="resource" id="rule-resource-error".to_owned() />
                        <FieldError
                            errors
                            param="resource_id"
                            id="rule-resource-id-error".to_owned()
                        />
                    }
                        .into_any()
                }
            }}
            <label for="rule-connection">{tr("rules.field_connection")}</label>
            <select
                id="rule-connection"
                disabled=is_edit
                prop:value=connection
                on:change=move |e| {
                    connection.set(event_target_value(&e));
                    action.set(String::new());
                    inputs.set(HashMap::new());
                }
                aria-invalid=move || errors.invalid("connection")
                aria-describedby="rule-connection-error"
            >
                <option value="">{tr("rules.choose_connection")}</option>
                {cats
                    .with_value(|c| c.connections.clone())
                    .into_iter()
                    .map(|c| {
                        let (name, active) = (c.name.clone(), c.active);
                        let label = move || {
                            if active {
                                name.clone()
                            } else {
                                tf("rules.needs_attention", &[("name", name.as_str())])
                            }
                        };
                        view! { <option value=c.id.clone()>{label}</option> }
                    })
                    .collect_view()}
            </select>
            <FieldError errors param="connection" id="rule-connection-error".to_owned() />
            <Show when=move || kind.with(Option::is_some)>
                <label for="rule-action">{tr("rules.field_action")}</label>
                <select
                    id="rule-action"
                    prop:value=action
                    on:change=move |e| {
                        action.set(event_target_value(&e));
                        inputs.set(HashMap::new());
                    }
                    aria-invalid=move || errors.invalid("metadata.action")
                    aria-describedby="rule-action-error"
                >
                    <option value="">{tr("rules.choose_action")}</option>
                    {move || {
                        actions
                            .get()
                            .into_iter()
                            .map(|a| {
                                view! { <option value=a.key.clone()>{a.label.clone()}</option> }
                            })
                            .collect_view()
                    }}
                </select>
                <FieldError errors param="metadata.action" id="rule-action-error".to_owned() />
            </Show>
            {move || {
                chosen
                    .get()
                    .map(|a| {
                        a.data
                            .into_iter()
                            .map(|input| view! { <ActionInputField input live inputs errors /> })
                            .collect_view()
                    })
            }}
            {move || live.get().and_then(Result::err).map(|err| view! { <ErrorState err /> })}
            <FormActions
                id="rule-save"
                label=if is_edit { "rules.save" } else { "rules.create" }
                save
                errors
                on_cancel
            />
        </form>
    }
}
