//! The Events filters: typed values stay in these signals until "Apply"; the URL only changes on
//! submit.

use crate::api::use_api;
use crate::i18n::{number, t, tf, tr};
use crate::pages::kit::{authed_resource, href_with_query};
use crate::shell::router::{navigate, use_location};
use crate::ui::{local_input_to_utc, status_label, use_focus, utc_to_local_input};
use leptos::prelude::*;
use meshes_protocol::EmbedRoute;
use meshes_protocol::access::{EmbedPage, can_open};
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
    let connection = RwSignal::new(f.connection.unwrap_or_default());
    // Connections to filter by, where this session may list them.
    let connections = authed_resource(|api| async move {
        let st = api.session.ctx().session_type;
        if !can_open(st, EmbedPage::Connections) && !can_open(st, EmbedPage::Rules) {
            return Ok(vec![]);
        }
        Ok(api.all_connections().await?.records)
    });
    let loc = use_location();
    let ctx = use_api().session.ctx();
    let locked = ctx.resource.clone().zip(ctx.resource_id.clone());
    let go = move |f: EventFilters| {
        let href = href_with_query(&EmbedRoute::Events.path(), &f.query());
        navigate(loc, &href, true);
    };
    // A range that ends before it starts would only ever show nothing: say so at "To".
    let backwards = RwSignal::new(false);
    let focus = use_focus();
    let apply = {
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let some = |s: String| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
            let (from, to) = (
                local_input_to_utc(&since.get_untracked()),
                local_input_to_utc(&until.get_untracked()),
            );
            backwards.set(matches!((&from, &to), (Some(f), Some(t)) if f > t));
            if backwards.get_untracked() {
                focus.later("#filter-until");
                return;
            }
            go(EventFilters {
                status: some(status.get_untracked()),
                event: some(event.get_untracked()),
                resource: some(resource.get_untracked()),
                resource_id: some(resource_id.get_untracked()),
                since: from,
                until: to,
                connection: some(connection.get_untracked()),
                limit: limit.get_untracked().parse().ok(),
            });
        }
    };
    let clear = move |_| {
        for s in [
            status,
            event,
            resource,
            resource_id,
            since,
            until,
            connection,
        ] {
            s.set(String::new());
        }
        backwards.set(false);
        go(EventFilters::default());
    };
    let type_options =
        move || {
            types.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|t| {
            view! { <option value=t.key.clone()>{format!("{} ({})", t.label, t.key)}</option> }
        }).collect_view()
        };
    view! {
        <form
            class="filters"
            id="event-filters"
            on:submit=apply
            aria-label=tr("events.filter_label")
        >
            <label>
                {tr("common.status")}
                <select
                    id="filter-status"
                    prop:value=status
                    on:change=move |e| status.set(event_target_value(&e))
                >
                    <option value="">{tr("common.any")}</option>
                    {Status::ALL
                        .map(|s| {
                            view! { <option value=s.as_str()>{move || status_label(s)}</option> }
                        })
                        .collect_view()}
                </select>
            </label>
            <label>
                {tr("events.filter_event_type")}
                <input
                    id="filter-event"
                    list="event-type-options"
                    bind:value=event
                    placeholder=move || tf("events.example", &[("example", "contact.created")])
                /> <datalist id="event-type-options">{type_options}</datalist>
            </label>
            {match locked {
                Some((r, id)) => {
                    // A resource session sees one resource: its filters would be ignored.
                    view! {
                        <p class="help scope-note" id="events-scope">
                            {move || {
                                tf(
                                    "events.scope_note",
                                    &[("resource", r.as_str()), ("id", id.as_str())],
                                )
                            }}
                        </p>
                    }
                        .into_any()
                }
                None => {
                    view! {
                        <label>
                            {tr("common.resource")}
                            <input
                                id="filter-resource"
                                bind:value=resource
                                placeholder=move || tf("events.example", &[("example", "contact")])
                            />
                        </label>
                        <label>
                            {tr("common.resource_id")}
                            <input id="filter-resource-id" bind:value=resource_id />
                        </label>
                    }
                        .into_any()
                }
            }}
            <label>
                {tr("events.filter_from")}
                <input id="filter-since" type="datetime-local" bind:value=since />
            </label>
            <label>
                {tr("events.filter_to")}
                <input
                    id="filter-until"
                    type="datetime-local"
                    bind:value=until
                    aria-invalid=move || backwards.get().then_some("true")
                    aria-describedby="filter-until-error"
                /> <span class="field-error" id="filter-until-error">
                    {move || { backwards.get().then(|| t("events.filter_backwards")) }}
                </span>
            </label>
            {move || {
                let list = connections.get().and_then(Result::ok).unwrap_or_default();
                (!list.is_empty())
                    .then(|| {
                        view! {
                            <label>
                                {tr("common.connection")}
                                <select
                                    id="filter-connection"
                                    prop:value=connection
                                    on:change=move |e| connection.set(event_target_value(&e))
                                >
                                    <option value="">{tr("common.any")}</option>
                                    {list
                                        .into_iter()
                                        .map(|c| view! { <option value=c.id>{c.name}</option> })
                                        .collect_view()}
                                </select>
                            </label>
                        }
                    })
            }}
            <label>
                {tr("events.filter_per_page")}
                <select
                    id="filter-limit"
                    prop:value=limit
                    on:change=move |e| limit.set(event_target_value(&e))
                >
                    {EVENT_PAGE_SIZES
                        .map(|n| {
                            view! {
                                <option value=n.to_string()>{move || number(n as usize)}</option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            <div class="filter-actions">
                <button type="submit" class="btn btn-primary" id="filter-apply">
                    {tr("common.apply")}
                </button>
                <button type="button" class="btn" id="filter-clear" on:click=clear>
                    {tr("events.filter_clear")}
                </button>
            </div>
        </form>
    }
}
