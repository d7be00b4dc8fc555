//! Connections: the workspace's integrations and their health, cursor-paginated; create, edit
//! and delete (with the 409 "rules still use it" path offering a force delete); OAuth apps
//! connect and reconnect through the hosted flow (`crate::oauth`).

mod conflict;
mod connect;
mod form;
mod list;
mod row;

use super::kit::{authed_resource, render_loaded};
use crate::api::use_api;
use crate::i18n::{tf, tr};
use crate::oauth::{OauthFlow, RedirectInfo};
use crate::shell::router::use_location;
use crate::ui::{
    Notice, NoticeView, PageHeader, ReadOnlyNote, focus_lost, focus_within, integration_label,
    use_focus,
};
use leptos::prelude::*;
use list::{ConnectionList, RowCtx};
use meshes_protocol::EmbedMessage;
use meshes_protocol::access::Action;
use meshes_protocol::api::{AuthType, Connection, OauthAttempt};
use meshes_protocol::message::ConnectionOutcome;

#[component]
pub fn ConnectionsPage() -> impl IntoView {
    let first = authed_resource(|api| api.connections(None));
    let integrations = authed_resource(|api| api.integrations());
    // Which types connect through the hosted OAuth flow instead of a credentials form: the
    // catalog says, not a list in code. None until the catalog is in.
    let catalog = Memo::new(move |_| integrations.get().and_then(Result::ok).map(|l| l.records));
    let oauth_apps = Memo::new(move |_| {
        catalog.get().map(|list| {
            list.into_iter()
                .filter(|i| i.authentication.kind == AuthType::Oauth)
                .collect::<Vec<_>>()
        })
    });
    // Lives at page level, so typed text survives reloads, refreshes and expiry.
    let filter = RwSignal::new(String::new());
    let api = use_api();
    let session = api.session;
    let permits = session.permits(Action::Write);
    let can_create = permits.is_ok();
    let creating = RwSignal::new(false);
    let editing = RwSignal::new(None::<Connection>);
    let notice = RwSignal::new(None::<Notice>);
    let fresh = RwSignal::new(None::<String>);
    // `?connection=<id>` (the Dashboard's "Reconnect", "Update credentials"): that row is
    // highlighted and its fix takes focus.
    let target = StoredValue::new(
        use_location()
            .search
            .get_untracked()
            .trim_start_matches('?')
            .split('&')
            .find_map(|p| p.strip_prefix("connection="))
            .filter(|id| meshes_protocol::route::is_id(id))
            .map(str::to_owned),
    );
    fresh.set(target.get_value());
    let on_saved = Callback::new(move |c: Connection| {
        let key = if editing.get_untracked().is_some() {
            "connections.saved"
        } else {
            "connections.created"
        };
        notice.set(Some(Notice::Done(tf(key, &[("name", c.name.as_str())]))));
        fresh.set(Some(c.id));
        creating.set(false);
        editing.set(None);
        first.refetch();
    });
    // Closing gives focus back to what opened the form.
    let focus = use_focus();
    let on_cancel = Callback::new(move |_| {
        let opener = match editing.get_untracked() {
            Some(c) => format!("tr[data-connection-id='{}'] .edit-connection", c.id),
            None => "#new-connection".to_owned(),
        };
        creating.set(false);
        editing.set(None);
        focus.later(opener);
    });
    // A finished OAuth flow: refetch, highlight and announce the connection, and tell the host
    // (ids only — never a token).
    let bridge = session.bridge();
    let on_connected = Callback::new(move |a: OauthAttempt| {
        let Some(id) = a.connection_id.clone() else {
            return;
        };
        let name = integration_label(&a.integration).to_owned();
        let text = match (a.account.as_deref(), a.reauthorize) {
            (Some(x), true) => tf(
                "connections.reconnected_account",
                &[("name", name.as_str()), ("account", x)],
            ),
            (Some(x), false) => tf(
                "connections.connected_account",
                &[("name", name.as_str()), ("account", x)],
            ),
            (None, true) => tf("connections.reconnected", &[("name", name.as_str())]),
            (None, false) => tf("connections.connected", &[("name", name.as_str())]),
        };
        notice.set(Some(Notice::Done(text)));
        fresh.set(Some(id.clone()));
        first.refetch();
        // Focus follows the user to what they made, if they were still on the Connect panel
        // (or nowhere): never away from something else they went on to meanwhile.
        if focus_within("#connect-apps") || focus_lost() {
            focus.later(format!(
                "tr[data-connection-id='{id}'] td.actions :is(a[href], button)"
            ));
        }
        bridge.post(&EmbedMessage::Connection {
            connection_id: id,
            integration: a.integration,
            outcome: if a.reauthorize {
                ConnectionOutcome::Reauthorized
            } else {
                ConnectionOutcome::Created
            },
        });
    });
    let flow = OauthFlow::new(api, on_connected);
    if let Some(info) = use_context::<StoredValue<RedirectInfo>>() {
        // Offered only for a host page on the origin we are bound to; the server checks
        // `allowed_origins` again.
        let parent = session.bridge().parent_origin().map(str::to_owned);
        if let Some(url) = info
            .with_value(|i| i.return_to.clone())
            .filter(|u| web_sys::Url::new(u).is_ok_and(|u| Some(u.origin()) == parent))
        {
            flow.allow_redirect(url);
        }
        if let Some(id) = info
            .try_update_value(|i| i.returned_attempt.take())
            .flatten()
        {
            flow.resume(id);
        }
    }
    let ctx = RowCtx {
        target,
        catalog,
        on_saved,
        on_cancel,
        editing,
        notice,
        fresh,
        oauth_apps,
        flow,
        reload: Callback::new(move |_| first.refetch()),
    };
    view! {
        <PageHeader title=tr("connections.title") subtitle=tr("connections.subtitle") />
        {permits.err().map(|why| view! { <ReadOnlyNote reason=move || why.sentence() /> })}
        <div class="toolbar">
            <input
                type="search"
                id="connection-filter"
                placeholder=tr("connections.filter_placeholder")
                aria-label=tr("connections.filter_label")
                bind:value=filter
            />
            <button
                type="button"
                class="btn"
                id="connections-reload"
                on:click=move |_| first.refetch()
            >
                {tr("connections.refresh")}
            </button>
            {can_create
                .then(|| {
                    view! {
                        <button
                            type="button"
                            class="btn btn-primary"
                            id="new-connection"
                            aria-expanded=move || creating.get().to_string()
                            on:click=move |_| {
                                editing.set(None);
                                creating.set(true);
                            }
                        >
                            {tr("connections.new")}
                        </button>
                    }
                })}
        </div>
        <NoticeView notice />
        // Right under the button that opened it, before the Connect buttons.
        {move || {
            creating
                .get()
                .then(|| render_loaded(
                    integrations,
                    4,
                    move |catalog| {
                        view! {
                            <form::ConnectionForm
                                integrations=catalog.records
                                existing=None
                                on_saved
                                on_cancel
                            />
                        }
                    },
                ))
        }}
        {can_create
            .then_some(move || {
                oauth_apps
                    .get()
                    .filter(|l| !l.is_empty())
                    .map(|integrations| {
                        view! {
                            <connect::ConnectPanel integrations flow enabled=session.can_write />
                        }
                    })
            })}
        {render_loaded(first, 4, move |page| view! { <ConnectionList first=page filter ctx /> })}
    }
}
