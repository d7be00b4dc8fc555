//! "Connect an app": one button per OAuth integration, and the state of the running flow —
//! what the user should do next, and who can fix it when the browser or the host is in the way.

use crate::oauth::{OauthFlow, Phase, Target};
use leptos::prelude::*;
use meshes_protocol::api::{AttemptStatus, Integration};

/// The attribute a host must add for the hosted flow to open (security-checklist, EMB sandbox).
pub const SANDBOX_HINT: &str = "allow-popups allow-popups-to-escape-sandbox";

#[component]
pub fn ConnectPanel(
    integrations: Vec<Integration>,
    flow: OauthFlow,
    #[prop(into)] enabled: Signal<bool>,
) -> impl IntoView {
    let buttons = integrations
        .into_iter()
        .map(|i| {
            let target = Target {
                kind: i.kind.clone(),
                name: i.name.clone(),
                reconnect: None,
            };
            view! {
                <button type="button" class="btn connect-oauth" data-integration=i.kind.clone()
                    disabled=move || !enabled.get()
                    on:click=move |_| flow.start(target.clone())>
                    {format!("Connect {}", i.name)}
                </button>
            }
        })
        .collect_view();
    view! {
        <section class="card" id="connect-apps" aria-labelledby="connect-apps-title">
            <h2 id="connect-apps-title">"Connect an app"</h2>
            <p class="muted">"You sign in to the app in a window Meshes opens; your password never passes through this page."</p>
            <div class="connect-buttons">{buttons}</div>
            <FlowStatus flow/>
        </section>
    }
}

#[component]
pub fn FlowStatus(flow: OauthFlow) -> impl IntoView {
    let name = move || {
        flow.target
            .with(|t| t.as_ref().map(|t| t.name.clone()).unwrap_or_default())
    };
    let cancel = move |_| flow.cancel();
    let retry = move |_| flow.retry();
    move || {
        match flow.phase.get() {
        Phase::Idle => ().into_any(),
        Phase::Opening => view! {
            <p class="flow-status" id="oauth-status" role="status">{format!("Opening {}…", name())}</p>
        }
        .into_any(),
        Phase::Waiting { lost } => view! {
            <div class="flow-status" id="oauth-status" role="status" data-phase="waiting">
                <p>{if lost {
                    format!("Waiting for {}. If you closed its window, cancel and start again.", name())
                } else {
                    format!("Finish connecting {} in the window that opened.", name())
                }}</p>
                {(!lost).then(|| view! { <button type="button" class="btn" on:click=move |_| flow.show_window()>"Show window"</button> })}
                <button type="button" class="btn" id="oauth-cancel" on:click=cancel>"Cancel"</button>
            </div>
        }
        .into_any(),
        Phase::Blocked => view! {
            <div class="flow-status warning" id="oauth-status" role="alert" data-phase="blocked">
                <p>{format!("Your browser blocked the {} sign-in window.", name())}</p>
                <button type="button" class="btn btn-primary" id="oauth-new-tab" on:click=move |_| flow.open_tab()>"Continue in a new tab"</button>
                <button type="button" class="btn" on:click=cancel>"Cancel"</button>
            </div>
        }
        .into_any(),
        Phase::NoWindows => view! {
            <div class="flow-status warning" id="oauth-status" role="alert" data-phase="no-windows">
                <p>{format!("{} can't be connected here: this workspace is not allowed to open windows.", name())}</p>
                <p>"The app embedding this workspace must add "<code>{SANDBOX_HINT}</code>" to its iframe's sandbox attribute. Ask that app's support team."</p>
                <button type="button" class="btn" on:click=cancel>"Cancel"</button>
            </div>
        }
        .into_any(),
        Phase::Finished(a) if a.status == AttemptStatus::Completed => ().into_any(),
        Phase::Finished(a) => {
            let why = a.error.map(|e| e.message).unwrap_or_else(|| "Nothing was connected.".into());
            let title = match a.status {
                AttemptStatus::Denied => format!("{} was not connected: access was denied.", name()),
                AttemptStatus::Cancelled => format!("Connecting {} was cancelled.", name()),
                AttemptStatus::Expired => format!("Connecting {} timed out.", name()),
                _ => format!("{} could not be connected.", name()),
            };
            view! {
                <div class="flow-status error-state" id="oauth-status" role="alert" data-phase=a.status.as_str()>
                    <p class="error-title">{title}</p>
                    <p class="error-remedy">{why}</p>
                    <button type="button" class="btn" id="oauth-retry" on:click=retry>"Try again"</button>
                    <button type="button" class="btn-link" on:click=move |_| flow.reset()>"Dismiss"</button>
                </div>
            }
            .into_any()
        }
        Phase::Refused(msg) => view! {
            <div class="flow-status error-state" id="oauth-status" role="alert" data-phase="refused">
                <p class="error-title">{format!("{} could not be connected.", name())}</p>
                <p class="error-remedy">{msg}</p>
                <button type="button" class="btn" id="oauth-retry" on:click=retry>"Try again"</button>
            </div>
        }
        .into_any(),
    }
    }
}
