//! One input of the chosen action: a picker over the connection's live items (lists,
//! channels…, with a nested value for advanced inputs), or a typed field.

use crate::error::AppError;
use crate::i18n::{tf, tr};
use crate::pages::kit::FormErrors;
use leptos::prelude::*;
use meshes_protocol::api::{ActionInput, FieldType, InputKind, LiveItem};
use serde_json::Value;
use std::collections::HashMap;

/// The live items under `key` in a connection's `actions` answer.
pub fn live_items(data: &Value, key: &str) -> Vec<LiveItem> {
    data.get(key)
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .unwrap_or_default()
}

#[component]
pub fn ActionInputField(
    input: ActionInput,
    live: LocalResource<Result<Value, AppError>>,
    inputs: RwSignal<HashMap<String, String>>,
    errors: FormErrors,
) -> impl IntoView {
    let set_input = move |k: String, v: String| {
        inputs.update(|m| {
            m.insert(k, v);
        })
    };
    let field = input.field().to_owned();
    let label = {
        let (name, required) = (input.label().to_owned(), input.is_required());
        move || {
            if required {
                tf("rules.input_required", &[("label", name.as_str())])
            } else {
                name.clone()
            }
        }
    };
    let dom_id = format!("rule-input-{field}");
    let err = {
        let f = format!("metadata.{field}");
        move || errors.of(&f)
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
                    <option value="">{tr("common.choose")}</option>
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
                        {tr("rules.input_value")}
                        <select
                            id="rule-input-value"
                            prop:value=move || {
                                inputs.with(|m| m.get("value").cloned().unwrap_or_default())
                            }
                            on:change=move |e| set_input("value".into(), event_target_value(&e))
                        >
                            <option value="">{tr("common.choose")}</option>
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
                    <p class="field-error">{move || errors.of("metadata.value")}</p>
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
}
