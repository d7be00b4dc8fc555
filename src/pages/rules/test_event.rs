//! "Send test event": a JSON payload editor that refuses to send until the JSON is an object,
//! then the delivery's outcome as it arrives.

use crate::api::use_api;
use crate::i18n::{number, t, tf};
use crate::pages::kit::{Mutation, every, page_link};
use crate::ui::{Notice, NoticeView, StatusBadge};
use leptos::prelude::*;
use meshes_protocol::EmbedRoute;
use meshes_protocol::api::{self, Event, MAX_TEST_PAYLOAD, Rule};
use serde_json::Value;

pub const SAMPLE: &str =
    "{\n  \"email\": \"test@example.com\",\n  \"name\": \"Test User\",\n  \"id\": \"test_1\"\n}";

/// `Ok(payload)` or the sentence shown under the editor.
pub fn parse_payload(text: &str) -> Result<Value, String> {
    if text.len() > MAX_TEST_PAYLOAD {
        return Err(tf(
            "rules.payload_too_large",
            &[("size", number(MAX_TEST_PAYLOAD / 1024).as_str())],
        ));
    }
    match serde_json::from_str::<Value>(text) {
        Ok(v @ Value::Object(_)) => Ok(v),
        Ok(_) => Err(tf(
            "rules.payload_not_object",
            &[("example", "{ \"email\": \"…\" }")],
        )),
        Err(e) => Err(tf(
            "rules.payload_invalid",
            &[("error", e.to_string().as_str())],
        )),
    }
}

const FOLLOW_EVERY_MS: u64 = 1_500;

/// What became of the test event's one delivery, in a sentence.
fn describe(e: &Event) -> String {
    let d = e.rule_events.as_ref().and_then(|r| r.first());
    let attempts = d.map_or(0, |d| d.attempt_count);
    match (e.status.is_terminal(), d.and_then(|d| d.last_error.clone())) {
        (false, None) => t("rules.delivering"),
        (false, Some(err)) => tf(
            "rules.attempt_failed",
            &[
                ("attempt", number(attempts as usize).as_str()),
                ("error", err.as_str()),
            ],
        ),
        (true, _) if e.failed_count.unwrap_or(0) == 0 && e.completed_count.unwrap_or(0) > 0 => {
            t("rules.delivered")
        }
        (true, Some(err)) => tf("rules.not_delivered", &[("error", err.as_str())]),
        (true, None) => t("rules.ended_without_delivery"),
    }
}

#[component]
pub fn TestEvent(rule: Rule) -> impl IntoView {
    let api = use_api();
    let text = RwSignal::new(SAMPLE.to_owned());
    let parsed = Memo::new(move |_| text.with(|t| parse_payload(t)));
    let notice = RwSignal::new(None::<Notice>);
    let send_it = Mutation::new(api.session).notices(notice);
    let sent = RwSignal::new(None::<String>);
    let outcome = RwSignal::new(None::<Event>);
    let rule_id = StoredValue::new(rule.id.clone());
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(payload) = parsed.get_untracked() else {
            return;
        };
        let id = rule_id.get_value();
        send_it.run(
            async move { api.test_rule(&id, &api::TestEvent { payload }).await },
            move |created| {
                outcome.set(None);
                sent.set(Some(created.event.id));
                Some(t("rules.test_sent"))
            },
        );
    };
    // Follow the sent event until its delivery ended: one read at a time.
    let reading = StoredValue::new(false);
    every(FOLLOW_EVERY_MS, move || {
        let Some(id) = sent.get_untracked() else {
            return;
        };
        let ended = outcome.with_untracked(|o| o.as_ref().is_some_and(|e| e.status.is_terminal()));
        if ended || reading.get_value() {
            return;
        }
        reading.set_value(true);
        leptos::task::spawn_local(async move {
            if let Ok(e) = api.event(&id, false).await
                && sent.try_with_untracked(|s| s.as_deref() == Some(e.id.as_str())) == Some(true)
            {
                let _ = outcome.try_set(Some(e));
            }
            let _ = reading.try_set_value(false);
        });
    });
    let editor_id = format!("test-payload-{}", rule.id);
    let error_id = format!("{editor_id}-error");
    let event = rule.event.clone();
    let payload_label = move || tf("rules.payload_label", &[("event", event.as_str())]);
    view! {
        <form class="form test-event" on:submit=send>
            <label for=editor_id.clone()>{payload_label}</label>
            <textarea
                id=editor_id
                class="test-payload"
                spellcheck="false"
                prop:value=move || text.get()
                on:input=move |e| text.set(event_target_value(&e))
                aria-invalid=move || parsed.with(Result::is_err).to_string()
                aria-describedby=error_id.clone()
            ></textarea>
            <p class="field-error" id=error_id role="status">
                {move || parsed.get().err()}
            </p>
            <NoticeView notice />
            <p class="test-outcome" role="status">
                {move || {
                    outcome
                        .get()
                        .map(|e| {
                            view! {
                                <StatusBadge status=e.status />
                                " "
                                {describe(&e)}
                            }
                        })
                }}
            </p>
            {move || {
                sent.get()
                    .map(|id| page_link(
                        EmbedRoute::EventDetail {
                            event_id: id,
                        },
                        t("rules.open_test_event"),
                    ))
            }}
            <div class="form-actions">
                <button
                    type="submit"
                    class="btn btn-primary send-test"
                    disabled=move || { parsed.with(Result::is_err) || !send_it.ready() }
                >
                    {move || t(if send_it.busy() { "rules.sending" } else { "rules.send_event" })}
                </button>
            </div>
        </form>
    }
}
