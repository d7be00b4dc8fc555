//! Events: filterable, cursor-paginated history. Filters live in the URL (so reloads, deep
//! links and `meshes:navigate` keep them); rows still in flight update themselves.

mod filters;

use super::kit::{Paged, authed_resource, every, page_link, render_loaded, staged};
use crate::api::use_api;
use crate::error::AppError;
use crate::i18n::{number, t, tf, tp, tr};
use crate::shell::router::use_location;
use crate::ui::{PageHeader, StatusBadge, Table, Time, connection_label};
use leptos::prelude::*;
use meshes_protocol::EmbedRoute;
use meshes_protocol::api::{ConnectionState, Destination, Event, Page};
use meshes_protocol::route::{EVENT_PAGE_SIZES, EventFilters};

/// At most this many in-flight rows are re-read per tick.
const LIVE_BATCH: usize = 25;
const LIVE_EVERY_MS: u64 = 3_000;
/// How often the first page is asked for events that arrived since.
const NEW_EVERY_MS: u64 = 10_000;

/// The list's query: the filters, a page size, and where to continue.
fn list_query(f: &EventFilters, cursor: Option<&str>) -> String {
    let mut q = f.clone();
    q.limit = Some(q.limit.unwrap_or(EVENT_PAGE_SIZES[0]));
    let mut query = q.query();
    if let Some(c) = cursor {
        query.push_str(&format!("&cursor={c}"));
    }
    query
}

#[component]
pub fn EventsPage() -> impl IntoView {
    let location = use_location();
    let filters = Memo::new(move |_| EventFilters::parse(&location.search.get()));
    let first = authed_resource(move |api| {
        let f = filters.get();
        async move { api.events(&list_query(&f, None)).await }
    });
    let ctx = use_api().session.ctx();
    let scope = ctx.resource.clone().zip(ctx.resource_id.clone());
    let subtitle = move || match &scope {
        Some((r, id)) => tf(
            "events.subtitle_scoped",
            &[("resource", r.as_str()), ("id", id.as_str())],
        ),
        None => t("events.subtitle"),
    };
    view! {
        <PageHeader title=tr("events.title") subtitle />
        <filters::FilterForm filters />
        {render_loaded(
            first,
            8,
            move |page| view! { <EventList first=page filters=filters.get_untracked() /> },
        )}
    }
}

#[component]
fn EventList(first: Page<Event>, filters: EventFilters) -> impl IntoView {
    let api = use_api();
    let filtered = !filters.is_empty();
    let list = Paged::new(first);
    let items = list.items;
    let filters = StoredValue::new(filters);
    let more = list.more("events-more", move |cursor| {
        let query = filters.with_value(|f| list_query(f, Some(&cursor)));
        async move { api.events(&query).await }
    });
    // Live updates: re-read rows that are not finished yet, one at a time. Each answer is its
    // own small task; 25 requests started together cost one 70 ms task on a phone-class CPU
    // (and a burst on the server). A sweep still running when the next tick comes skips it.
    let sweeping = StoredValue::new_local(false);
    every(LIVE_EVERY_MS, move || {
        if sweeping.get_value() {
            return;
        }
        let pending: Vec<String> = items.with_untracked(|v| {
            v.iter()
                .filter(|e| !e.status.is_terminal())
                .take(LIVE_BATCH)
                .map(|e| e.id.clone())
                .collect()
        });
        if pending.is_empty() {
            return;
        }
        sweeping.set_value(true);
        leptos::task::spawn_local(async move {
            for id in pending {
                let fresh = match api.event(&id, false).await {
                    Ok(fresh) => fresh,
                    // Gone with the page: stop.
                    Err(AppError::Canceled) => return,
                    Err(_) => continue,
                };
                // The list row keeps where it went: the detail's deliveries say it.
                let destinations = fresh.rule_events.as_ref().map(|r| {
                    r.iter()
                        .map(|d| Destination {
                            connection: d.connection.clone(),
                            connection_name: d.connection_name.clone(),
                            connection_state: d.connection_state.unwrap_or(ConnectionState::Live),
                            integration_type: d.integration_type.clone(),
                            status: d.status,
                        })
                        .collect()
                });
                let fresh = Event {
                    rule_events: None,
                    destinations,
                    ..fresh
                };
                // Gone with the page: stop.
                let Some(changed) =
                    items.try_with_untracked(|v| v.iter().any(|e| e.id == fresh.id && *e != fresh))
                else {
                    return;
                };
                if changed {
                    items.update(|v| {
                        if let Some(slot) = v.iter_mut().find(|e| e.id == fresh.id) {
                            *slot = fresh;
                        }
                    });
                }
            }
            let _ = sweeping.try_set_value(false);
        });
    });
    // New events: the first page again, with the same filters; what is not shown yet goes on
    // top, and a live region says how many came.
    let arrived = RwSignal::new(0usize);
    let checking = StoredValue::new_local(false);
    every(NEW_EVERY_MS, move || {
        if checking.get_value() {
            return;
        }
        checking.set_value(true);
        let query = filters.with_value(|f| list_query(f, None));
        leptos::task::spawn_local(async move {
            if let Ok(page) = api.events(&query).await {
                let new: Vec<Event> = items.with_untracked(|v| {
                    page.records
                        .into_iter()
                        .filter(|e| !v.iter().any(|x| x.id == e.id))
                        .collect()
                });
                if !new.is_empty() {
                    let n = new.len();
                    let _ = items.try_update(|v| {
                        v.splice(0..0, new);
                    });
                    let _ = arrived.try_update(|a| *a += n);
                }
            }
            let _ = checking.try_set_value(false);
        });
    });
    let rows = staged(items);
    view! {
        <Show
            when=move || !items.with(Vec::is_empty)
            fallback=move || {
                if filtered {
                    view! {
                        <p class="empty" id="events-empty">
                            {tr("events.empty_filtered")}
                        </p>
                    }
                        .into_any()
                } else {
                    view! {
                        <p class="empty" id="events-empty">
                            {tr("events.empty")}
                        </p>
                    }
                        .into_any()
                }
            }
        >
            <Table
                id="events-table"
                columns=&[
                    "events.col_event",
                    "common.status",
                    "events.col_destination",
                    "common.resource",
                    "events.col_deliveries",
                    "events.col_received",
                ]
            >
                <For each=move || rows.get() key=|e| (e.id.clone(), e.status) let:e>
                    <EventRow e />
                </For>
            </Table>
        </Show>
        <p class="muted" id="events-arrived" role="status">
            {move || match arrived.get() {
                0 => String::new(),
                n => tp("events.arrived", n, &[]),
            }}
        </p>
        {more}
    }
}

#[component]
fn EventRow(e: Event) -> impl IntoView {
    let resource = match (&e.resource, &e.resource_id) {
        (Some(r), Some(id)) => format!("{r} · {id}"),
        (Some(r), None) => r.clone(),
        _ => "—".into(),
    };
    let total = e.total_rules.unwrap_or(0);
    let failed = e.failed_count.unwrap_or(0);
    let done = e.completed_count.unwrap_or(0);
    let deliveries = move || {
        if total == 0 {
            return t("events.deliveries_none");
        }
        let key = if failed > 0 {
            "events.deliveries_failed"
        } else {
            "events.deliveries"
        };
        let (done, total, failed) = (
            number(done as usize),
            number(total as usize),
            number(failed as usize),
        );
        tf(
            key,
            &[
                ("done", done.as_str()),
                ("total", total.as_str()),
                ("failed", failed.as_str()),
            ],
        )
    };
    let link = page_link(
        EmbedRoute::EventDetail {
            event_id: e.id.clone(),
        },
        e.event.clone(),
    );
    // Where it went, by name (an API without `destinations` leaves this to the detail page).
    let destinations = e.destinations.clone();
    let destination = move || {
        destinations.as_ref().map_or_else(
            || "—".to_owned(),
            |d| {
                if d.is_empty() {
                    return t("events.destination_none");
                }
                d.iter()
                    .map(|d| {
                        connection_label(
                            d.connection_name.as_deref(),
                            Some(d.connection_state),
                            &d.integration_type,
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        )
    };
    let test = e.test == Some(true);
    view! {
        <tr data-event-id=e.id.clone() data-status=e.status.as_str()>
            <td>
                {link}
                {test.then(|| view! { <span class="badge badge-test">{tr("events.test")}</span> })}
            </td>
            <td data-label=tr("common.status")>
                <StatusBadge status=e.status />
            </td>
            <td data-label=tr("events.col_destination")>{destination}</td>
            <td data-label=tr("common.resource")>{resource}</td>
            <td data-label=tr("events.col_deliveries")>{deliveries}</td>
            <td data-label=tr("events.col_received")>
                <Time at=e.created_at />
            </td>
        </tr>
    }
}
