//! Boot: strip the launch secret from the URL (`launch`), exchange it for the session context,
//! bind to exactly one parent origin, then connect to the host (`host`) and show the workspace
//! (`shell`). Until then a splash; if it fails, the error with "Try again".

use crate::api::{Api, HttpTransport};
use crate::error::AppError;
use crate::host::bridge::{self, Bridge};
use crate::launch::{self, LaunchParams};
use crate::session::Session;
use crate::shell::Workspace;
use crate::ui::ErrorState;
use leptos::prelude::*;
use meshes_protocol::EmbedMessage;
use meshes_protocol::message::EmbedErrorCode;
use meshes_protocol::origin::choose_parent;

#[derive(Clone)]
enum Phase {
    Starting,
    Failed(AppError),
    Running(Api),
}

/// Entry point: strip the launch secret from the URL, then mount.
pub fn start() {
    let params = launch::take_launch_params();
    leptos::mount::mount_to_body(move || view! { <Root params /> });
}

#[component]
fn Root(params: LaunchParams) -> impl IntoView {
    let phase = RwSignal::new(Phase::Starting);
    // For the OAuth redirect fallback; the Connections page takes the returned attempt once.
    provide_context(StoredValue::new(crate::oauth::RedirectInfo {
        return_to: params.return_to.clone(),
        returned_attempt: params.oauth_attempt.clone(),
    }));
    let params = StoredValue::new(params);
    // The browser's language until the host names one (`meshes:configure {locale}`).
    crate::i18n::request(&crate::i18n::wanted_by_browser(), HttpTransport::shared());
    let start = move || {
        phase.set(Phase::Starting);
        leptos::task::spawn_local(async move {
            phase.set(boot(params.get_value()).await);
        });
    };
    start();
    // A network failure did not spend the launch token, so the same launch can be retried.
    let retry = Callback::new(move |_| start());
    view! {
        {move || match phase.get() {
            Phase::Starting => view! { <Splash /> }.into_any(),
            Phase::Failed(err) => {
                view! {
                    <div class="fatal">
                        <ErrorState err retry />
                    </div>
                }
                    .into_any()
            }
            Phase::Running(api) => view! { <Workspace api /> }.into_any(),
        }}
    }
}

/// Refuse to run unframed (without spending the launch token), exchange the token, and bind to
/// exactly one parent origin.
async fn boot(params: LaunchParams) -> Phase {
    let phase = exchange_and_bind(params).await;
    if let Phase::Failed(_) = phase {
        // No session to hand them to: the loader stops keeping messages (and the host's token
        // it may hold) now, not at the end of the page.
        drop(bridge::take_early());
    }
    phase
}

async fn exchange_and_bind(params: LaunchParams) -> Phase {
    if !bridge::is_framed() {
        return Phase::Failed(AppError::NotFramed);
    }
    let observed = bridge::observed_parent_origin();
    match launch::exchange_http(&params, observed.clone()).await {
        Err(err) => {
            // Tell the host before showing it, so it can mint a fresh session or say the embed
            // is unreachable. The browser only framed us because `frame-ancestors` allowed this
            // parent, and the message carries no secret.
            let told = match &err {
                AppError::Launch(reason) => Some(EmbedMessage::TokenExpired { reason: *reason }),
                AppError::Network(_) | AppError::Timeout => Some(EmbedMessage::Error {
                    code: EmbedErrorCode::Network,
                }),
                _ => None,
            };
            if let (Some(msg), Some(origin)) = (told, observed) {
                Bridge::to_parent(origin).post(&msg);
            }
            Phase::Failed(err)
        }
        Ok(ctx) => match choose_parent(observed.as_deref(), &ctx.allowed_origins) {
            Ok(origin) => {
                let session = Session::new(ctx, Bridge::to_parent(origin.to_string()));
                let api = Api::new(HttpTransport::shared(), session);
                // Listening before the first view: `meshes:ready` goes out with the listener up.
                crate::host::connect(api);
                Phase::Running(api)
            }
            Err(e) => Phase::Failed(AppError::Parent(e.to_string())),
        },
    }
}

#[component]
fn Splash() -> impl IntoView {
    view! {
        <div class="splash" role="status">
            {crate::i18n::tr("shell.loading")}
        </div>
    }
}
