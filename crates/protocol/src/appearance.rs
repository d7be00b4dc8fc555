//! `meshes:configure {appearance}`: the look a host may set, key by key. Every value is checked
//! against a small CSS grammar (a colour, a font list, a length in range), so what reaches the
//! stylesheet is a value and nothing else; unknown keys and failing values are ignored.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    Light,
    Dark,
    /// Follows the system (`prefers-color-scheme`).
    Auto,
}

impl Theme {
    pub fn parse(s: &str) -> Option<Theme> {
        match s {
            "light" => Some(Theme::Light),
            "dark" => Some(Theme::Dark),
            "auto" => Some(Theme::Auto),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
            Theme::Auto => "auto",
        }
    }
}

/// What one `meshes:configure` changes: the theme, and CSS custom properties with checked values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Appearance {
    pub theme: Option<Theme>,
    /// `(custom property, value)`, in [`VARIABLES`] order.
    pub vars: Vec<(&'static str, String)>,
}

#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Color,
    Font,
    /// CSS pixels with at most two decimals, within `min..=max` whole pixels.
    Px {
        min: u32,
        max: u32,
    },
}

/// Every variable a host may set: its key in `appearance`, the custom property it sets, and the
/// check its value must pass.
pub const VARIABLES: [(&str, &str, Kind); 11] = [
    ("colorPrimary", "--accent", Kind::Color),
    ("colorBackground", "--bg", Kind::Color),
    ("colorText", "--fg", Kind::Color),
    ("colorSecondaryText", "--muted", Kind::Color),
    ("colorBorder", "--line", Kind::Color),
    ("colorDanger", "--bad", Kind::Color),
    ("colorSuccess", "--ok", Kind::Color),
    ("fontFamily", "--font", Kind::Font),
    ("fontSizeBase", "--font-size", Kind::Px { min: 12, max: 20 }),
    ("borderRadius", "--radius", Kind::Px { min: 0, max: 24 }),
    // The base of the page's padding and gaps (4 px by default).
    ("spacingUnit", "--space", Kind::Px { min: 2, max: 8 }),
];

/// Longest value read for any key.
pub const MAX_VALUE_LEN: usize = 200;

/// Does `value` pass `kind`'s grammar?
pub fn valid(kind: Kind, value: &str) -> bool {
    match kind {
        Kind::Color => color(value),
        Kind::Font => font_list(value),
        Kind::Px { min, max } => {
            hundredths(value).is_some_and(|n| (min * 100..=max * 100).contains(&n))
        }
    }
}

/// `"12.5px"` → 1250. Integers only: float parsing would add its tables to the bundle.
fn hundredths(value: &str) -> Option<u32> {
    let n = value.strip_suffix("px")?;
    let (whole, frac) = n.split_once('.').unwrap_or((n, ""));
    let digits = |s: &str, max: usize| s.len() <= max && s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits(whole, 3) || !digits(frac, 2) || n.ends_with('.') {
        return None;
    }
    let frac: u32 = format!("{frac:0<2}").parse().ok()?;
    Some(whole.parse::<u32>().ok()? * 100 + frac)
}

/// `#rgb`, `#rgba`, `#rrggbb`, `#rrggbbaa`; `rgb()`/`rgba()`/`hsl()`/`hsla()` of numbers,
/// percentages, `deg`, commas, slashes and spaces; or a named colour (letters only).
fn color(v: &str) -> bool {
    if let Some(hex) = v.strip_prefix('#') {
        return matches!(hex.len(), 3 | 4 | 6 | 8) && hex.bytes().all(|b| b.is_ascii_hexdigit());
    }
    for f in ["rgb(", "rgba(", "hsl(", "hsla("] {
        if let Some(args) = v.strip_prefix(f).and_then(|r| r.strip_suffix(')')) {
            return args.len() <= 48
                && args.bytes().any(|b| b.is_ascii_digit())
                && args.bytes().all(|b| {
                    b.is_ascii_digit()
                        || matches!(b, b'.' | b',' | b'%' | b'/' | b' ' | b'-')
                        || b"deg".contains(&b)
                });
        }
    }
    (3..=20).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_alphabetic())
}

/// A comma-separated list of family names: unquoted (letters, digits, spaces, `-`, `_`) or
/// wrapped in one pair of `"` or `'` with the same characters inside.
fn font_list(v: &str) -> bool {
    let plain = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b' ' | b'-' | b'_'))
    };
    v.len() <= MAX_VALUE_LEN
        && v.split(',').map(str::trim).all(|name| {
            let quoted = [('"', '"'), ('\'', '\'')].iter().find_map(|(open, close)| {
                name.strip_prefix(*open)
                    .and_then(|n| n.strip_suffix(*close))
            });
            match quoted {
                Some(inner) => plain(inner),
                None => plain(name),
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_pass_only_as_colours() {
        for ok in [
            "#fff",
            "#3b5bdbcc",
            "rgb(59, 91, 219)",
            "rgba(0 0 0 / 50%)",
            "hsl(230deg 68% 55%)",
            "rebeccapurple",
        ] {
            assert!(color(ok), "{ok}");
        }
        for bad in [
            "",
            "#ggg",
            "#12345",
            "red;background:url(//evil.test/x)",
            "url(x)",
            "var(--bg)",
            "expression(alert(1))",
            "rgb(1,2,3);x:y",
            "rgb(1,2,3) !important",
            "red }",
            "calc(1px)",
            "rgb()",
            "<b>",
        ] {
            assert!(!color(bad), "{bad}");
        }
    }

    #[test]
    fn fonts_pass_only_as_family_lists() {
        for ok in [
            "Inter",
            "\"Source Sans 3\", system-ui, sans-serif",
            "'IBM Plex Sans', Arial",
        ] {
            assert!(font_list(ok), "{ok}");
        }
        for bad in [
            "",
            "Inter;color:red",
            "\"Inter\\\"\", x",
            "url(x)",
            "Inter, ",
            "\"Inter'",
            "a}b",
        ] {
            assert!(!font_list(bad), "{bad}");
        }
    }

    #[test]
    fn lengths_stay_in_range() {
        let size = Kind::Px { min: 12, max: 20 };
        assert!(valid(size, "16px") && valid(size, "12.5px") && valid(size, "20.00px"));
        for bad in [
            "11px", "21px", "16", "1em", "16 px", "-16px", "16px;x", "px", "1e1px",
        ] {
            assert!(!valid(size, bad), "{bad}");
        }
    }
}
