//! One event: status, counts, payload (admin|owner with `events.payload:read` only), and each
//! rule's delivery with its attempts, retry and cancel. Unfinished events update themselves.

mod attempts;
mod delivery;

use super::kit::{Mutation, authed_resource, every, href_with_query, render_loaded};
use crate::api::{Api, use_api};
use crate::error::AppError;
use crate::i18n::{number, t, tf, tp, tr};
use crate::session::Session;
use crate::shell::router::Link;
use crate::ui::{
    ConfirmButton, CopyId, Notice, NoticeView, PageHeader, ReadOnlyNote, StatusBadge, Table, Time,
};
use delivery::Delivery;
use leptos::prelude::*;
use meshes_protocol::EmbedRoute;
use meshes_protocol::access::{Action, EmbedPage, can_open, can_view_payload};
use meshes_protocol::api::{Event, Status};
use std::collections::{HashMap, HashSet};

const LIVE_EVERY_MS: u64 = 3_000;

fn shows_payload(s: Session) -> bool {
    let ctx = s.ctx();
    can_view_payload(ctx.role, &ctx.scopes)
}

/// The event, with its payload where this session may see it.
async fn load(api: Api, id: &str) -> Result<Event, AppError> {
    api.event(id, shows_payload(api.session)).await
}

#[component]
pub fn EventDetailPage(id: String) -> impl IntoView {
    let event = authed_resource(move |api| {
        let id = id.clone();
        async move { load(api, &id).await }
    });
    // Connection names, where this session may list connections (resource sessions may not).
    let names = authed_resource(|api| async move {
        let st = api.session.ctx().session_type;
        if !can_open(st, EmbedPage::Connections) && !can_open(st, EmbedPage::Rules) {
            return Ok(HashMap::new());
        }
        Ok(api
            .all_connections()
            .await?
            .records
            .into_iter()
            .map(|c| (c.id, c.name))
            .collect::<HashMap<_, _>>())
    });
    let back = href_with_query(&EmbedRoute::Events.path(), "");
    view! {
        <p class="crumbs">
            <Link href=back>{tr("event_detail.back")}</Link>
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
    let api = use_api();
    let session = api.session;
    let ev = RwSignal::new(initial.clone());
    let notice = RwSignal::new(None::<Notice>);
    let change = Mutation::new(session).notices(notice);
    let names = StoredValue::new(names);
    // Which deliveries show their attempts: rows are rebuilt when their delivery changes, and
    // what the user opened stays open.
    let open = RwSignal::new(HashSet::<String>::new());
    // A retry the user asked for, and its delivery's attempt count then: its outcome replaces
    // "Retry scheduled" once it is in.
    let retried = RwSignal::new(None::<(String, u32)>);
    Effect::new(move |_| {
        let Some((rule, before)) = retried.get() else {
            return;
        };
        let outcome = ev.with(|e| {
            e.rule_events
                .iter()
                .flatten()
                .find(|r| r.rule == rule && r.attempt_count > before && r.status.is_terminal())
                .map(|r| (r.status, r.last_error.clone()))
        });
        let Some((status, error)) = outcome else {
            return;
        };
        retried.set(None);
        notice.set(Some(match status {
            Status::Completed => Notice::Done(t("event_detail.retry_delivered")),
            Status::Canceled => Notice::Done(t("event_detail.retry_canceled")),
            _ => Notice::Problem(match error {
                Some(error) => tf("event_detail.retry_failed", &[("error", error.as_str())]),
                None => t("event_detail.retry_failed_no_reason"),
            }),
        }));
    });
    let id = StoredValue::new(initial.id.clone());
    // One re-read at a time: a slow answer is not overtaken by the next tick's.
    let polling = StoredValue::new(false);
    every(LIVE_EVERY_MS, move || {
        if ev.with_untracked(|e| e.status.is_terminal()) || polling.get_value() {
            return;
        }
        polling.set_value(true);
        let id = id.get_value();
        leptos::task::spawn_local(async move {
            let fresh = load(api, &id).await;
            if let Ok(fresh) = fresh {
                let _ = ev.try_set(fresh);
            }
            let _ = polling.try_set_value(false);
        });
    });
    let permits = session.permits(Action::Write);
    let can_act = permits.is_ok();
    let cancel_all = move |_| {
        let id = id.get_value();
        change.run(
            async move {
                api.cancel_event(&id).await?;
                // Done either way; the fresh state is a bonus (the poller brings it too).
                Ok(load(api, &id).await.ok())
            },
            move |fresh| {
                if let Some(fresh) = fresh {
                    ev.set(fresh);
                }
                Some(t("event_detail.canceled_all"))
            },
        );
    };
    let payload_view = if shows_payload(session) {
        view! {
            <section class="card" id="event-payload">
                <h2>{tr("event_detail.payload")}</h2>
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
                <h2>{tr("event_detail.payload")}</h2>
                <p class="muted">
                    {move || tf("event_detail.payload_hidden", &[("scope", "events.payload:read")])}
                </p>
            </section>
        }
        .into_any()
    };
    let subtitle = if initial.test == Some(true) {
        "event_detail.subtitle_test"
    } else {
        "event_detail.subtitle"
    };
    view! {
        <PageHeader title=initial.event.clone() subtitle=tr(subtitle) />
        <section class="card summary" id="event-summary">
            <dl class="facts">
                <dt>{tr("common.status")}</dt>
                <dd>{move || view! { <StatusBadge status=ev.with(|e| e.status) /> }}</dd>
                <dt>{tr("event_detail.event_id")}</dt>
                <dd>
                    <CopyId id=id.get_value() />
                </dd>
                <dt>{tr("common.resource")}</dt>
                <dd>
                    {initial.resource.clone().unwrap_or_else(|| "—".into())}
                    {initial.resource_id.clone().map(|r| format!(" · {r}"))}
                </dd>
                <dt>{tr("event_detail.received")}</dt>
                <dd>
                    <Time at=initial.created_at.clone() />
                </dd>
                <dt>{tr("event_detail.deliveries")}</dt>
                <dd id="event-counts">
                    {move || {
                        ev.with(|e| {
                            let n = e.total_rules.unwrap_or(0);
                            let done = number(e.completed_count.unwrap_or(0) as usize);
                            let failed = number(e.failed_count.unwrap_or(0) as usize);
                            tp(
                                "event_detail.counts",
                                n as usize,
                                &[("delivered", done.as_str()), ("failed", failed.as_str())],
                            )
                        })
                    }}
                </dd>
                <dt>{tr("event_detail.finished")}</dt>
                <dd>
                    {move || {
                        ev.with(|e| e.completed_at.clone())
                            .map(|at| view! { <Time at /> }.into_any())
                            .unwrap_or_else(|| t("event_detail.not_yet").into_any())
                    }}
                </dd>
            </dl>
            <Show when=move || can_act && !ev.with(|e| e.status.is_terminal())>
                <span id="cancel-event">
                    <ConfirmButton
                        label="event_detail.cancel_all"
                        class="btn btn-danger"
                        question=tr("event_detail.cancel_all_question")
                        yes="event_detail.cancel_all_yes"
                        enabled=Signal::derive(move || change.ready())
                        on_yes=Callback::new(cancel_all)
                    />
                </span>
            </Show>
        </section>
        {permits.err().map(|why| view! { <ReadOnlyNote reason=move || why.sentence() /> })}
        <NoticeView notice />
        <section class="card">
            <h2>{tr("event_detail.deliveries")}</h2>
            <Show
                when=move || ev.with(|e| e.rule_events.as_ref().is_some_and(|r| !r.is_empty()))
                fallback=|| {
                    view! { <p class="empty">{tr("event_detail.no_deliveries")}</p> }
                }
            >
                <Table
                    id="deliveries"
                    columns=&[
                        "common.connection",
                        "common.status",
                        "event_detail.col_attempts",
                        "event_detail.col_last_error",
                        "event_detail.col_timing",
                    ]
                    actions="common.actions"
                >
                    <For
                        each=move || ev.with(|e| e.rule_events.clone().unwrap_or_default())
                        key=|r| (r.id.clone(), r.status, r.attempt_count)
                        let:r
                    >
                        <Delivery r names=names.get_value() can_act ev change api open retried />
                    </For>
                </Table>
            </Show>
        </section>
        {payload_view}
    }
}
