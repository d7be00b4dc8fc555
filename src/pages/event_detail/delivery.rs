//! One rule's delivery of the event: where it went, how it stands, its attempts, and retry or
//! cancel.

use super::load;
use crate::api::{Api, DeliveryAction};
use crate::pages::kit::{Mutation, authed_resource, render_loaded};
use crate::ui::{StatusBadge, Time, integration_label};
use leptos::prelude::*;
use meshes_protocol::api::{Event, RuleEvent, Status};
use std::collections::HashMap;

#[component]
pub fn Delivery(
    r: RuleEvent,
    names: HashMap<String, String>,
    can_act: bool,
    ev: RwSignal<Event>,
    change: Mutation,
    /// The page's handle: a row is rebuilt when its delivery changes, the page's reads go on.
    api: Api,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let name = names
        .get(&r.connection)
        .cloned()
        .unwrap_or_else(|| r.connection.clone());
    let ids = StoredValue::new((r.event_id.clone(), r.rule.clone()));
    let act = move |action: DeliveryAction| {
        move |_| {
            let (event_id, rule) = ids.get_value();
            change.run(
                async move {
                    let updated = api.delivery_action(&event_id, &rule, action).await?;
                    Ok((updated, load(api, &event_id).await.ok()))
                },
                move |(updated, fresh)| {
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
                    if let Some(fresh) = fresh {
                        ev.set(fresh);
                    }
                    Some(
                        match action {
                            DeliveryAction::Retry => {
                                "Retry scheduled: it starts within a few seconds."
                            }
                            DeliveryAction::Cancel => "Delivery canceled.",
                        }
                        .into(),
                    )
                },
            );
        }
    };
    let status = r.status;
    let retryable = can_act && matches!(status, Status::Failed | Status::Retrying);
    let cancelable = can_act && !status.is_terminal();
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
                                on:click=act(DeliveryAction::Retry)
                                disabled=move || !change.ready()
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
                                on:click=act(DeliveryAction::Cancel)
                                disabled=move || !change.ready()
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
                    <Attempts ids=ids.get_value() />
                </td>
            </tr>
        </Show>
    }
}

#[component]
fn Attempts(ids: (String, String)) -> impl IntoView {
    let ids = StoredValue::new(ids);
    let attempts = authed_resource(move |api| {
        let (event_id, rule) = ids.get_value();
        async move { api.attempts(&event_id, &rule).await }
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
