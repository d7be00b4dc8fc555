//! One event: status, counts, payload (admin|owner with `events.payload:read` only), and each
//! rule's delivery with its attempts, retry and cancel. Unfinished events update themselves.

use super::{authed_resource, every, href_with_query, render_loaded};
use crate::api::{Api, Method};
use crate::error::AppError;
use crate::router::Link;
use crate::session::Session;
use crate::ui::{
    ConfirmButton, CopyId, Notice, NoticeView, PageHeader, ReadOnlyNote, StatusBadge, Time,
    integration_label,
};
use leptos::prelude::*;
use meshes_protocol::EmbedRoute;
use meshes_protocol::access::{Action, EmbedPage, can_open, can_view_payload};
use meshes_protocol::api::{Attempt, Connection, Event, Page, RuleEvent};
use std::collections::HashMap;

const LIVE_EVERY_MS: u64 = 3_000;

fn shows_payload(s: &Session) -> bool {
    can_view_payload(s.ctx.role, &s.ctx.scopes)
}

async fn load(api: &Api, id: &str) -> Result<Event, AppError> {
    let suffix = if shows_payload(&api.session) {
        "/payload"
    } else {
        ""
    };
    api.get::<Event>(format!("/api/v1/events/{id}{suffix}"))
        .await
}

#[component]
pub fn EventDetailPage(id: String) -> impl IntoView {
    let event = authed_resource(move |api| {
        let id = id.clone();
        async move { load(&api, &id).await }
    });
    // Connection names, where this session may list connections (resource sessions may not).
    let names = authed_resource(|api| async move {
        let st = api.session.ctx.session_type;
        if !can_open(st, EmbedPage::Connections) && !can_open(st, EmbedPage::Rules) {
            return Ok(HashMap::new());
        }
        let page = api
            .get::<Page<Connection>>(api.workspace_path("/connections?limit=200"))
            .await?;
        Ok(page
            .records
            .into_iter()
            .map(|c| (c.id, c.name))
            .collect::<HashMap<_, _>>())
    });
    let back = href_with_query(&EmbedRoute::Events.path(), "");
    view! {
        <p class="crumbs">
            <Link href=back>"← Events"</Link>
        </p>
        {render_loaded(
            event,
            8,
            move |e| {
                let names = names.get().and_then(Result::ok).unwrap_or_default();
                view! { <EventBody initial=e names /> }
            },
        )}
    }
}

#[component]
fn EventBody(initial: Event, names: HashMap<String, String>) -> impl IntoView {
    let api = expect_context::<Api>();
    let session = api.session.clone();
    let ev = RwSignal::new(initial.clone());
    let notice = RwSignal::new(None::<Notice>);
    let busy = RwSignal::new(false);
    let names = StoredValue::new(names);
    let id = initial.id.clone();
    let poll_api = api.clone();
    let poll_id = id.clone();
    every(LIVE_EVERY_MS, move || {
        if ev.with_untracked(|e| e.status.is_terminal()) {
            return;
        }
        let (api, id) = (poll_api.clone(), poll_id.clone());
        leptos::task::spawn_local(async move {
            if let Ok(fresh) = load(&api, &id).await {
                ev.set(fresh);
            }
        });
    });
    let permits = session.permits(Action::Write);
    let can_act = permits.is_ok();
    let writable = {
        let s = session.clone();
        move || s.can_write() && !busy.get()
    };
    let cancel_api = api.clone();
    let cancel_all = move |_| {
        let (api, id) = (cancel_api.clone(), ev.with_untracked(|e| e.id.clone()));
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api
                .write::<Event>(Method::Post, format!("/api/v1/events/{id}/cancel"), None)
                .await
            {
                Ok(_) => {
                    notice.set(Some(Notice::Done(
                        "Canceled the unfinished deliveries.".into(),
                    )));
                    if let Ok(fresh) = load(&api, &id).await {
                        ev.set(fresh);
                    }
                }
                Err(e) => notice.set(Some(Notice::Failed(e))),
            }
            busy.set(false);
        });
    };
    let payload_view = if shows_payload(&session) {
        view! {
            <section class="card" id="event-payload">
                <h2>"Payload"</h2>
                <pre class="json">
                    {move || {
                        ev.with(|e| {
                            e.payload
                                .as_ref()
                                .map(|p| serde_json::to_string_pretty(p).unwrap_or_default())
                                .unwrap_or_default()
                        })
                    }}
                </pre>
            </section>
        }
        .into_any()
    } else {
        view! {
            <section class="card" id="event-payload-hidden">
                <h2>"Payload"</h2>
                <p class="muted">
                    "Payloads can contain personal data, so they are shown only to admins and owners of sessions that include the events.payload:read scope. Ask the app embedding this workspace if you need them."
                </p>
            </section>
        }
        .into_any()
    };
    view! {
        <PageHeader title=initial.event.clone() subtitle="Event detail" />
        <section class="card summary" id="event-summary">
            <dl class="facts">
                <dt>"Status"</dt>
                <dd>{move || view! { <StatusBadge status=ev.with(|e| e.status) /> }}</dd>
                <dt>"Event id"</dt>
                <dd>
                    <CopyId id=id.clone() />
                </dd>
                <dt>"Resource"</dt>
                <dd>
                    {initial.resource.clone().unwrap_or_else(|| "—".into())}
                    {initial.resource_id.clone().map(|r| format!(" · {r}"))}
                </dd>
                <dt>"Received"</dt>
                <dd>
                    <Time at=initial.created_at.clone() />
                </dd>
                <dt>"Deliveries"</dt>
                <dd id="event-counts">
                    {move || {
                        ev.with(|e| {
                            format!(
                                "{} rules · {} delivered · {} failed",
                                e.total_rules.unwrap_or(0),
                                e.completed_count.unwrap_or(0),
                                e.failed_count.unwrap_or(0),
                            )
                        })
                    }}
                </dd>
                <dt>"Finished"</dt>
                <dd>
                    {move || {
                        ev.with(|e| e.completed_at.clone())
                            .map(|at| view! { <Time at /> }.into_any())
                            .unwrap_or_else(|| "Not yet".into_any())
                    }}
                </dd>
            </dl>
            <Show when=move || can_act && !ev.with(|e| e.status.is_terminal())>
                <span id="cancel-event">
                    <ConfirmButton
                        label="Cancel unfinished deliveries"
                        class="btn btn-danger"
                        question="Cancel every unfinished delivery? Attempts already running finish; nothing new is tried."
                        yes="Cancel deliveries"
                        enabled=Signal::derive(writable.clone())
                        on_yes=Callback::new(cancel_all.clone())
                    />
                </span>
            </Show>
        </section>
        {permits.err().map(|reason| view! { <ReadOnlyNote reason /> })}
        <NoticeView notice />
        <section class="card">
            <h2>"Deliveries"</h2>
            <Show
                when=move || ev.with(|e| e.rule_events.as_ref().is_some_and(|r| !r.is_empty()))
                fallback=|| {
                    view! {
                        <p class="empty">
                            "No rule matched this event, so nothing was delivered. Create a rule for this event type to route it."
                        </p>
                    }
                }
            >
                <table class="table" id="deliveries">
                    <thead>
                        <tr>
                            <th scope="col">"Connection"</th>
                            <th scope="col">"Status"</th>
                            <th scope="col">"Attempts"</th>
                            <th scope="col">"Last error"</th>
                            <th scope="col">"Timing"</th>
                            <th scope="col">
                                <span class="sr-only">"Actions"</span>
                            </th>
                        </tr>
                    </thead>
                    <tbody>
                        <For
                            each=move || ev.with(|e| e.rule_events.clone().unwrap_or_default())
                            key=|r| (r.id.clone(), r.status, r.attempt_count)
                            let:r
                        >
                            <Delivery r names=names.get_value() can_act ev notice busy />
                        </For>
                    </tbody>
                </table>
            </Show>
        </section>
        {payload_view}
    }
}

#[component]
fn Delivery(
    r: RuleEvent,
    names: HashMap<String, String>,
    can_act: bool,
    ev: RwSignal<Event>,
    notice: RwSignal<Option<Notice>>,
    busy: RwSignal<bool>,
) -> impl IntoView {
    let api = expect_context::<Api>();
    let session = api.session.clone();
    let open = RwSignal::new(false);
    let name = names
        .get(&r.connection)
        .cloned()
        .unwrap_or_else(|| r.connection.clone());
    let (event_id, rule) = (r.event_id.clone(), r.rule.clone());
    let (act_event, act_rule) = (event_id.clone(), rule.clone());
    let act = move |verb: &'static str| {
        let api = api.clone();
        let (event_id, rule) = (act_event.clone(), act_rule.clone());
        move |_| {
            let (api, event_id, rule) = (api.clone(), event_id.clone(), rule.clone());
            busy.set(true);
            leptos::task::spawn_local(async move {
                let path = format!("/api/v1/events/{event_id}/rules/{rule}/{verb}");
                match api.write::<RuleEvent>(Method::Post, path, None).await {
                    Ok(updated) => {
                        let text = if verb == "retry" {
                            "Retry scheduled: it starts within a few seconds."
                        } else {
                            "Delivery canceled."
                        };
                        notice.set(Some(Notice::Done(text.into())));
                        ev.update(|e| {
                            if let Some(slot) = e
                                .rule_events
                                .iter_mut()
                                .flatten()
                                .find(|x| x.id == updated.id)
                            {
                                *slot = updated;
                            }
                        });
                        if let Ok(fresh) = load(&api, &event_id).await {
                            ev.set(fresh);
                        }
                    }
                    Err(e) => notice.set(Some(Notice::Failed(e))),
                }
                busy.set(false);
            });
        }
    };
    let status = r.status;
    let retryable = can_act
        && matches!(
            status,
            meshes_protocol::api::Status::Failed | meshes_protocol::api::Status::Retrying
        );
    let cancelable = can_act && !status.is_terminal();
    let disabled = move || !session.can_write() || busy.get();
    let disabled2 = disabled.clone();
    view! {
        <tr data-rule-id=r.rule.clone() data-status=status.as_str()>
            <td>{name}<p class="muted">{integration_label(&r.integration_type).to_owned()}</p></td>
            <td>
                <StatusBadge status />
            </td>
            <td>
                {r.attempt_count}
                <button
                    type="button"
                    class="btn-link"
                    aria-expanded=move || open.get().to_string()
                    on:click=move |_| open.update(|o| *o = !*o)
                >
                    {move || if open.get() { "Hide" } else { "Show" }}
                </button>
            </td>
            <td class="error-text">{r.last_error.clone().unwrap_or_default()}</td>
            <td>
                {r
                    .started_at
                    .clone()
                    .map(|at| view! { <span class="muted">"Started "<Time at /></span> })}
                {r
                    .completed_at
                    .clone()
                    .map(|at| {
                        view! {
                            <br />
                            <span class="muted">"Ended "<Time at /></span>
                        }
                    })}
            </td>
            <td class="actions">
                {retryable
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                class="btn retry"
                                on:click=act("retry")
                                disabled=disabled
                            >
                                "Retry now"
                            </button>
                        }
                    })}
                {cancelable
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                class="btn cancel"
                                on:click=act("cancel")
                                disabled=disabled2
                            >
                                "Cancel"
                            </button>
                        }
                    })}
            </td>
        </tr>
        <Show when=move || open.get()>
            <tr class="attempts-row">
                <td colspan="6">
                    <Attempts event_id=event_id.clone() rule=rule.clone() />
                </td>
            </tr>
        </Show>
    }
}

#[component]
fn Attempts(event_id: String, rule: String) -> impl IntoView {
    let attempts = authed_resource(move |api| {
        let path = format!("/api/v1/events/{event_id}/rules/{rule}/attempts?limit=50");
        async move { api.get::<Page<Attempt>>(path).await }
    });
    render_loaded(attempts, 2, |page| {
        if page.records.is_empty() {
            return view! { <p class="empty">"No attempt has finished yet."</p> }.into_any();
        }
        view! {
            <ol class="attempts" reversed>
                {page
                    .records
                    .into_iter()
                    .map(|a| {
                        view! {
                            <li data-outcome=format!("{:?}", a.outcome_code)>
                                <strong>
                                    {format!("#{} {}", a.attempt, a.outcome_code.label())}
                                </strong>
                                {a.http_status.map(|s| format!(" · HTTP {s}"))}
                                {format!(" · {} ms · ", a.duration_ms)}
                                <Time at=a.started_at />
                                <p class="muted">{a.message}</p>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        }
        .into_any()
    })
}
