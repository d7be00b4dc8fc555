//! Mapping without knowing JSON paths: a sample payload (pasted, or the last event delivered to
//! this connection where the session may read payloads) offers its paths to the source fields,
//! and the mapped result for it is shown as the rows change. The preview follows the documented
//! transforms; dates are shown as they came (the delivery converts them).

use super::rows::{Row, transform_label};
use crate::api::use_api;
use crate::i18n::{t, tf, tr};
use leptos::prelude::*;
use meshes_protocol::access::can_view_payload;
use serde_json::{Map, Value};

pub const SAMPLE: &str = "{\n  \"email\": \"Ada@Example.com \",\n  \"name\": \"Ada Lovelace\",\n  \"user\": { \"id\": \"usr_1\", \"plan\": \"pro\" },\n  \"amount\": \"42\"\n}";

/// Paths the source fields may offer: every leaf of the sample, in key order (at most 200).
pub fn paths(sample: &Value) -> Vec<String> {
    fn walk(v: &Value, at: &str, out: &mut Vec<String>, depth: usize) {
        match v {
            Value::Object(m) if depth < 6 => {
                for (k, v) in m {
                    let p = if at.is_empty() {
                        k.clone()
                    } else {
                        format!("{at}.{k}")
                    };
                    walk(v, &p, out, depth + 1);
                }
            }
            _ if !at.is_empty() && out.len() < 200 => out.push(at.to_owned()),
            _ => {}
        }
    }
    let mut out = vec![];
    walk(sample, "", &mut out, 0);
    out
}

fn lookup<'a>(sample: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(sample, |v, seg| match v {
        Value::Array(a) => a.get(seg.parse::<usize>().ok()?),
        _ => v.get(seg),
    })
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// One row applied to the sample: the value it sends, or why it has none.
fn apply(row: &Row, sample: &Value) -> Result<Value, String> {
    let mut v = if row.literal {
        Value::String(row.value.clone())
    } else {
        lookup(sample, row.value.trim())
            .cloned()
            .unwrap_or(Value::Null)
    };
    for t in &row.transforms {
        v = match (t.kind.as_str(), v) {
            ("default", Value::Null) => Value::String(t.a.clone()),
            ("default", Value::String(s)) if s.is_empty() => Value::String(t.a.clone()),
            (_, Value::Null) => Value::Null,
            ("to_string", v) => Value::String(text(&v)),
            ("trim", Value::String(s)) => Value::String(s.trim().to_owned()),
            ("lower", Value::String(s)) => Value::String(s.to_lowercase()),
            ("upper", Value::String(s)) => Value::String(s.to_uppercase()),
            ("to_number", v) => {
                let s = text(&v);
                match s.trim().parse::<i64>() {
                    Ok(n) => Value::from(n),
                    Err(_) => return Err(tf("mappings.not_a_number", &[("value", s.as_str())])),
                }
            }
            ("to_boolean", v) => match text(&v).trim().to_lowercase().as_str() {
                "true" | "1" | "yes" => Value::Bool(true),
                "false" | "0" | "no" => Value::Bool(false),
                other => return Err(tf("mappings.not_yes_or_no", &[("value", other)])),
            },
            ("substring", Value::String(s)) => {
                let start = t.a.trim().parse::<usize>().unwrap_or(0);
                let len = t.b.trim().parse::<usize>().unwrap_or(usize::MAX);
                Value::String(s.chars().skip(start).take(len).collect())
            }
            (kind @ ("trim" | "lower" | "upper" | "substring"), _) => {
                return Err(tf(
                    "mappings.needs_text",
                    &[("transform", transform_label(kind).as_str())],
                ));
            }
            (_, v) => v,
        };
    }
    match v {
        Value::Null => Err(t("mappings.no_value")),
        v => Ok(v),
    }
}

/// The payload the rows make of `sample`, and a line for each field left out or failing.
pub fn preview(rows: &[Row], sample: &Value) -> (Value, Vec<String>) {
    let mut out = Map::new();
    let mut notes = vec![];
    for row in rows.iter().filter(|r| !r.dest.is_empty()) {
        match apply(row, sample) {
            Ok(v) => {
                out.insert(row.dest.clone(), v);
            }
            Err(why) => {
                let key = match row.on_error.as_str() {
                    "fail_action" => "mappings.note_fail",
                    "warn_action" => "mappings.note_warn",
                    _ => "mappings.note_skip",
                };
                notes.push(tf(
                    key,
                    &[("field", row.dest.as_str()), ("why", why.as_str())],
                ));
            }
        }
    }
    (Value::Object(out), notes)
}

#[component]
pub fn SamplePreview(rows: RwSignal<Vec<Row>>, connection: String) -> impl IntoView {
    let api = use_api();
    let text = RwSignal::new(SAMPLE.to_owned());
    let parsed = Memo::new(move |_| text.with(|t| serde_json::from_str::<Value>(t).ok()));
    let ctx = api.session.ctx();
    let may_read = can_view_payload(ctx.role, &ctx.scopes);
    // The catalog key of what the last-event button found (nothing to use).
    let note = RwSignal::new(None::<&'static str>);
    let connection = StoredValue::new(connection);
    // The newest event delivered to this connection, with its payload.
    let use_last = move |_| {
        let q = format!("limit=1&connection={}", connection.get_value());
        leptos::task::spawn_local(async move {
            let last = match api.events(&q).await {
                Ok(p) => p.records.into_iter().next(),
                Err(_) => None,
            };
            let payload = match last {
                Some(e) => api.event(&e.id, true).await.ok().and_then(|e| e.payload),
                None => None,
            };
            match payload {
                Some(p) => {
                    let _ = text.try_set(serde_json::to_string_pretty(&p).unwrap_or_default());
                    let _ = note.try_set(None);
                }
                None => {
                    let _ = note.try_set(Some("mappings.no_last_event"));
                }
            }
        });
    };
    let result = move || {
        parsed
            .get()
            .map(|sample| rows.with(|r| preview(r, &sample)))
    };
    view! {
        <section class="card" id="mapping-preview">
            <h2>{tr("mappings.preview_title")}</h2>
            <label for="mapping-sample">{tr("mappings.sample_label")}</label>
            <textarea
                id="mapping-sample"
                spellcheck="false"
                prop:value=move || text.get()
                on:input=move |e| text.set(event_target_value(&e))
            ></textarea>
            {may_read
                .then(|| {
                    view! {
                        <button type="button" class="btn" id="mapping-use-last" on:click=use_last>
                            {tr("mappings.use_last")}
                        </button>
                    }
                })}
            <p class="help" role="status">
                {move || {
                    note.get()
                        .or_else(|| {
                            parsed.with(Option::is_none).then_some("mappings.sample_invalid")
                        })
                        .map(t)
                }}
            </p>
            <datalist id="payload-paths">
                {move || {
                    parsed
                        .get()
                        .map(|s| {
                            paths(&s)
                                .into_iter()
                                .map(|p| view! { <option value=p></option> })
                                .collect_view()
                        })
                }}
            </datalist>
            <h3>{tr("mappings.preview_result")}</h3>
            <pre class="json" id="mapping-result">
                {move || {
                    result().map(|(v, _)| serde_json::to_string_pretty(&v).unwrap_or_default())
                }}
            </pre>
            <ul class="preview-notes">
                {move || {
                    result()
                        .map(|(_, notes)| {
                            notes.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()
                        })
                }}
            </ul>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::mappings::rows::Transform;
    use serde_json::json;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn row(dest: &str, path: &str, kinds: &[&str]) -> Row {
        Row {
            dest: dest.into(),
            value: path.into(),
            transforms: kinds
                .iter()
                .map(|k| Transform {
                    kind: (*k).into(),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn the_sample_offers_its_paths_and_shows_the_mapped_result() {
        let sample: Value = serde_json::from_str(SAMPLE).unwrap();
        assert_eq!(
            paths(&sample),
            ["amount", "email", "name", "user.id", "user.plan"],
            "every leaf, in the order the JSON reader keeps keys"
        );
        let rows = [
            row("email", "email", &["trim", "lower"]),
            row("plan", "user.plan", &["upper"]),
            row("amount", "amount", &["to_number"]),
            row("phone", "phone", &[]),
            Row {
                on_error: "fail_action".into(),
                ..row("count", "name", &["to_number"])
            },
        ];
        let (out, notes) = preview(&rows, &sample);
        assert_eq!(
            out,
            json!({"email": "ada@example.com", "plan": "PRO", "amount": 42})
        );
        assert_eq!(
            notes,
            [
                "phone: the sample has no value for it; left out.",
                "count: \"Ada Lovelace\" is not a number, so the delivery would fail."
            ]
        );
    }
}
