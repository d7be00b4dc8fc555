//! Create or edit an API-key or webhook connection, generated from the integration's
//! `authentication.fields` (with `dependsOn`), plus the webhook extras (custom headers, skip the
//! URL test). The same checks as the API run before sending; secrets are never shown back.

mod fields;

use crate::api::use_api;
use crate::i18n::{t, tf, tr};
use crate::pages::kit::{FieldError, FormActions, FormErrors, Mutation};
use crate::ui::use_focus;
use fields::{AuthFieldInput, CustomHeaders, value_or_default};
use leptos::prelude::*;
use meshes_protocol::api::{
    AuthType, Connection, CreateConnection, CustomHeader, Integration, ParamError,
    UpdateConnection, check_metadata, valid_connection_name,
};
use serde_json::{Map, Value};
use std::collections::HashMap;

#[component]
pub fn ConnectionForm(
    integrations: Vec<Integration>,
    existing: Option<Connection>,
    on_saved: Callback<Connection>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let session = api.session;
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
            .and_then(|h| serde_json::from_value::<Vec<CustomHeader>>(h.clone()).ok())
            .unwrap_or_default()
            .into_iter()
            .map(|h| (h.name, h.value))
            .collect::<Vec<_>>(),
    );
    let skip_test = RwSignal::new(false);
    let errors = FormErrors::default();
    let save = Mutation::new(session);
    let integration = Memo::new(move |_| {
        let k = kind.get();
        all.with_value(|all| all.iter().find(|i| i.kind == k).cloned())
    });
    let metadata = move || {
        let mut m = Map::new();
        for (k, v) in values.get_untracked() {
            m.insert(k, Value::String(v));
        }
        if kind.get_untracked() == "webhook" {
            let hs: Vec<CustomHeader> = headers
                .get_untracked()
                .into_iter()
                .filter(|(n, v)| !n.is_empty() || !v.is_empty())
                .map(|(name, value)| CustomHeader { name, value })
                .collect();
            m.insert(
                "custom_headers".into(),
                serde_json::to_value(hs).unwrap_or_default(),
            );
            if skip_test.get_untracked() {
                m.insert("skip_url_test".into(), Value::Bool(true));
            }
        }
        // Fields that don't apply (e.g. a password after switching auth scheme) are not sent.
        if let Some(i) = integration.get_untracked() {
            let snapshot = values.get_untracked();
            let get = |k: &str| value_or_default(&snapshot, &i, k);
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
    let editing_id = existing.as_ref().map(|c| c.id.clone());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(i) = integration.get_untracked() else {
            return;
        };
        let metadata = metadata();
        let mut found = check_metadata(&i, &metadata, |_| editing_id.is_some());
        let name = name.get_untracked().trim().to_owned();
        if !valid_connection_name(&name) {
            found.insert(0, ParamError::new("name", t("connections.name_invalid")));
        }
        if !errors.check(found) {
            return;
        }
        let id = editing_id.clone();
        let workspace = session.ctx().workspace.id.clone();
        save.run_then(
            async move {
                match id {
                    Some(id) => {
                        let c = UpdateConnection {
                            name,
                            metadata,
                            hidden: None,
                        };
                        api.update_connection(&id, &c).await
                    }
                    None => {
                        let c = CreateConnection {
                            workspace,
                            kind: i.kind,
                            name,
                            metadata,
                            hidden: None,
                        };
                        api.create_connection(&c).await.map(|c| c.connection)
                    }
                }
            },
            move |saved| match saved {
                Ok(c) => on_saved.run(c),
                Err(e) => errors.refused(e),
            },
        );
    };
    let is_edit = existing.is_some();
    // Opened where the user asked: the first field takes focus, the form comes into view.
    let focus = use_focus();
    Effect::new(move |_| {
        if let Some(form) = errors.form().get() {
            focus.form_opened(form.into());
        }
    });
    view! {
        <form
            class="form panel"
            id="connection-form"
            node_ref=errors.form()
            on:submit=submit
            on:keydown=move |e| {
                if e.key() == "Escape" {
                    e.prevent_default();
                    on_cancel.run(());
                }
            }
            aria-label=tr(if is_edit { "connections.edit_title" } else { "connections.new_title" })
        >
            <h2>{tr(if is_edit { "connections.edit_title" } else { "connections.new_title" })}</h2>
            <label for="conn-type">{tr("common.integration")}</label>
            <select
                id="conn-type"
                prop:value=kind
                disabled=is_edit
                on:change=move |e| {
                    kind.set(event_target_value(&e));
                    values.set(HashMap::new());
                    errors.clear();
                }
            >
                {creatable
                    .into_iter()
                    .map(|i| view! { <option value=i.kind.clone()>{i.name.clone()}</option> })
                    .collect_view()}
            </select>
            {(!is_edit && !oauth.is_empty())
                .then(|| {
                    let names = oauth
                        .iter()
                        .map(|i| i.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ");
                    view! {
                        <p class="help" id="oauth-entry">
                            {move || tf("connections.oauth_entry", &[("names", names.as_str())])}
                        </p>
                    }
                })}
            <label for="conn-name">{tr("connections.name_required")}</label>
            <input
                id="conn-name"
                prop:value=name
                on:input=move |e| name.set(event_target_value(&e))
                placeholder=tr("connections.name_placeholder")
                aria-invalid=move || errors.invalid("name")
                aria-describedby="conn-name-error"
            />
            <FieldError errors param="name" id="conn-name-error".to_owned() />
            {move || {
                integration
                    .get()
                    .map(|i| {
                        i.authentication
                            .fields
                            .into_iter()
                            .map(|f| {
                                let saved_secret = is_edit && f.is_secret();
                                view! {
                                    <AuthFieldInput f values integration errors saved_secret />
                                }
                            })
                            .collect_view()
                    })
            }}
            <Show when=move || kind.get() == "webhook">
                <CustomHeaders headers errors />
                <label class="check">
                    <input
                        type="checkbox"
                        id="conn-skip-test"
                        prop:checked=skip_test
                        on:change=move |e| skip_test.set(event_target_checked(&e))
                    />
                    {tr("connections.skip_test")}
                </label>
            </Show>
            <FormActions
                id="conn-save"
                label=if is_edit { "connections.save_changes" } else { "connections.create" }
                save
                errors
                on_cancel
            />
        </form>
    }
}
