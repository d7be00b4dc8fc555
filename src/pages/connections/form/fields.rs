//! The form's inputs: one per `authentication.fields` entry (shown only while its `dependsOn`
//! holds), and the webhook's custom headers.

use crate::i18n::{number, t, tf, tr};
use crate::pages::kit::{FieldError, FormErrors};
use leptos::prelude::*;
use meshes_protocol::api::{AuthField, FieldType, Integration, MAX_CUSTOM_HEADERS};
use std::collections::HashMap;

/// What a field holds for `dependsOn`: the typed value, else the catalog's default.
pub fn value_or_default(
    values: &HashMap<String, String>,
    i: &Integration,
    k: &str,
) -> Option<String> {
    values
        .get(k)
        .filter(|v| !v.is_empty())
        .cloned()
        .or_else(|| {
            i.authentication
                .fields
                .iter()
                .find(|f| f.key == k)
                .and_then(|f| f.default_value.clone())
        })
}

#[component]
pub fn AuthFieldInput(
    f: AuthField,
    values: RwSignal<HashMap<String, String>>,
    integration: Memo<Option<Integration>>,
    errors: FormErrors,
    /// Editing a secret that is stored: blank keeps it.
    saved_secret: bool,
) -> impl IntoView {
    let f = StoredValue::new(f);
    let applies = move || {
        let values = values.read();
        integration.with(|i| {
            i.as_ref()
                .is_none_or(|i| f.with_value(|f| f.applies(|k| value_or_default(&values, i, k))))
        })
    };
    move || applies().then(|| f.with_value(|f| control(f.clone(), values, errors, saved_secret)))
}

fn control(
    f: AuthField,
    values: RwSignal<HashMap<String, String>>,
    errors: FormErrors,
    saved_secret: bool,
) -> impl IntoView {
    let key = StoredValue::new(f.key.clone());
    let dom_id = format!("conn-field-{}", f.key);
    let default = f.default_value.clone().unwrap_or_default();
    let val = move || {
        values
            .with(|m| key.with_value(|k| m.get(k).cloned()))
            .unwrap_or_else(|| default.clone())
    };
    let set = move |e: leptos::ev::Event| {
        values.update(|m| {
            m.insert(key.get_value(), event_target_value(&e));
        })
    };
    let label = {
        let text = f.label.clone();
        let required = f.is_required();
        move || {
            if required {
                tf("connections.field_required", &[("label", text.as_str())])
            } else {
                text.clone()
            }
        }
    };
    let param = StoredValue::new(format!("metadata.{}", f.key));
    let invalid = move || param.with_value(|p| errors.invalid(p));
    let err_id = format!("{dom_id}-error");
    let input = match f.kind {
        FieldType::Select => view! {
            <select
                id=dom_id.clone()
                prop:value=val
                on:change=set
                aria-invalid=invalid
                aria-describedby=err_id.clone()
            >
                {f
                    .options
                    .clone()
                    .unwrap_or_default()
                    .into_iter()
                    .map(|o| view! { <option value=o.value>{o.label}</option> })
                    .collect_view()}
            </select>
        }
        .into_any(),
        FieldType::Textarea => view! {
            <textarea
                id=dom_id.clone()
                prop:value=val
                on:input=set
                aria-invalid=invalid
                aria-describedby=err_id.clone()
            ></textarea>
        }
        .into_any(),
        _ => {
            let ty = if f.is_secret() {
                "password"
            } else if f.validate.as_deref() == Some("url") {
                "url"
            } else {
                "text"
            };
            let ph = move || {
                if saved_secret {
                    t("connections.saved_secret")
                } else {
                    String::new()
                }
            };
            view! {
                <input
                    id=dom_id.clone()
                    type=ty
                    placeholder=ph
                    autocomplete="off"
                    prop:value=val
                    on:input=set
                    aria-invalid=invalid
                    aria-describedby=err_id.clone()
                />
            }
            .into_any()
        }
    };
    view! {
        <label for=dom_id>{label}</label>
        {input}
        {f.help_text.map(|h| view! { <p class="help">{h}</p> })}
        <FieldError errors param=param.get_value() id=err_id />
    }
}

#[component]
pub fn CustomHeaders(
    headers: RwSignal<Vec<(String, String)>>,
    errors: FormErrors,
) -> impl IntoView {
    let header_row = move |(i, (n, v)): (usize, (String, String))| {
        view! {
            <div class="header-row">
                <input
                    aria-label=move || {
                        tf("connections.header_name", &[("number", number(i + 1).as_str())])
                    }
                    placeholder="X-Header"
                    prop:value=n
                    on:input=move |e| headers.update(|h| h[i].0 = event_target_value(&e))
                />
                <input
                    aria-label=move || {
                        tf("connections.header_value", &[("number", number(i + 1).as_str())])
                    }
                    placeholder=tr("connections.header_value_placeholder")
                    prop:value=v
                    on:input=move |e| headers.update(|h| h[i].1 = event_target_value(&e))
                />
                <button
                    type="button"
                    class="btn-link"
                    on:click=move |_| {
                        headers
                            .update(|h| {
                                h.remove(i);
                            })
                    }
                >
                    {tr("common.remove")}
                </button>
                <p class="field-error">
                    {move || {
                        errors
                            .of(&format!("metadata.custom_headers[{i}].name"))
                            .or_else(|| errors.of(&format!("metadata.custom_headers[{i}].value")))
                    }}
                </p>
            </div>
        }
    };
    view! {
        <fieldset class="headers">
            <legend>
                {move || {
                    tf(
                        "connections.custom_headers",
                        &[("max", number(MAX_CUSTOM_HEADERS).as_str())],
                    )
                }}
            </legend>
            {move || headers.get().into_iter().enumerate().map(header_row).collect_view()}
            <button
                type="button"
                class="btn"
                id="add-header"
                disabled=move || headers.with(|h| h.len() >= MAX_CUSTOM_HEADERS)
                on:click=move |_| headers.update(|h| h.push((String::new(), String::new())))
            >
                {tr("connections.add_header")}
            </button>
            <p class="field-error">{move || errors.of("metadata.custom_headers")}</p>
        </fieldset>
    }
}
