//! The rule builder: event type and resource from the workspace catalogs, a connection, one of
//! its integration's actions, then that action's inputs — live items (lists, channels…) picked
//! from the connection, or typed values. Typed input survives failed saves and token renewals.

mod inputs;

use super::Catalogs;
use crate::api::use_api;
use crate::pages::kit::{FormActions, FormErrors, Mutation, authed_resource};
use crate::ui::ErrorState;
use inputs::{ActionInputField, live_items};
use leptos::prelude::*;
use meshes_protocol::api::{CreateRule, Rule};
use serde_json::{Map, Value};
use std::collections::HashMap;

#[component]
pub fn RuleForm(
    catalogs: Catalogs,
    on_created: Callback<Rule>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let session = api.session;
    let cats = StoredValue::new(catalogs);
    let event = RwSignal::new(String::new());
    let resource = RwSignal::new(String::new());
    let resource_id = RwSignal::new(String::new());
    let connection = RwSignal::new(String::new());
    let action = RwSignal::new(String::new());
    let inputs = RwSignal::new(HashMap::<String, String>::new());
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
    let field_err = move |param: &str| errors.of(param);
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
        let rule = CreateRule {
            workspace: session.ctx().workspace.id.clone(),
            connection: connection.get_untracked(),
            event: event.get_untracked(),
            metadata,
            resource: some(resource.get_untracked()),
            resource_id: some(resource_id.get_untracked()),
            active: None,
            hidden: None,
        };
        errors.clear();
        save.run_then(
            async move { api.create_rule(&rule).await },
            move |created| match created {
                Ok(created) => on_created.run(created.rule),
                Err(e) => errors.refused(e),
            },
        );
    };
    let options = |entries: Vec<meshes_protocol::api::CatalogEntry>| {
        entries.into_iter().map(|e| view! { <option value=e.key.clone()>{format!("{} ({})", e.label, e.key)}</option> }).collect_view()
    };
    let ctx = session.ctx();
    let locked = ctx.resource.clone().zip(ctx.resource_id.clone());
    view! {
        <form class="form panel" id="rule-form" on:submit=submit aria-label="New rule">
            <h2>"New rule"</h2>
            <label for="rule-event">"When this event arrives (required)"</label>
            <select
                id="rule-event"
                prop:value=event
                on:change=move |e| event.set(event_target_value(&e))
            >
                <option value="">"Choose an event type…"</option>
                {options(cats.with_value(|c| c.event_types.clone()))}
            </select>
            <p class="field-error">{move || field_err("event")}</p>
            {match locked {
                Some((r, id)) => {
                    view! {
                        <p class="help">
                            {format!("Only for {r} {id} (this view is limited to it).")}
                        </p>
                    }
                        .into_any()
                }
                None => {
                    view! {
                        <label for="rule-resource">"Only for this resource type (optional)"</label>
                        <select
                            id="rule-resource"
                            prop:value=resource
                            on:change=move |e| resource.set(event_target_value(&e))
                        >
                            <option value="">"Any resource"</option>
                            {options(cats.with_value(|c| c.resources.clone()))}
                        </select>
                        <label for="rule-resource-id">"Only for this resource id (optional)"</label>
                        <input
                            id="rule-resource-id"
                            bind:value=resource_id
                            placeholder="e.g. cnt_1001"
                        />
                        <p class="field-error">
                            {move || field_err("resource").or_else(|| field_err("resource_id"))}
                        </p>
                    }
                        .into_any()
                }
            }}
            <label for="rule-connection">"Send to connection (required)"</label>
            <select
                id="rule-connection"
                prop:value=connection
                on:change=move |e| {
                    connection.set(event_target_value(&e));
                    action.set(String::new());
                    inputs.set(HashMap::new());
                }
            >
                <option value="">"Choose a connection…"</option>
                {cats
                    .with_value(|c| c.connections.clone())
                    .into_iter()
                    .map(|c| {
                        let label = if c.active {
                            c.name.clone()
                        } else {
                            format!("{} (needs attention)", c.name)
                        };
                        view! { <option value=c.id.clone()>{label}</option> }
                    })
                    .collect_view()}
            </select>
            <p class="field-error">{move || field_err("connection")}</p>
            <Show when=move || kind.with(Option::is_some)>
                <label for="rule-action">"Action (required)"</label>
                <select
                    id="rule-action"
                    prop:value=action
                    on:change=move |e| {
                        action.set(event_target_value(&e));
                        inputs.set(HashMap::new());
                    }
                >
                    <option value="">"Choose an action…"</option>
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
                <p class="field-error">{move || field_err("metadata.action")}</p>
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
            <FormActions id="rule-save" label="Create rule" save errors on_cancel />
        </form>
    }
}
