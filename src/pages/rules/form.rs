//! The rule builder: event type and resource from the workspace catalogs, a connection, one of
//! its integration's actions, then that action's inputs — live items (lists, channels…) picked
//! from the connection, or typed values. Typed input survives failed saves and token renewals.

use super::Catalogs;
use crate::api::{Api, Method};
use crate::error::AppError;
use crate::pages::authed_resource;
use crate::ui::{ErrorState, param_error};
use leptos::prelude::*;
use meshes_protocol::api::{ActionInput, FieldType, InputKind, LiveItem, Rule, RuleCreated};
use serde_json::{Map, Value};
use std::collections::HashMap;

fn live_items(data: &Value, key: &str) -> Vec<LiveItem> {
    data.get(key)
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .unwrap_or_default()
}

#[component]
pub fn RuleForm(
    catalogs: Catalogs,
    on_created: Callback<Rule>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let api = expect_context::<Api>();
    let session = api.session.clone();
    let cats = StoredValue::new(catalogs);
    let event = RwSignal::new(String::new());
    let resource = RwSignal::new(String::new());
    let resource_id = RwSignal::new(String::new());
    let connection = RwSignal::new(String::new());
    let action = RwSignal::new(String::new());
    let inputs = RwSignal::new(HashMap::<String, String>::new());
    let error = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
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
            api.get::<Value>(format!("/api/v1/connections/{id}/actions"))
                .await
        }
    });
    let field_err = move |param: &str| error.with(|e| param_error(e, param));
    let set_input = move |k: String, v: String| {
        inputs.update(|m| {
            m.insert(k, v);
        })
    };
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
        let mut body = serde_json::json!({
            "workspace": api.session.ctx.workspace.id, "connection": connection.get_untracked(),
            "event": event.get_untracked(), "metadata": metadata,
        });
        if let Some(r) = some(resource.get_untracked()) {
            body["resource"] = r.into();
        }
        if let Some(r) = some(resource_id.get_untracked()) {
            body["resource_id"] = r.into();
        }
        let api = api.clone();
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api
                .write::<RuleCreated>(Method::Post, "/api/v1/rules", Some(body))
                .await
            {
                Ok(created) => {
                    error.set(None);
                    on_created.run(created.rule);
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let input_view = move |input: ActionInput| {
        let field = input.field().to_owned();
        let label = format!(
            "{}{}",
            input.label(),
            if input.is_required() {
                " (required)"
            } else {
                ""
            }
        );
        let dom_id = format!("rule-input-{field}");
        let err = {
            let f = format!("metadata.{field}");
            move || field_err(&f)
        };
        let value = {
            let f = field.clone();
            move || inputs.with(|m| m.get(&f).cloned().unwrap_or_default())
        };
        let control = match input.kind {
            InputKind::Simple | InputKind::Advanced => {
                let (key, f) = (input.key.clone(), field.clone());
                let options = move || {
                    live.get()
                        .and_then(Result::ok)
                        .map(|d| live_items(&d, &key))
                        .unwrap_or_default()
                };
                let opts = options.clone();
                let picker = view! {
                    <select
                        id=dom_id.clone()
                        prop:value=value
                        on:change=move |e| set_input(f.clone(), event_target_value(&e))
                    >
                        <option value="">"Choose…"</option>
                        {move || {
                            opts()
                                .into_iter()
                                .map(|i| view! { <option value=i.id>{i.name}</option> })
                                .collect_view()
                        }}
                    </select>
                };
                let nested = (input.kind == InputKind::Advanced).then(|| {
                    let f = field.clone();
                    view! {
                        <label>
                            "Value"
                            <select
                                id="rule-input-value"
                                prop:value=move || {
                                    inputs.with(|m| m.get("value").cloned().unwrap_or_default())
                                }
                                on:change=move |e| set_input("value".into(), event_target_value(&e))
                            >
                                <option value="">"Choose…"</option>
                                {move || {
                                    let picked = inputs
                                        .with(|m| m.get(&f).cloned().unwrap_or_default());
                                    options()
                                        .into_iter()
                                        .find(|i| i.id == picked)
                                        .map(|i| i.options)
                                        .unwrap_or_default()
                                        .into_iter()
                                        .map(|o| view! { <option value=o.id>{o.name}</option> })
                                        .collect_view()
                                }}
                            </select>
                        </label>
                        <p class="field-error">{move || field_err("metadata.value")}</p>
                    }
                });
                view! {
                    {picker}
                    {nested}
                }
                .into_any()
            }
            InputKind::Field => {
                let f = field.clone();
                let ph = input.placeholder.clone().unwrap_or_default();
                if input.input_type == Some(FieldType::Textarea) {
                    view! {
                        <textarea
                            id=dom_id.clone()
                            placeholder=ph
                            prop:value=value
                            on:input=move |e| set_input(f.clone(), event_target_value(&e))
                        ></textarea>
                    }
                    .into_any()
                } else {
                    view! {
                        <input
                            id=dom_id.clone()
                            placeholder=ph
                            prop:value=value
                            on:input=move |e| set_input(f.clone(), event_target_value(&e))
                        />
                    }
                    .into_any()
                }
            }
        };
        view! {
            <label for=dom_id.clone()>{label}</label>
            {control}
            <p class="field-error">{err}</p>
        }
    };
    let options = |entries: Vec<meshes_protocol::api::CatalogEntry>| {
        entries.into_iter().map(|e| view! { <option value=e.key.clone()>{format!("{} ({})", e.label, e.key)}</option> }).collect_view()
    };
    let locked = session
        .ctx
        .resource
        .clone()
        .zip(session.ctx.resource_id.clone());
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
            {move || chosen.get().map(|a| a.data.into_iter().map(input_view).collect_view())}
            {move || live.get().and_then(Result::err).map(|err| view! { <ErrorState err /> })}
            {move || error.get().map(|err| view! { <ErrorState err /> })}
            <div class="form-actions">
                <button
                    type="submit"
                    class="btn btn-primary"
                    id="rule-save"
                    disabled=move || busy.get() || !session.can_write()
                >
                    {move || if busy.get() { "Saving…" } else { "Create rule" }}
                </button>
                <button type="button" class="btn" on:click=move |_| on_cancel.run(())>
                    "Cancel"
                </button>
            </div>
        </form>
    }
}
