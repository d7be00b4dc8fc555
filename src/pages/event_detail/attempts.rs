//! A delivery's attempts, newest first: how each ended, the request it sent, and, for those
//! who may see payloads, what the destination answered.

use crate::i18n::{number, t, tf, tr};
use crate::pages::kit::{authed_resource, render_loaded};
use crate::ui::{Time, outcome_label};
use leptos::prelude::*;
use meshes_protocol::api::{Attempt, ResponseDetails};

#[component]
pub fn Attempts(ids: (String, String), may_read: bool) -> impl IntoView {
    let ids = StoredValue::new(ids);
    let attempts = authed_resource(move |api| {
        let (event_id, rule) = ids.get_value();
        async move { api.attempts(&event_id, &rule).await }
    });
    render_loaded(attempts, 2, move |page| {
        if page.records.is_empty() {
            return view! { <p class="empty">{tr("event_detail.no_attempts")}</p> }.into_any();
        }
        view! {
            <ol class="attempts" reversed>
                {page
                    .records
                    .into_iter()
                    .map(|a| view! { <AttemptItem a may_read /> })
                    .collect_view()}
            </ol>
        }
        .into_any()
    })
}

#[component]
fn AttemptItem(a: Attempt, may_read: bool) -> impl IntoView {
    let duration = a.duration_ms;
    let n = a.attempt;
    let open = RwSignal::new(false);
    let ids = StoredValue::new((a.event_id.clone(), a.rule.clone(), a.id.clone()));
    let answer = (a.has_response && may_read).then(|| {
        let label = move || {
            let key = if open.get() {
                "event_detail.hide_response"
            } else {
                "event_detail.show_response"
            };
            tf(key, &[("n", n.to_string().as_str())])
        };
        view! {
            <button
                type="button"
                class="btn-link"
                aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)
            >
                {label}
            </button>
            <Show when=move || open.get()>
                <Answer ids=ids.get_value() />
            </Show>
        }
    });
    view! {
        <li data-outcome=format!("{:?}", a.outcome_code)>
            <strong>{format!("#{} {}", a.attempt, outcome_label(a.outcome_code))}</strong>
            {a.http_status.map(|s| format!(" · HTTP {s}"))}
            " · "
            {move || {
                let ms = number(duration as usize);
                tf("event_detail.duration", &[("ms", ms.as_str())])
            }}
            " · "
            <Time at=a.started_at />
            {a.request.map(|r| view! { <code class="request">{r}</code> })}
            <p class="muted">{a.message}</p>
            {answer}
        </li>
    }
}

/// The destination's answer to one attempt: its status, headers and the start of its body.
#[component]
fn Answer(ids: (String, String, String)) -> impl IntoView {
    let ids = StoredValue::new(ids);
    let details = authed_resource(move |api| {
        let (event_id, rule, attempt) = ids.get_value();
        async move { api.response_details(&event_id, &rule, &attempt).await }
    });
    render_loaded(details, 1, |d: ResponseDetails| {
        let headers: String = d
            .headers
            .iter()
            .map(|h| format!("{}: {}\n", h.name, h.value))
            .collect();
        let status = d
            .http_status
            .map(|s| format!("HTTP {s}\n"))
            .unwrap_or_default();
        let body = if d.body.is_empty() {
            t("event_detail.response_empty")
        } else {
            d.body
        };
        let cut = d.body_truncated.then(|| {
            let bytes = number(d.body_bytes as usize);
            view! { <p class="muted">{tf("event_detail.response_truncated", &[("bytes", bytes.as_str())])}</p> }
        });
        view! {
            <div class="answer">
                <pre class="json response-headers">{status}{headers}</pre>
                <pre class="json response-body">{body}</pre>
                {cut}
            </div>
        }
    })
}
