//! Times in the viewer's locale and zone, and the conversions for `datetime-local` inputs.

use leptos::prelude::*;

/// A timestamp in the viewer's locale and zone (or, `relative`, how long ago: "5 minutes ago",
/// kept current every minute), with the exact UTC value on hover; follows a live language
/// switch.
#[component]
pub fn Time(#[prop(into)] at: String, #[prop(optional)] relative: bool) -> impl IntoView {
    let shown = at.clone();
    let text = move || {
        let words = if relative {
            MINUTE.with(ArcTrigger::track);
            relative_time(&shown)
        } else {
            local_time(&shown)
        };
        words.unwrap_or_else(|| shown.clone())
    };
    if relative {
        start_minute_ticks();
    }
    view! {
        <time datetime=at.clone() title=at>
            {text}
        </time>
    }
}

thread_local! {
    /// Notified once a minute, so "5 minutes ago" does not stay five minutes old.
    static MINUTE: ArcTrigger = ArcTrigger::new();
    static TICKING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn start_minute_ticks() {
    if TICKING.with(|t| t.replace(true)) {
        return;
    }
    let _ = set_interval_with_handle(
        || MINUTE.with(ArcTrigger::notify),
        std::time::Duration::from_secs(60),
    );
}

/// `at` (RFC 3339) in the viewer's locale and zone; `None` if it is not a date.
pub fn local_time(at: &str) -> Option<String> {
    crate::i18n::formats(|f| f.date_time(at))
}

/// How long ago (or how soon) `at` is, in the viewer's words ("5 minutes ago", "in 2 hours").
pub fn relative_time(at: &str) -> Option<String> {
    let then = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(at)).get_time();
    if then.is_nan() {
        return None;
    }
    let seconds = (then - js_sys::Date::now()) / 1000.0;
    crate::i18n::formats(|f| f.relative(seconds))
}

/// `2026-11-28T10:00` (a `datetime-local` value, viewer's zone) -> `2026-11-28T09:00:00Z`.
pub fn local_input_to_utc(value: &str) -> Option<String> {
    if value.is_empty() {
        return None;
    }
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(value));
    if d.get_time().is_nan() {
        return None;
    }
    let iso = String::from(d.to_iso_string());
    iso.get(..19).map(|s| format!("{s}Z"))
}

/// The reverse of `local_input_to_utc`, for filling the input from the URL.
pub fn utc_to_local_input(value: &str) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(value));
    if d.get_time().is_nan() {
        return String::new();
    }
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes()
    )
}
