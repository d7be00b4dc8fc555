//! One connection's row: its status and actions (field mapping, edit under the row, reconnect,
//! delete with the 409 force-delete path).

use super::conflict::ConflictPanel;
use super::form::ConnectionForm;
use super::list::RowCtx;
use crate::api::use_api;
use crate::error::AppError;
use crate::i18n::{t, tf, tp, tr};
use crate::oauth::Target;
use crate::pages::kit::{Mutation, page_link};
use crate::ui::{ConfirmButton, Notice, Time, inactive_reason, integration_label, use_focus};
use leptos::prelude::*;
use meshes_protocol::EmbedRoute;
use meshes_protocol::access::Action;
use meshes_protocol::api::{Connection, DeleteConnection, InactiveReason};

#[component]
pub fn ConnectionRow(c: Connection, ctx: RowCtx) -> impl IntoView {
    let api = use_api();
    let session = api.session;
    let can_edit = session.permits(Action::Write).is_ok();
    let can_delete = session.permits(Action::Delete).is_ok();
    let change = Mutation::new(session);
    // Set by a 409: the server's explanation, and the offer to force.
    let conflict = RwSignal::new(None::<String>);
    // OAuth grants that lapsed are fixed by signing in again through the hosted flow.
    let reconnect = (can_edit
        && matches!(
            c.inactive_reason,
            Some(
                InactiveReason::OauthAuthorizationRevoked
                    | InactiveReason::OauthReauthorizationRequired
            )
        ))
    .then(|| Target {
        kind: c.kind.clone(),
        name: integration_label(&c.kind).to_owned(),
        reconnect: Some(c.id.clone()),
    });
    let status = if c.active {
        view! { <span class="badge badge-completed">{tr("common.active")}</span> }.into_any()
    } else {
        let why = c
            .inactive_reason
            .map(inactive_reason)
            .unwrap_or("connections.paused");
        view! {
            <span class="badge badge-failed">{tr("connections.needs_attention")}</span>
            <p class="muted">{tr(why)}</p>
        }
        .into_any()
    };
    let row = StoredValue::new(c.clone());
    // OAuth connections remember the account they were signed in with.
    let account = c
        .metadata
        .get("account")
        .and_then(|a| a.as_str())
        .map(str::to_owned);
    let focus = use_focus();
    // The events of the rules that use it, once the 409 panel has read them.
    let uses = RwSignal::new(Vec::<String>::new());
    let delete = move |force: bool| {
        let (id, name) = row.with_value(|c| (c.id.clone(), c.name.clone()));
        let how = DeleteConnection {
            force_delete: force.then_some(true),
        };
        let target = id.clone();
        change.run_then(
            async move { api.delete_connection(&target, &how).await },
            move |result| match result {
                Ok(_) => {
                    conflict.set(None);
                    // A forced delete says what went with it.
                    let name = name.as_str();
                    let text = uses.with_untracked(|u| match u.len() {
                        _ if !force => tf("connections.deleted", &[("name", name)]),
                        0 => tf("connections.deleted_with_rules", &[("name", name)]),
                        1 => tf(
                            "connections.deleted_with_rule",
                            &[("name", name), ("event", u[0].as_str())],
                        ),
                        n => {
                            let events = u.join(", ");
                            tp(
                                "connections.deleted_with_n_rules",
                                n,
                                &[("name", name), ("events", events.as_str())],
                            )
                        }
                    });
                    ctx.notice.set(Some(Notice::Done(text)));
                    ctx.reload.run(());
                }
                // In the row, next to the force option: active rules still use it. The safe
                // choice takes focus, as in every confirmation.
                Err(e @ AppError::Http { status: 409, .. }) => {
                    conflict.set(Some(e.message()));
                    focus.later(format!("{} .keep-connection", panel_of(&id)));
                }
                Err(e) => ctx.notice.set(Some(Notice::Failed(e))),
            },
        );
    };
    if ctx
        .target
        .with_value(|t| t.as_deref() == Some(c.id.as_str()))
    {
        let fix = if reconnect.is_some() {
            ".reconnect-connection"
        } else if can_edit {
            ".edit-connection"
        } else {
            "a"
        };
        focus.later(format!("tr[data-connection-id='{}'] {fix}", c.id));
    }
    let editing = move || {
        ctx.editing
            .with(|e| e.as_ref().is_some_and(|e| row.with_value(|c| c.id == e.id)))
    };
    let name = StoredValue::new(c.name.clone());
    let row_delete = StoredValue::new(format!(
        "tr[data-connection-id='{}'] .delete-connection",
        c.id
    ));
    let question =
        move || name.with_value(|n| tf("connections.delete_question", &[("name", n.as_str())]));
    let highlight = move || {
        let fresh = ctx.fresh.get();
        row.with_value(|c| fresh.as_deref() == Some(c.id.as_str()))
    };
    let mappings = move || {
        page_link(
            EmbedRoute::ConnectionMappings {
                connection_id: row.with_value(|c| c.id.clone()),
            },
            t("connections.field_mapping"),
        )
    };
    // Credentials forms only for types the catalog says are not OAuth.
    let editable = move || {
        ctx.oauth_apps.with(|k| {
            k.as_ref()
                .is_some_and(|k| row.with_value(|c| k.iter().all(|i| i.kind != c.kind)))
        })
    };
    view! {
        <tr data-connection-id=c.id.clone() class:highlight=highlight>
            <td class="conn-name">{c.name}</td>
            <td data-label=tr(
                "common.integration",
            )>
                {integration_label(&c.kind).to_owned()}
                {account
                    .map(|a| {
                        view! {
                            <p class="muted account">
                                {move || tf("connections.account", &[("account", a.as_str())])}
                            </p>
                        }
                    })}
            </td>
            <td data-label=tr("common.status")>{status}</td>
            <td data-label=tr("common.created")>
                <Time at=c.created_at />
            </td>
            <td class="actions">
                {mappings}
                {can_edit
                    .then(|| {
                        view! {
                            <Show when=editable>
                                <button
                                    type="button"
                                    class="btn-link edit-connection"
                                    aria-label=move || {
                                        name.with_value(|n| {
                                            tf("connections.edit_label", &[("name", n.as_str())])
                                        })
                                    }
                                    aria-expanded=move || editing().to_string()
                                    disabled=move || !change.ready()
                                    on:click=move |_| ctx.editing.set(Some(row.get_value()))
                                >
                                    {tr("common.edit")}
                                </button>
                            </Show>
                        }
                    })}
                {reconnect
                    .map(|t| {
                        view! {
                            <button
                                type="button"
                                class="btn btn-primary reconnect-connection"
                                disabled=move || !change.ready() || ctx.flow.busy()
                                on:click=move |_| ctx.flow.start(t.clone())
                            >
                                {tr("connections.reconnect")}
                            </button>
                        }
                    })}
                {can_delete
                    .then(|| {
                        view! {
                            <ConfirmButton
                                label="common.delete"
                                what=name.get_value()
                                class="btn-link delete-connection"
                                question
                                yes="connections.delete_yes"
                                enabled=Signal::derive(move || change.ready())
                                on_yes=Callback::new(move |_| delete(false))
                            />
                        }
                    })}
            </td>
        </tr>
        <Show when=editing>
            <tr class="row-panel edit-row">
                <td colspan="5">
                    {move || {
                        ctx.catalog
                            .get()
                            .map(|integrations| {
                                view! {
                                    <ConnectionForm
                                        integrations
                                        existing=Some(row.get_value())
                                        on_saved=ctx.on_saved
                                        on_cancel=ctx.on_cancel
                                    />
                                }
                            })
                    }}
                </td>
            </tr>
        </Show>
        {move || {
            conflict
                .get()
                .map(|message| {
                    view! {
                        <ConflictPanel
                            id=row.with_value(|c| c.id.clone())
                            message
                            change
                            uses
                            on_force=Callback::new(move |_| delete(true))
                            on_keep=Callback::new(move |_| {
                                conflict.set(None);
                                focus.later(row_delete.get_value());
                            })
                        />
                    }
                })
        }}
    }
}

/// The 409 panel under a connection's row.
fn panel_of(id: &str) -> String {
    format!("[data-conflict-for='{id}']")
}
