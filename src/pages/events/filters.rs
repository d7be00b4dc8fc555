//! The Events filters: typed values stay in these signals until "Apply"; the URL only changes on
//! submit.

use crate::pages::kit::{authed_resource, href_with_query};
use crate::shell::router::{navigate, use_location};
use crate::ui::{local_input_to_utc, utc_to_local_input};
use leptos::prelude::*;
use meshes_protocol::EmbedRoute;
use meshes_protocol::api::Status;
use meshes_protocol::route::{EVENT_PAGE_SIZES, EventFilters};

/// Typed values stay in these signals until "Apply"; the URL only changes on submit.
#[component]
pub fn FilterForm(filters: Memo<EventFilters>) -> impl IntoView {
    let types = authed_resource(|api| api.event_types());
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
