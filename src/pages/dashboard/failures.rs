//! "Recent failures": the same error to the same connection is one line, with how often it
//! happened and a link to the newest; and a link to every failed event of the period.

use crate::i18n::{tp, tr};
use crate::pages::kit::page_link;
use crate::shell::router::Link;
use crate::ui::{Time, connection_label};
use leptos::prelude::*;
use meshes_protocol::EmbedRoute;
use meshes_protocol::api::RecentFailure;

/// One line: the newest failure of its kind and how many there were.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub newest: RecentFailure,
    pub count: usize,
}

/// Failures (newest first) grouped by connection, event type and error, in order of each
/// group's newest.
pub fn group(failures: Vec<RecentFailure>) -> Vec<Group> {
    let mut groups: Vec<Group> = vec![];
    for f in failures {
        let same = |g: &&mut Group| {
            g.newest.connection == f.connection
                && g.newest.event == f.event
                && g.newest.last_error == f.last_error
        };
        match groups.iter_mut().find(|g| same(g)) {
            Some(g) => g.count += 1,
            None => groups.push(Group {
                newest: f,
                count: 1,
            }),
        }
    }
    groups
}

#[component]
pub fn FailureList(
    failures: Vec<RecentFailure>,
    /// Every failed event of the period, on Events (None where this session has no Events).
    all: Option<String>,
) -> impl IntoView {
    if failures.is_empty() {
        return view! { <p class="empty">{tr("dashboard.no_failures")}</p> }.into_any();
    }
    let lines = group(failures)
        .into_iter()
        .map(|Group { newest: f, count }| {
            let link = page_link(
                EmbedRoute::EventDetail {
                    event_id: f.event_id.clone(),
                },
                f.event.clone(),
            );
            let to = connection_label(
                Some(&f.connection_name),
                f.connection_state,
                &f.integration_type,
            );
            let times = (count > 1).then(|| {
                view! {
                    {move || tp("dashboard.failure_times", count, &[])}
                    " "
                }
            });
            view! {
                <li>
                    // Each side isolated, so the arrow follows the page's direction even
                    // between two Latin names in Arabic.
                    <bdi>{link}</bdi>
                    " "
                    {tr("common.arrow_to")}
                    " "
                    <bdi>{to}</bdi>
                    <span class="muted">" · "{times}<Time at=f.failed_at relative=true /></span>
                    <p class="error-text">{f.last_error.unwrap_or_default()}</p>
                </li>
            }
        });
    view! {
        <ul class="failures">{lines.collect_view()}</ul>
        {all.map(|href| view! { <Link href>{tr("dashboard.see_all_failed")}</Link> })}
    }
    .into_any()
}
