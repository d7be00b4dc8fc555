//! Create or edit an API-key or webhook connection, generated from the integration's
//! `authentication.fields` (with `dependsOn`), plus the webhook extras (custom headers, skip the
//! URL test). The same checks as the API run before sending; secrets are never shown back.

use crate::api::{Api, Method};
use crate::error::AppError;
use crate::ui::{ErrorState, param_error};
use leptos::prelude::*;
use meshes_protocol::api::{
    AuthField, AuthType, Connection, ConnectionCreated, FieldType, Integration, MAX_CUSTOM_HEADERS,
    ParamError, check_metadata, valid_connection_name,
};
use serde_json::{Map, Value, json};
use std::collections::HashMap;

#[component]
pub fn ConnectionForm(
    integrations: Vec<Integration>,
    existing: Option<Connection>,
    on_saved: Callback<Connection>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let api = expect_context::<Api>();
    let session = api.session.clone();
    let editing = existing.clone();
    let creatable: Vec<Integration> = integrations
        .iter()
        .filter(|i| i.authentication.kind != AuthType::Oauth)
        .cloned()
        .collect();
    let oauth: Vec<Integration> = integrations
        .iter()
        .filter(|i| i.authentication.kind == AuthType::Oauth)
        .cloned()
        .collect();
    let all = StoredValue::new(integrations);
    let kind = RwSignal::new(
        existing
            .as_ref()
            .map(|c| c.kind.clone())
            .unwrap_or_else(|| "webhook".into()),
    );
    let name = RwSignal::new(
        existing
            .as_ref()
            .map(|c| c.name.clone())
            .unwrap_or_default(),
    );
    let start: HashMap<String, String> = existing
        .as_ref()
        .map(|c| {
            c.metadata
                .iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_owned())))
                .collect()
        })
        .unwrap_or_default();
    let values = RwSignal::new(start);
    let headers = RwSignal::new(
        existing
            .as_ref()
            .and_then(|c| c.metadata.get("custom_headers"))
            .and_then(|h| serde_json::from_value::<Vec<HashMap<String, String>>>(h.clone()).ok())
            .unwrap_or_default()
            .into_iter()
            .map(|h| {
                (
                    h.get("name").cloned().unwrap_or_default(),
                    h.get("value").cloned().unwrap_or_default(),
                )
            })
            .collect::<Vec<_>>(),
    );
    let skip_test = RwSignal::new(false);
    let local = RwSignal::new(Vec::<ParamError>::new());
    let server = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let integration = Memo::new(move |_| {
        let k = kind.get();
        all.with_value(|all| all.iter().find(|i| i.kind == k).cloned())
    });
    let err = move |param: &str| {
        local
            .with(|l| l.iter().find(|e| e.param == param).map(|e| e.msg.clone()))
            .or_else(|| server.with(|s| param_error(s, param)))
    };
    let value_of = move |k: &str| values.with(|m| m.get(k).cloned()).filter(|v| !v.is_empty());
    let metadata = move || {
        let mut m = Map::new();
        for (k, v) in values.get_untracked() {
            m.insert(k, Value::String(v));
        }
        if kind.get_untracked() == "webhook" {
            let hs: Vec<Value> = headers
                .get_untracked()
                .into_iter()
                .filter(|(n, v)| !n.is_empty() || !v.is_empty())
                .map(|(n, v)| json!({"name": n, "value": v}))
                .collect();
            m.insert("custom_headers".into(), Value::Array(hs));
            if skip_test.get_untracked() {
                m.insert("skip_url_test".into(), Value::Bool(true));
            }
        }
        // Fields that don't apply (e.g. a password after switching auth scheme) are not sent.
        if let Some(i) = integration.get_untracked() {
            let snapshot = m.clone();
            let get = |k: &str| {
                snapshot
                    .get(k)
                    .and_then(Value::as_str)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .or_else(|| {
                        i.authentication
                            .fields
                            .iter()
                            .find(|f| f.key == k)
                            .and_then(|f| f.default_value.clone())
                    })
            };
            m.retain(|k, _| {
                i.authentication
                    .fields
                    .iter()
                    .find(|f| &f.key == k)
                    .is_none_or(|f| f.applies(get))
            });
        }
        m
    };
    let editing_id = editing.as_ref().map(|c| c.id.clone());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(i) = integration.get_untracked() else {
            return;
        };
        let meta = metadata();
        let mut errors = check_metadata(&i, &meta, |_| editing_id.is_some());
        let n = name.get_untracked().trim().to_owned();
        if !valid_connection_name(&n) {
            errors.insert(
                0,
                ParamError::new("name", "Use 1–128 letters, digits, spaces, _ or -"),
            );
        }
        local.set(errors.clone());
        server.set(None);
        if !errors.is_empty() {
            return;
        }
        let (method, path, body) = match &editing_id {
            Some(id) => (
                Method::Put,
                format!("/api/v1/connections/{id}"),
                json!({"name": n, "metadata": meta}),
            ),
            None => (
                Method::Post,
                "/api/v1/connections".to_owned(),
                json!({"workspace": api.session.ctx.workspace.id, "type": i.kind, "name": n, "metadata": meta}),
            ),
        };
        let (api, is_edit) = (api.clone(), editing_id.is_some());
        busy.set(true);
        leptos::task::spawn_local(async move {
            let saved = if is_edit {
                api.write::<Connection>(method, path, Some(body)).await
            } else {
                api.write::<ConnectionCreated>(method, path, Some(body))
                    .await
                    .map(|c| c.connection)
            };
            match saved {
                Ok(c) => on_saved.run(c),
                Err(e) => server.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let field_view = move |f: AuthField| {
        let key = f.key.clone();
        let dom_id = format!("conn-field-{key}");
        let secret = f.is_secret();
        let saved_secret = editing.is_some() && secret;
        let applies = {
            let f = f.clone();
            move || {
                f.applies(|k| {
                    value_of(k).or_else(|| {
                        integration.with(|i| {
                            i.as_ref().and_then(|i| {
                                i.authentication
                                    .fields
                                    .iter()
                                    .find(|x| x.key == k)
                                    .and_then(|x| x.default_value.clone())
                            })
                        })
                    })
                })
            }
        };
        let val = {
            let k = key.clone();
            let d = f.default_value.clone().unwrap_or_default();
            move || {
                values
                    .with(|m| m.get(&k).cloned())
                    .unwrap_or_else(|| d.clone())
            }
        };
        let set = {
            let k = key.clone();
            move |e: leptos::ev::Event| {
                values.update(|m| {
                    m.insert(k.clone(), event_target_value(&e));
                })
            }
        };
        let label = format!(
            "{}{}",
            f.label,
            if f.is_required() { " (required)" } else { "" }
        );
        let param = format!("metadata.{key}");
        let build = move || {
            let (val, set) = (val.clone(), set.clone());
            let control = match f.kind {
                FieldType::Select => view! {
                    <select id=dom_id.clone() prop:value=val on:change=set>
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
                FieldType::Textarea => {
                    view! { <textarea id=dom_id.clone() prop:value=val on:input=set></textarea> }
                        .into_any()
                }
                _ => {
                    let ty = if secret {
                        "password"
                    } else if f.validate.as_deref() == Some("url") {
                        "url"
                    } else {
                        "text"
                    };
                    let ph = if saved_secret {
                        "Saved — leave blank to keep it"
                    } else {
                        ""
                    };
                    view! {
                        <input
                            id=dom_id.clone()
                            type=ty
                            placeholder=ph
                            autocomplete="off"
                            prop:value=val
                            on:input=set
                        />
                    }
                    .into_any()
                }
            };
            let p = param.clone();
            view! {
                <label for=dom_id.clone()>{label.clone()}</label>
                {control}
                {f.help_text.clone().map(|h| view! { <p class="help">{h}</p> })}
                <p class="field-error">{move || err(&p)}</p>
            }
        };
        move || applies().then(build.clone())
    };
    let header_row = move |(i, (n, v)): (usize, (String, String))| {
        view! {
            <div class="header-row">
                <input
                    aria-label=format!("Header {} name", i + 1)
                    placeholder="X-Header"
                    prop:value=n
                    on:input=move |e| headers.update(|h| h[i].0 = event_target_value(&e))
                />
                <input
                    aria-label=format!("Header {} value", i + 1)
                    placeholder="value"
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
                    "Remove"
                </button>
                <p class="field-error">
                    {move || {
                        err(&format!("metadata.custom_headers[{i}].name"))
                            .or_else(|| err(&format!("metadata.custom_headers[{i}].value")))
                    }}
                </p>
            </div>
        }
    };
    let header_rows = move || {
        headers
            .get()
            .into_iter()
            .enumerate()
            .map(header_row)
            .collect_view()
    };
    let is_edit = existing.is_some();
    view! {
        <form
            class="form panel"
            id="connection-form"
            on:submit=submit
            aria-label=if is_edit { "Edit connection" } else { "New connection" }
        >
            <h2>{if is_edit { "Edit connection" } else { "New connection" }}</h2>
            <label for="conn-type">"Integration"</label>
            <select
                id="conn-type"
                prop:value=kind
                disabled=is_edit
                on:change=move |e| {
                    kind.set(event_target_value(&e));
                    values.set(HashMap::new());
                    local.set(vec![]);
                }
            >
                {creatable
                    .into_iter()
                    .map(|i| view! { <option value=i.kind.clone()>{i.name.clone()}</option> })
                    .collect_view()}
            </select>
            {(!is_edit && !oauth.is_empty())
                .then(|| {
                    view! {
                        <p class="help" id="oauth-entry">
                            {format!(
                                "{} connect by signing in to the provider; their Connect buttons open a Meshes-hosted window.",
                                oauth.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join(", "),
                            )}
                        </p>
                    }
                })}
            <label for="conn-name">"Name (required)"</label>
            <input
                id="conn-name"
                prop:value=name
                on:input=move |e| name.set(event_target_value(&e))
                placeholder="e.g. Billing webhook"
            />
            <p class="field-error">{move || err("name")}</p>
            {move || {
                integration
                    .get()
                    .map(|i| i.authentication.fields.into_iter().map(&field_view).collect_view())
            }}
            <Show when=move || kind.get() == "webhook">
                <fieldset class="headers">
                    <legend>{format!("Custom headers (up to {MAX_CUSTOM_HEADERS})")}</legend>
                    {header_rows}
                    <button
                        type="button"
                        class="btn"
                        id="add-header"
                        disabled=move || headers.with(|h| h.len() >= MAX_CUSTOM_HEADERS)
                        on:click=move |_| headers.update(|h| h.push((String::new(), String::new())))
                    >
                        "Add header"
                    </button>
                    <p class="field-error">{move || err("metadata.custom_headers")}</p>
                </fieldset>
                <label class="check">
                    <input
                        type="checkbox"
                        id="conn-skip-test"
                        prop:checked=skip_test
                        on:change=move |e| skip_test.set(event_target_checked(&e))
                    />
                    "Skip URL payload test"
                </label>
            </Show>
            {move || server.get().map(|err| view! { <ErrorState err /> })}
            <div class="form-actions">
                <button
                    type="submit"
                    class="btn btn-primary"
                    id="conn-save"
                    disabled=move || busy.get() || !session.can_write()
                >
                    {move || {
                        if busy.get() {
                            "Saving…"
                        } else if is_edit {
                            "Save changes"
                        } else {
                            "Create connection"
                        }
                    }}
                </button>
                <button type="button" class="btn" on:click=move |_| on_cancel.run(())>
                    "Cancel"
                </button>
            </div>
        </form>
    }
}
