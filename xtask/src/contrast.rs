//! The embed's two palettes (`assets/style.css`) keep every text/background pair it uses at WCAG
//! AA (4.5:1), and the "auto" dark block stays a copy of the dark one.

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    /// Text on background, as the stylesheet pairs them.
    const PAIRS: [(&str, &str); 13] = [
        ("--fg", "--bg"),
        ("--fg", "--soft"),
        ("--muted", "--bg"),
        ("--muted", "--soft"),
        ("--accent", "--bg"),
        ("--on-accent", "--accent"),
        ("--ok", "--ok-soft"),
        ("--ok", "--bg"),
        ("--bad", "--bad-soft"),
        ("--bad", "--bg"),
        ("--warn", "--warn-soft"),
        ("--fg", "--warn-soft"),
        ("--info", "--info-soft"),
    ];

    fn css() -> String {
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/style.css"))
            .expect("assets/style.css")
    }

    /// The `--name: #rrggbb` declarations of the block that opens with `selector {`.
    fn palette(css: &str, selector: &str) -> HashMap<String, String> {
        let start = css.find(&format!("{selector} {{")).expect(selector);
        let body = &css[start..start + css[start..].find('}').expect("block end")];
        body.split([';', '{'])
            .filter_map(|d| d.trim().split_once(':'))
            .filter(|(k, v)| k.starts_with("--") && v.trim().starts_with('#'))
            .map(|(k, v)| (k.to_owned(), v.trim().to_owned()))
            .collect()
    }

    fn luminance(hex: &str) -> f64 {
        let channel = |i: usize| {
            let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).expect("hex")) / 255.0;
            if c <= 0.039_28 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
    }

    fn contrast(a: &str, b: &str) -> f64 {
        let (la, lb) = (luminance(a), luminance(b));
        (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
    }

    #[test]
    fn both_themes_keep_text_at_wcag_aa() {
        let css = css();
        let light = palette(&css, ":root");
        let mut dark = light.clone();
        dark.extend(palette(&css, ":root[data-theme=\"dark\"]"));
        for (name, theme) in [("light", &light), ("dark", &dark)] {
            for (fg, bg) in PAIRS {
                let ratio = contrast(&theme[fg], &theme[bg]);
                assert!(
                    ratio >= 4.5,
                    "{name}: {fg} {} on {bg} {} is {ratio:.2}:1",
                    theme[fg],
                    theme[bg]
                );
            }
        }
    }

    #[test]
    fn auto_follows_the_dark_palette_exactly() {
        let css = css();
        let dark = palette(&css, ":root[data-theme=\"dark\"]");
        let auto = palette(&css, ":root[data-theme=\"auto\"]");
        assert!(dark.len() >= 19, "{dark:?}");
        assert_eq!(auto, dark);
    }
}
