//! Rules: which events go to which connection action. List with filters, create (see `form`),
//! switch on/off, delete, and send a test event through one rule.

mod catalogs;
mod form;
mod list;
mod test_event;

use super::kit::{authed_resource, render_loaded};
use crate::api::use_api;
use crate::error::AppError;
use crate::i18n::{tf, tr};
use crate::ui::{Notice, NoticeView, PageHeader, ReadOnlyNote, Skeleton, use_focus};
pub use catalogs::Catalogs;
use catalogs::load_catalogs;
use leptos::prelude::*;
use list::RuleList;
use meshes_protocol::access::Action;
use meshes_protocol::api::Rule;

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
        async move { api.rules(&q).await }
    });
    let session = use_api().session;
    let permits = session.permits(Action::Write);
    let creating = RwSignal::new(false);
    let fresh = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<Notice>);
    let on_created = Callback::new(move |rule: Rule| {
        creating.set(false);
        fresh.set(Some(rule.id.clone()));
        notice.set(Some(Notice::Done(tf(
            "rules.created_notice",
            &[("event", rule.event.as_str())],
        ))));
        rules.refetch();
    });
    let can_create = permits.is_ok();
    let focus = use_focus();
    view! {
        <PageHeader title=tr("rules.title") subtitle=tr("rules.subtitle") />
        {permits.err().map(|why| view! { <ReadOnlyNote reason=move || why.sentence() /> })}
        <form
            class="filters"
            id="rule-filters"
            on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                applied.set(filter.get_untracked());
            }
        >
            <label>
                {tr("rules.filter_event")}
                <input
                    id="rule-filter-event"
                    prop:value=move || filter.with(|f| f.event.clone())
                    on:input=move |e| filter.update(|f| f.event = event_target_value(&e))
                />
            </label>
            <label>
                {tr("common.connection")}
                <select
                    id="rule-filter-connection"
                    on:change=move |e| filter.update(|f| f.connection = event_target_value(&e))
                >
                    <option value="">{tr("common.any")}</option>
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
                {tr("common.resource")}
                <input
                    id="rule-filter-resource"
                    on:input=move |e| filter.update(|f| f.resource = event_target_value(&e))
                />
            </label>
            <label>
                {tr("common.resource_id")}
                <input
                    id="rule-filter-resource-id"
                    on:input=move |e| filter.update(|f| f.resource_id = event_target_value(&e))
                />
            </label>
            <div class="filter-actions">
                <button type="submit" class="btn">
                    {tr("common.apply")}
                </button>
                {can_create
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                class="btn btn-primary"
                                id="new-rule"
                                aria-expanded=move || creating.get().to_string()
                                on:click=move |_| creating.set(true)
                            >
                                {tr("rules.new")}
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
                            on_saved=on_created
                            on_cancel=Callback::new(move |_| {
                                creating.set(false);
                                focus.later("#new-rule");
                            })
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
