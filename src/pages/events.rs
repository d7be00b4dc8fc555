//! Events: filterable, cursor-paginated history. Filters live in the URL (so reloads, deep
//! links and `meshes:navigate` keep them); rows still in flight update themselves.

use super::{authed_resource, every, href_with_query, page_link, render_loaded, staged};
use crate::api::Api;
use crate::error::AppError;
use crate::router::{navigate, use_location};
use crate::ui::{
    ErrorState, PageHeader, StatusBadge, Time, local_input_to_utc, utc_to_local_input,
};
use leptos::prelude::*;
use meshes_protocol::EmbedRoute;
use meshes_protocol::api::{CatalogEntry, Event, Page, Status};
use meshes_protocol::route::{EVENT_PAGE_SIZES, EventFilters};

/// At most this many in-flight rows are re-read per tick.
const LIVE_BATCH: usize = 25;
const LIVE_EVERY_MS: u64 = 3_000;

fn list_path(api: &Api, f: &EventFilters, cursor: Option<&str>) -> String {
    let mut q = f.clone();
    q.limit = Some(q.limit.unwrap_or(EVENT_PAGE_SIZES[0]));
    let mut query = q.query();
    if let Some(c) = cursor {
        query.push_str(&format!("&cursor={c}"));
    }
    api.workspace_path(&format!("/events?{query}"))
}

#[component]
pub fn EventsPage() -> impl IntoView {
    let location = use_location();
    let filters = Memo::new(move |_| EventFilters::parse(&location.search.get()));
    let first = authed_resource(move |api| {
        let f = filters.get();
        async move { api.get::<Page<Event>>(list_path(&api, &f, None)).await }
    });
    view! {
        <PageHeader
            title="Events"
            subtitle="Every event this workspace received and where it was delivered"
        />
        <FilterForm filters />
        {render_loaded(
            first,
            8,
            move |page| view! { <EventList first=page filters=filters.get_untracked() /> },
        )}
    }
}

/// Typed values stay in these signals until "Apply"; the URL only changes on submit.
#[component]
fn FilterForm(filters: Memo<EventFilters>) -> impl IntoView {
    let types = authed_resource(|api| async move {
        api.get::<Vec<CatalogEntry>>(api.workspace_path("/event-types"))
            .await
    });
    let f = filters.get_untracked();
    let status = RwSignal::new(f.status.unwrap_or_default());
    let event = RwSignal::new(f.event.unwrap_or_default());
    let resource = RwSignal::new(f.resource.unwrap_or_default());
    let resource_id = RwSignal::new(f.resource_id.unwrap_or_default());
    let since = RwSignal::new(
        f.since
            .as_deref()
            .map(utc_to_local_input)
            .unwrap_or_default(),
    );
    let until = RwSignal::new(
        f.until
            .as_deref()
            .map(utc_to_local_input)
            .unwrap_or_default(),
    );
    let limit = RwSignal::new(f.limit.unwrap_or(EVENT_PAGE_SIZES[0]).to_string());
    let loc = use_location();
    let go = move |f: EventFilters| {
        let href = href_with_query(&EmbedRoute::Events.path(), &f.query());
        navigate(loc, &href, true);
    };
    let apply = {
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let some = |s: String| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
            go(EventFilters {
                status: some(status.get_untracked()),
                event: some(event.get_untracked()),
                resource: some(resource.get_untracked()),
                resource_id: some(resource_id.get_untracked()),
                since: local_input_to_utc(&since.get_untracked()),
                until: local_input_to_utc(&until.get_untracked()),
                limit: limit.get_untracked().parse().ok(),
            });
        }
    };
    let clear = move |_| {
        for s in [status, event, resource, resource_id, since, until] {
            s.set(String::new());
        }
        go(EventFilters::default());
    };
    let type_options =
        move || {
            types.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|t| {
            view! { <option value=t.key.clone()>{format!("{} ({})", t.label, t.key)}</option> }
        }).collect_view()
        };
    view! {
        <form class="filters" id="event-filters" on:submit=apply aria-label="Filter events">
            <label>
                "Status"
                <select
                    id="filter-status"
                    prop:value=status
                    on:change=move |e| status.set(event_target_value(&e))
                >
                    <option value="">"Any"</option>
                    {Status::ALL
                        .map(|s| view! { <option value=s.as_str()>{s.as_str()}</option> })
                        .collect_view()}
                </select>
            </label>
            <label>
                "Event type"
                <input
                    id="filter-event"
                    list="event-type-options"
                    bind:value=event
                    placeholder="e.g. contact.created"
                /> <datalist id="event-type-options">{type_options}</datalist>
            </label>
            <label>
                "Resource"
                <input id="filter-resource" bind:value=resource placeholder="e.g. contact" />
            </label>
            <label>"Resource id"<input id="filter-resource-id" bind:value=resource_id /></label>
            <label>"From"<input id="filter-since" type="datetime-local" bind:value=since /></label>
            <label>"To"<input id="filter-until" type="datetime-local" bind:value=until /></label>
            <label>
                "Per page"
                <select
                    id="filter-limit"
                    prop:value=limit
                    on:change=move |e| limit.set(event_target_value(&e))
                >
                    {EVENT_PAGE_SIZES
                        .map(|n| view! { <option value=n.to_string()>{n.to_string()}</option> })
                        .collect_view()}
                </select>
            </label>
            <div class="filter-actions">
                <button type="submit" class="btn btn-primary" id="filter-apply">
                    "Apply"
                </button>
                <button type="button" class="btn" id="filter-clear" on:click=clear>
                    "Clear"
                </button>
            </div>
        </form>
    }
}

#[component]
fn EventList(first: Page<Event>, filters: EventFilters) -> impl IntoView {
    let api = expect_context::<Api>();
    let items = RwSignal::new(first.records);
    let next = RwSignal::new(first.next_cursor);
    let loading = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);
    let filtered = !filters.is_empty();
    let load_api = api.clone();
    let load_more = move |_| {
        let Some(cursor) = next.get_untracked() else {
            return;
        };
        let (api, f) = (load_api.clone(), filters.clone());
        loading.set(true);
        leptos::task::spawn_local(async move {
            match api
                .get::<Page<Event>>(list_path(&api, &f, Some(&cursor)))
                .await
            {
                Ok(page) => {
                    items.update(|v| v.extend(page.records));
                    next.set(page.next_cursor);
                    error.set(None);
                }
                Err(e) => error.set(Some(e)),
            }
            loading.set(false);
        });
    };
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
        let api = api.clone();
        leptos::task::spawn_local(async move {
            for id in pending {
                let Ok(fresh) = api.get::<Event>(format!("/api/v1/events/{id}")).await else {
                    continue;
                };
                let fresh = Event {
                    rule_events: None,
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
    let rows = staged(items);
    view! {
        <Show
            when=move || !items.with(Vec::is_empty)
            fallback=move || {
                if filtered {
                    view! {
                        <p class="empty" id="events-empty">
                            "No events match these filters. Clear them or widen the time range."
                        </p>
                    }
                        .into_any()
                } else {
                    view! {
                        <p class="empty" id="events-empty">
                            "No events yet. Events your app sends to Meshes appear here with their delivery status."
                        </p>
                    }
                        .into_any()
                }
            }
        >
            <table class="table" id="events-table">
                <thead>
                    <tr>
                        <th scope="col">"Event"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Resource"</th>
                        <th scope="col">"Deliveries"</th>
                        <th scope="col">"Received"</th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || rows.get() key=|e| (e.id.clone(), e.status) let:e>
                        <EventRow e />
                    </For>
                </tbody>
            </table>
        </Show>
        {move || error.get().map(|err| view! { <ErrorState err /> })}
        <Show when=move || next.with(Option::is_some)>
            <button
                type="button"
                class="btn"
                id="events-more"
                on:click=load_more.clone()
                disabled=move || loading.get()
            >
                {move || if loading.get() { "Loading…" } else { "Load more" }}
            </button>
        </Show>
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
    let deliveries = if total == 0 {
        "No matching rules".to_owned()
    } else {
        let failed = e.failed_count.unwrap_or(0);
        let done = e.completed_count.unwrap_or(0);
        let mut s = format!("{done} of {total} delivered");
        if failed > 0 {
            s.push_str(&format!(", {failed} failed"));
        }
        s
    };
    let link = page_link(
        EmbedRoute::EventDetail {
            event_id: e.id.clone(),
        },
        e.event.clone(),
    );
    view! {
        <tr data-event-id=e.id.clone() data-status=e.status.as_str()>
            <td>{link}</td>
            <td>
                <StatusBadge status=e.status />
            </td>
            <td>{resource}</td>
            <td>{deliveries}</td>
            <td>
                <Time at=e.created_at />
            </td>
        </tr>
    }
}
