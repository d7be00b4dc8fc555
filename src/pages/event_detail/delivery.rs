//! One rule's delivery of the event: where it went, how it stands, its attempts, and retry or
//! cancel.

use super::attempts::Attempts;
use super::load;
use crate::api::{Api, DeliveryAction};
use crate::i18n::{t, tf, tr};
use crate::pages::kit::Mutation;
use crate::ui::{StatusBadge, Time, connection_label, integration_label};
use leptos::prelude::*;
use meshes_protocol::api::{Event, RuleEvent, Status};
use std::collections::{HashMap, HashSet};

#[component]
pub fn Delivery(
    r: RuleEvent,
    names: HashMap<String, String>,
    can_act: bool,
    ev: RwSignal<Event>,
    change: Mutation,
    /// The page's handle: a row is rebuilt when its delivery changes, the page's reads go on.
    api: Api,
    /// Rules whose attempts are shown (kept by the page across rebuilds).
    open: RwSignal<HashSet<String>>,
    /// Set on a retry: the rule and its attempt count then.
    retried: RwSignal<Option<(String, u32)>>,
) -> impl IntoView {
    let rule_id = StoredValue::new(r.rule.clone());
    let attempts_then = r.attempt_count;
    let shown = move || open.with(|o| rule_id.with_value(|r| o.contains(r)));
    let toggle = move |_| {
        let rule = rule_id.get_value();
        open.update(|o| {
            if !o.remove(&rule) {
                o.insert(rule);
            }
        });
    };
    // The live name where this session lists connections, else the one the API kept.
    let live = names.get(&r.connection).map(String::as_str);
    let name = connection_label(
        live.or(r.connection_name.as_deref()),
        r.connection_state,
        &r.integration_type,
    );
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
                    if action == DeliveryAction::Retry {
                        retried.set(Some((rule_id.get_value(), attempts_then)));
                    }
                    Some(match action {
                        DeliveryAction::Retry => t("event_detail.retry_scheduled"),
                        DeliveryAction::Cancel => t("event_detail.delivery_canceled"),
                    })
                },
            );
        }
    };
    let status = r.status;
    let retry_label = {
        let name = name.clone();
        move || tf("event_detail.retry_label", &[("name", name.as_str())])
    };
    let cancel_label = {
        let name = name.clone();
        move || tf("event_detail.cancel_label", &[("name", name.as_str())])
    };
    let retryable = can_act && matches!(status, Status::Failed | Status::Retrying);
    let cancelable = can_act && !status.is_terminal();
    view! {
        <tr data-rule-id=r.rule.clone() data-status=status.as_str()>
            <td>
                {name.clone()}
                <p class="muted">{integration_label(&r.integration_type).to_owned()}</p>
            </td>
            <td data-label=tr("common.status")>
                <StatusBadge status />
            </td>
            <td data-label=tr(
                "event_detail.col_attempts",
            )>
                {r.attempt_count}
                <button
                    type="button"
                    class="btn-link"
                    aria-expanded=move || shown().to_string()
                    aria-label={
                        let to = name.clone();
                        move || {
                            let key = if shown() {
                                "event_detail.hide_attempts"
                            } else {
                                "event_detail.show_attempts"
                            };
                            tf(key, &[("name", to.as_str())])
                        }
                    }
                    on:click=toggle
                >
                    {move || if shown() { t("common.hide") } else { t("common.show") }}
                </button>
            </td>
            <td class="error-text" data-label=tr("event_detail.col_last_error")>
                {r.last_error.clone().unwrap_or_default()}
            </td>
            <td data-label=tr(
                "event_detail.col_timing",
            )>
                {r
                    .started_at
                    .clone()
                    .map(|at| {
                        view! {
                            <span class="muted">{tr("event_detail.started")}" "<Time at /></span>
                        }
                    })}
                {r
                    .completed_at
                    .clone()
                    .map(|at| {
                        view! {
                            <br />
                            <span class="muted">{tr("event_detail.ended")}" "<Time at /></span>
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
                                aria-label=retry_label
                                on:click=act(DeliveryAction::Retry)
                                disabled=move || !change.ready()
                            >
                                {tr("event_detail.retry_now")}
                            </button>
                        }
                    })}
                {cancelable
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                class="btn cancel"
                                aria-label=cancel_label
                                on:click=act(DeliveryAction::Cancel)
                                disabled=move || !change.ready()
                            >
                                {tr("common.cancel")}
                            </button>
                        }
                    })}
            </td>
        </tr>
        <Show when=shown>
            <tr class="attempts-row row-panel">
                <td colspan="6">
                    <Attempts ids=ids.get_value() may_read=super::shows_payload(api.session) />
                </td>
            </tr>
        </Show>
    }
}
