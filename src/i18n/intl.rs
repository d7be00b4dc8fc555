//! The locale's `Intl` formatters, built once per language switch: a formatter costs about
//! 0.35 ms to build, so a 50-row table that built one per date spent 70 ms of a 4×-throttled
//! task on dates alone.

use js_sys::{Array, Function, Intl, Object, Reflect};
use wasm_bindgen::JsValue;

pub struct Formats {
    /// The tag `Intl` was given (the host's whole tag: `en-GB` keeps British dates).
    pub tag: String,
    plural: Intl::PluralRules,
    number: Function,
    percent: Function,
    date_time: Function,
    date: Function,
    relative: Intl::RelativeTimeFormat,
}

fn options(pairs: &[(&str, &str)]) -> Object {
    let o = Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&o, &JsValue::from_str(k), &JsValue::from_str(v));
    }
    o
}

impl Formats {
    pub fn new(tag: &str) -> Formats {
        let tags = Array::of1(&JsValue::from_str(tag));
        let date_time = options(&[
            ("year", "numeric"),
            ("month", "numeric"),
            ("day", "numeric"),
            ("hour", "numeric"),
            ("minute", "2-digit"),
            ("second", "2-digit"),
        ]);
        Formats {
            tag: tag.to_owned(),
            plural: Intl::PluralRules::new(&tags, &Object::new()),
            number: Intl::NumberFormat::new(&tags, &Object::new()).format(),
            percent: Intl::NumberFormat::new(
                &tags,
                &options(&[
                    ("style", "percent"),
                    ("minimumFractionDigits", "1"),
                    ("maximumFractionDigits", "1"),
                ]),
            )
            .format(),
            date_time: Intl::DateTimeFormat::new(&tags, &date_time).format(),
            // The API counts days in UTC: the day must not move with the viewer's zone.
            date: Intl::DateTimeFormat::new(
                &tags,
                &options(&[("month", "short"), ("day", "numeric"), ("timeZone", "UTC")]),
            )
            .format(),
            relative: Intl::RelativeTimeFormat::new(&tags, &options(&[("numeric", "auto")])),
        }
    }

    /// The CLDR plural category of `n` in this locale (`one`, `few`, …).
    pub fn category(&self, n: f64) -> String {
        self.plural.select(n).into()
    }

    /// (Counts only: formatting an `f64` in Rust would cost the bundle 4 kB.)
    pub fn number(&self, n: usize) -> String {
        call(&self.number, &JsValue::from_f64(n as f64)).unwrap_or_else(|| n.to_string())
    }

    /// A share given in thousandths (`987` → `98.7%`, `98,7 %`).
    pub fn percent(&self, permille: u32) -> String {
        let share = f64::from(permille) / 1000.0;
        call(&self.percent, &JsValue::from_f64(share))
            .unwrap_or_else(|| format!("{}.{}%", permille / 10, permille % 10))
    }

    /// `at` (RFC 3339) as date and time in the viewer's zone; `None` if it is not a date.
    pub fn date_time(&self, at: &str) -> Option<String> {
        call(&self.date_time, &date(at)?)
    }

    /// A short day (`Nov 28`, `28 nov.`) of a UTC date (`2026-11-28`), for chart axes.
    pub fn day(&self, at: &str) -> Option<String> {
        call(&self.date, &date(at)?)
    }

    /// `seconds` from now (negative: in the past) in words: "5 minutes ago", "in 2 hours".
    pub fn relative(&self, seconds: f64) -> String {
        let s = seconds.abs();
        let (value, unit) = if s < 60.0 {
            (seconds, "second")
        } else if s < 3600.0 {
            (seconds / 60.0, "minute")
        } else if s < 86_400.0 {
            (seconds / 3600.0, "hour")
        } else {
            (seconds / 86_400.0, "day")
        };
        self.relative.format(value.round(), unit).into()
    }
}

fn date(at: &str) -> Option<JsValue> {
    let d = js_sys::Date::new(&JsValue::from_str(at));
    (!d.get_time().is_nan()).then(|| d.into())
}

fn call(format: &Function, value: &JsValue) -> Option<String> {
    format.call1(&JsValue::UNDEFINED, value).ok()?.as_string()
}
