//! The locale's `Intl` formatters, built once per language switch: a formatter costs about
//! 0.35 ms to build, so a 50-row table that built one per date spent 70 ms of a 4×-throttled
//! task on dates alone.
//!
//! Each is built and called through `Reflect` and `Function::call`, which hand a JS throw back
//! as an `Err`: an engine without one of them (or refusing the tag) gets plain fallbacks —
//! digits, `other`, the ISO date — instead of a throw through the wasm with state half set.

use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

pub struct Formats {
    /// The tag `Intl` was given (the host's whole tag: `en-GB` keeps British dates).
    pub tag: String,
    plural: Option<Method>,
    number: Option<Method>,
    percent: Option<Method>,
    date_time: Option<Method>,
    date: Option<Method>,
    relative: Option<Method>,
}

/// A formatter object and one of its methods.
struct Method(JsValue, Function);

impl Method {
    /// `new Intl[class](tag, options)` and its `method`, if this engine has them.
    fn new(class: &str, tag: &str, options: &[(&str, &str)], method: &str) -> Option<Method> {
        let o = Object::new();
        for (k, v) in options {
            let _ = Reflect::set(&o, &JsValue::from_str(k), &JsValue::from_str(v));
        }
        let intl = Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
        let class: Function = Reflect::get(&intl, &class.into()).ok()?.dyn_into().ok()?;
        let args = Array::of2(&JsValue::from_str(tag), &o);
        let object = Reflect::construct(&class, &args).ok()?;
        let f = Reflect::get(&object, &method.into())
            .ok()?
            .dyn_into()
            .ok()?;
        Some(Method(object, f))
    }

    fn call(&self, args: &[JsValue]) -> Option<String> {
        let out = match args {
            [a] => self.1.call1(&self.0, a),
            [a, b] => self.1.call2(&self.0, a, b),
            _ => return None,
        };
        out.ok()?.as_string()
    }
}

impl Formats {
    pub fn new(tag: &str) -> Formats {
        let date_time = [
            ("year", "numeric"),
            ("month", "numeric"),
            ("day", "numeric"),
            ("hour", "numeric"),
            ("minute", "2-digit"),
            ("second", "2-digit"),
        ];
        let percent = [
            ("style", "percent"),
            ("minimumFractionDigits", "1"),
            ("maximumFractionDigits", "1"),
        ];
        // The API counts days in UTC: a day must not move with the viewer's zone.
        let day = [("month", "short"), ("day", "numeric"), ("timeZone", "UTC")];
        Formats {
            tag: tag.to_owned(),
            plural: Method::new("PluralRules", tag, &[], "select"),
            number: Method::new("NumberFormat", tag, &[], "format"),
            percent: Method::new("NumberFormat", tag, &percent, "format"),
            date_time: Method::new("DateTimeFormat", tag, &date_time, "format"),
            date: Method::new("DateTimeFormat", tag, &day, "format"),
            relative: Method::new("RelativeTimeFormat", tag, &[("numeric", "auto")], "format"),
        }
    }

    /// The CLDR plural category of `n` in this locale (`one`, `few`, …).
    pub fn category(&self, n: usize) -> String {
        let n = JsValue::from_f64(n as f64);
        self.plural
            .as_ref()
            .and_then(|m| m.call(&[n]))
            .unwrap_or_else(|| "other".to_owned())
    }

    /// (Counts only: formatting an `f64` in Rust would cost the bundle 4 kB.)
    pub fn number(&self, n: usize) -> String {
        let value = JsValue::from_f64(n as f64);
        self.number
            .as_ref()
            .and_then(|m| m.call(&[value]))
            .unwrap_or_else(|| n.to_string())
    }

    /// A share given in thousandths (`987` → `98.7%`, `98,7 %`).
    pub fn percent(&self, permille: u32) -> String {
        let share = JsValue::from_f64(f64::from(permille) / 1000.0);
        self.percent
            .as_ref()
            .and_then(|m| m.call(&[share]))
            .unwrap_or_else(|| format!("{}.{}%", permille / 10, permille % 10))
    }

    /// `at` (RFC 3339) as date and time in the viewer's zone; `None` if it is not a date.
    pub fn date_time(&self, at: &str) -> Option<String> {
        self.date_time.as_ref()?.call(&[date(at)?])
    }

    /// A short day (`Nov 28`, `28 nov.`) of a UTC date (`2026-11-28`), for chart axes.
    pub fn day(&self, at: &str) -> Option<String> {
        self.date.as_ref()?.call(&[date(at)?])
    }

    /// `seconds` from now (negative: in the past) in words: "5 minutes ago", "in 2 hours".
    /// The unit is chosen on the rounded value, so 59.6 s reads "1 minute ago", not "60 seconds".
    pub fn relative(&self, seconds: f64) -> Option<String> {
        let sign = if seconds < 0.0 { -1.0 } else { 1.0 };
        let s = seconds.abs().round();
        let (value, unit) = if s < 60.0 {
            (s, "second")
        } else if (s / 60.0).round() < 60.0 {
            ((s / 60.0).round(), "minute")
        } else if (s / 3600.0).round() < 24.0 {
            ((s / 3600.0).round(), "hour")
        } else {
            ((s / 86_400.0).round(), "day")
        };
        let args = [JsValue::from_f64(sign * value), JsValue::from_str(unit)];
        self.relative.as_ref()?.call(&args)
    }
}

fn date(at: &str) -> Option<JsValue> {
    let d = js_sys::Date::new(&JsValue::from_str(at));
    (!d.get_time().is_nan()).then(|| d.into())
}
