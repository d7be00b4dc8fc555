//! "Connect an app": one button per OAuth integration, and the state of the running flow —
//! what the user should do next, and who can fix it when the browser or the host is in the way.

mod status;

use crate::i18n::{tf, tr};
use crate::oauth::{OauthFlow, Target};
use leptos::prelude::*;
use meshes_protocol::api::Integration;
pub use status::describe;

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
            let name = i.name.clone();
            let label = move || tf("connections.connect_app", &[("name", name.as_str())]);
            view! {
                <button
                    type="button"
                    class="btn connect-oauth"
                    data-integration=i.kind.clone()
                    disabled=move || !enabled.get() || flow.busy()
                    aria-describedby="connect-one-at-a-time"
                    on:click=move |_| flow.start(target.clone())
                >
                    {label}
                </button>
            }
        })
        .collect_view();
    view! {
        <section
            class="card"
            id="connect-apps"
            aria-labelledby="connect-apps-title"
            data-hints-accepted=move || flow.hints.get().0
            data-hints-refused=move || flow.hints.get().1
        >
            <h2 id="connect-apps-title">{tr("connections.connect_title")}</h2>
            <p class="muted">{tr("connections.connect_intro")}</p>
            <div class="connect-buttons">{buttons}</div>
            <p class="help" id="connect-one-at-a-time">
                {move || {
                    flow.busy()
                        .then(|| {
                            let name = flow
                                .target
                                .with(|t| t.as_ref().map(|t| t.name.clone()).unwrap_or_default());
                            tf("connections.one_at_a_time", &[("name", name.as_str())])
                        })
                }}
            </p>
            <FlowStatus flow />
        </section>
    }
}

#[component]
pub fn FlowStatus(flow: OauthFlow) -> impl IntoView {
    move || {
        let name = flow
            .target
            .with(|t| t.as_ref().map(|t| t.name.clone()).unwrap_or_default());
        let redirect = flow.can_redirect();
        flow.phase.with(|p| describe(p, &name, redirect)).map(|s| {
            let acts = s.acts.into_iter().map(|a| {
                let (id, label, class) = a.meta();
                view! {
                    <button type="button" class=class id=id on:click=move |_| a.run(flow)>
                        {tr(label)}
                    </button>
                }
            });
            view! {
                <div class=s.class id="oauth-status" role=s.role data-phase=s.phase>
                    {s.lines.into_iter().map(|l| view! { <p>{l}</p> }).collect_view()}
                    {s
                        .code
                        .map(|c| {
                            view! {
                                <p>
                                    <code>{c}</code>
                                </p>
                            }
                        })}
                    {s
                        .link
                        .map(|href| {
                            view! {
                                <a
                                    class="btn btn-primary"
                                    id="oauth-redirect-go"
                                    href=href
                                    target="_top"
                                >
                                    {tf("connections.continue_to", &[("name", name.as_str())])}
                                </a>
                            }
                        })}
                    {acts.collect_view()}
                </div>
            }
        })
    }
}
