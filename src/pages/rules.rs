//! Rules: which events go to which connection action. List with filters, create (see `form`),
//! switch on/off, delete, and send a test event through one rule.

mod form;
mod test_event;

use super::{authed_resource, render_loaded, staged};
use crate::api::{Api, Method};
use crate::error::AppError;
use crate::ui::{
    ConfirmButton, Notice, NoticeView, PageHeader, ReadOnlyNote, Skeleton, Time, integration_label,
};
use leptos::prelude::*;
use meshes_protocol::access::Action;
use meshes_protocol::api::{CatalogEntry, Connection, Integration, Page, Rule, RuleDeleted};
use std::collections::HashMap;

/// Everything the list and the builder look things up in.
#[derive(Clone, Debug, Default)]
pub struct Catalogs {
    pub connections: Vec<Connection>,
    pub integrations: HashMap<String, Integration>,
    pub event_types: Vec<CatalogEntry>,
    pub resources: Vec<CatalogEntry>,
}

impl Catalogs {
    fn connection(&self, id: &str) -> Option<&Connection> {
        self.connections.iter().find(|c| c.id == id)
    }

    /// "Add to list · New leads" — the action's label and, when known, its target's name.
    pub fn describe(&self, r: &Rule) -> String {
        let action = r
            .metadata
            .get("action")
            .and_then(|v| v.as_str())
            .unwrap_or("");
        let label = self
            .integrations
            .get(&r.kind)
            .and_then(|i| i.actions.get(action))
            .map_or(action.to_owned(), |a| a.label.clone());
        let target = ["name", "id"]
            .iter()
            .find_map(|k| r.metadata.get(*k).and_then(|v| v.as_str()));
        match target {
            Some(t) => format!("{label} · {t}"),
            None => label,
        }
    }
}

async fn load_catalogs(api: Api) -> Result<Catalogs, AppError> {
    let (connections, integrations, event_types, resources) = futures::join!(
        api.get::<Page<Connection>>(api.workspace_path("/connections?limit=200")),
        api.get::<Page<Integration>>("/api/v1/integrations?limit=100"),
        api.get::<Vec<CatalogEntry>>(api.workspace_path("/event-types")),
        api.get::<Vec<CatalogEntry>>(api.workspace_path("/resources")),
    );
    Ok(Catalogs {
        connections: connections?.records,
        integrations: integrations?
            .records
            .into_iter()
            .map(|i| (i.kind.clone(), i))
            .collect(),
        event_types: event_types?,
        resources: resources?,
    })
}

#[derive(Clone, Debug, Default, PartialEq)]
struct RuleFilter {
    event: String,
    connection: String,
    resource: String,
    resource_id: String,
}

impl RuleFilter {
    fn query(&self) -> String {
        let mut q = vec!["limit=200".to_owned()];
        for (k, v) in [
            ("event", &self.event),
            ("connection", &self.connection),
            ("resource", &self.resource),
            ("resource_id", &self.resource_id),
        ] {
            let v = v.trim();
            // Same alphabets the API accepts; anything else would only earn a 400.
            if !v.is_empty()
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._:-".contains(&b))
            {
                q.push(format!("{k}={v}"));
            }
        }
        q.join("&")
    }
}

#[component]
pub fn RulesPage() -> impl IntoView {
    let catalogs = authed_resource(load_catalogs);
    let filter = RwSignal::new(RuleFilter::default());
    let applied = RwSignal::new(RuleFilter::default());
    let rules = authed_resource(move |api| {
        let q = applied.get().query();
        async move {
            api.get::<Page<Rule>>(api.workspace_path(&format!("/rules?{q}")))
                .await
        }
    });
    let session = expect_context::<Api>().session;
    let permits = session.permits(Action::Write);
    let creating = RwSignal::new(false);
    let fresh = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<Notice>);
    let on_created = Callback::new(move |rule: Rule| {
        creating.set(false);
        fresh.set(Some(rule.id.clone()));
        notice.set(Some(Notice::Done(format!(
            "Rule created: {} events now go to this connection.",
            rule.event
        ))));
        rules.refetch();
    });
    let can_create = permits.is_ok();
    view! {
        <PageHeader title="Rules" subtitle="Which events go where" />
        {permits.err().map(|reason| view! { <ReadOnlyNote reason /> })}
        <form
            class="filters"
            id="rule-filters"
            on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                applied.set(filter.get_untracked());
            }
        >
            <label>
                "Event type"
                <input
                    id="rule-filter-event"
                    prop:value=move || filter.with(|f| f.event.clone())
                    on:input=move |e| filter.update(|f| f.event = event_target_value(&e))
                />
            </label>
            <label>
                "Connection"
                <select
                    id="rule-filter-connection"
                    on:change=move |e| filter.update(|f| f.connection = event_target_value(&e))
                >
                    <option value="">"Any"</option>
                    {move || {
                        catalogs
                            .get()
                            .and_then(Result::ok)
                            .map(|c| {
                                c.connections
                                    .into_iter()
                                    .map(|c| view! { <option value=c.id>{c.name}</option> })
                                    .collect_view()
                            })
                    }}
                </select>
            </label>
            <label>
                "Resource"
                <input
                    id="rule-filter-resource"
                    on:input=move |e| filter.update(|f| f.resource = event_target_value(&e))
                />
            </label>
            <label>
                "Resource id"
                <input
                    id="rule-filter-resource-id"
                    on:input=move |e| filter.update(|f| f.resource_id = event_target_value(&e))
                />
            </label>
            <div class="filter-actions">
                <button type="submit" class="btn">
                    "Apply"
                </button>
                {can_create
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                class="btn btn-primary"
                                id="new-rule"
                                on:click=move |_| creating.set(true)
                            >
                                "New rule"
                            </button>
                        }
                    })}
            </div>
        </form>
        <NoticeView notice />
        <Show when=move || {
            creating.get()
        }>
            {render_loaded(
                catalogs,
                4,
                move |c| {
                    view! {
                        <form::RuleForm
                            catalogs=c
                            on_created
                            on_cancel=Callback::new(move |_| creating.set(false))
                        />
                    }
                },
            )}
        </Show>
        // The list names connections from the catalogs: it waits for them (built once, not
        // once with ids and again with names), and shows ids only if they failed.
        {render_loaded(
            rules,
            6,
            move |page| match catalogs.get() {
                None | Some(Err(AppError::AwaitingAuth)) => view! { <Skeleton rows=6 /> }.into_any(),
                Some(cats) => {
                    let cats = cats.unwrap_or_default();
                    view! { <RuleList rules=page.records cats fresh notice /> }.into_any()
                }
            },
        )}
    }
}

#[component]
fn RuleList(
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
        <table class="table" id="rules-table">
            <thead>
                <tr>
                    <th scope="col">"Event"</th>
                    <th scope="col">"Connection"</th>
                    <th scope="col">"Action"</th>
                    <th scope="col">"Active"</th>
                    <th scope="col">"Created"</th>
                    <th scope="col">
                        <span class="sr-only">"Actions"</span>
                    </th>
                </tr>
            </thead>
            <tbody>
                <For each=move || rows.get() key=|r| (r.id.clone(), r.active) let:r>
                    <RuleRow r cats=cats.get_value() items fresh notice />
                </For>
            </tbody>
        </table>
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
    let api = expect_context::<Api>();
    let session = api.session.clone();
    let can_write = session.permits(Action::Write).is_ok();
    let can_delete = session.permits(Action::Delete).is_ok();
    let testing = RwSignal::new(false);
    let busy = RwSignal::new(false);
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
    let id = r.id.clone();
    let highlight = {
        let id = id.clone();
        move || fresh.get().as_deref() == Some(id.as_str())
    };
    let toggle_api = api.clone();
    let toggle_id = id.clone();
    let active = r.active;
    let toggle = move |_| {
        let (api, id) = (toggle_api.clone(), toggle_id.clone());
        busy.set(true);
        leptos::task::spawn_local(async move {
            let body = serde_json::json!({ "active": !active });
            match api
                .write::<Rule>(Method::Patch, format!("/api/v1/rules/{id}"), Some(body))
                .await
            {
                Ok(updated) => items.update(|v| {
                    if let Some(slot) = v.iter_mut().find(|x| x.id == updated.id) {
                        *slot = updated;
                    }
                }),
                Err(e) => notice.set(Some(Notice::Failed(e))),
            }
            busy.set(false);
        });
    };
    let del_id = id.clone();
    let event_name = r.event.clone();
    let delete = move |_| {
        let (api, id) = (api.clone(), del_id.clone());
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api
                .write::<RuleDeleted>(Method::Delete, format!("/api/v1/rules/{id}"), None)
                .await
            {
                Ok(_) => {
                    items.update(|v| v.retain(|x| x.id != id));
                    notice.set(Some(Notice::Done("Rule deleted.".into())));
                }
                Err(e) => notice.set(Some(Notice::Failed(e))),
            }
            busy.set(false);
        });
    };
    let writable = move || session.can_write() && !busy.get();
    let w2 = writable.clone();
    let w3 = writable.clone();
    let rule_for_test = r.clone();
    view! {
        <tr data-rule-id=id.clone() class:highlight=highlight>
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
                        disabled=move || !can_write || !writable()
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
                                disabled=move || !w2()
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
                                enabled=Signal::derive(w3)
                                on_yes=Callback::new(delete)
                            />
                        }
                    })}
            </td>
        </tr>
        <Show when=move || testing.get()>
            <tr>
                <td colspan="6">
                    <test_event::TestEvent rule=rule_for_test.clone() />
                </td>
            </tr>
        </Show>
    }
}
