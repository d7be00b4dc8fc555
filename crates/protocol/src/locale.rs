//! Which language the embed speaks (decision 94): the catalogs it ships, how a requested tag is
//! checked, and how a request maps onto a catalog.
//!
//! A host asks with a BCP 47 tag (`meshes:configure {locale}`, or the browser's languages when
//! it says nothing). Messages come from the catalog of the tag's language; dates and numbers
//! follow the whole tag through `Intl` (so `en-GB` reads English with British dates).

/// The catalogs shipped, English first: it is compiled in and fills any key another catalog
/// lacks. The others are fetched the first time they are used.
pub const SHIPPED: [&str; 4] = ["en", "fr", "de", "ar"];

/// Catalogs written right to left: the document gets `dir="rtl"`.
pub const RTL: [&str; 1] = ["ar"];

/// Longest tag looked at (BCP 47 allows long private-use tails; nobody needs them here).
pub const MAX_TAG_LEN: usize = 35;

/// A requested tag, if it is a well-formed BCP 47 language tag of the plain kind: a 2–3
/// letter language, then optionally a script (4 letters), a region (2 letters or 3 digits) and
/// distinct variants (5–8 letters or digits, or a digit and 3 more), split by `-` (`_` is read
/// as `-`). Extensions and private use (`-u-…`, `-x-…`) are refused: `Intl` throws on a
/// malformed tag, and nothing here needs them. Returned in canonical case (`pt_br` → `pt-BR`),
/// so `Intl` and the catalog lookup agree.
pub fn check_tag(tag: &str) -> Option<String> {
    if tag.is_empty() || tag.len() > MAX_TAG_LEN {
        return None;
    }
    let alpha = |p: &str| p.bytes().all(|b| b.is_ascii_alphabetic());
    let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    let alnum = |p: &str| p.bytes().all(|b| b.is_ascii_alphanumeric());
    let mut parts = tag.split(['-', '_']).peekable();
    let lang = parts.next()?;
    if !(2..=3).contains(&lang.len()) || !alpha(lang) {
        return None;
    }
    let mut out = lang.to_ascii_lowercase();
    if let Some(script) = parts.next_if(|p| p.len() == 4 && alpha(p)) {
        out.push('-');
        out.push_str(&script[..1].to_ascii_uppercase());
        out.push_str(&script[1..].to_ascii_lowercase());
    }
    if let Some(region) =
        parts.next_if(|p| (p.len() == 2 && alpha(p)) || (p.len() == 3 && digits(p)))
    {
        out.push('-');
        out.push_str(&region.to_ascii_uppercase());
    }
    let mut variants: Vec<String> = vec![];
    for variant in parts {
        let long = (5..=8).contains(&variant.len()) && alnum(variant);
        let short = variant.len() == 4 && variant.as_bytes()[0].is_ascii_digit() && alnum(variant);
        let variant = variant.to_ascii_lowercase();
        if !(long || short) || variants.contains(&variant) {
            return None;
        }
        variants.push(variant);
    }
    for variant in variants {
        out.push('-');
        out.push_str(&variant);
    }
    Some(out)
}

/// The shipped catalog for a checked tag: its language if shipped (`fr-CA` → `fr`), else `None`.
pub fn catalog_for(tag: &str) -> Option<&'static str> {
    let lang = tag.split('-').next()?;
    SHIPPED
        .iter()
        .copied()
        .find(|s| s.eq_ignore_ascii_case(lang))
}

/// The first of `wanted` (most preferred first, e.g. `navigator.languages`) that is well formed
/// and has a catalog, with the catalog; English when none has.
pub fn negotiate<'a>(wanted: impl IntoIterator<Item = &'a str>) -> (String, &'static str) {
    wanted
        .into_iter()
        .filter_map(check_tag)
        .find_map(|tag| catalog_for(&tag).map(|c| (tag, c)))
        .unwrap_or_else(|| ("en".to_owned(), "en"))
}

pub fn is_rtl(catalog: &str) -> bool {
    RTL.contains(&catalog)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_checked_and_put_in_canonical_case() {
        assert_eq!(check_tag("fr").as_deref(), Some("fr"));
        assert_eq!(check_tag("FR-ca").as_deref(), Some("fr-CA"));
        assert_eq!(check_tag("pt_br").as_deref(), Some("pt-BR"));
        assert_eq!(check_tag("zh-hant-tw").as_deref(), Some("zh-Hant-TW"));
        assert_eq!(check_tag("de-CH-1996").as_deref(), Some("de-CH-1996"));
        assert_eq!(check_tag("es-419").as_deref(), Some("es-419"));
        assert_eq!(
            check_tag("sl-ROZAJ-biske").as_deref(),
            Some("sl-rozaj-biske")
        );
        for bad in [
            "",
            "f",
            "french",
            "fr-",
            "-fr",
            "fr--CA",
            "fr CA",
            "fr-CA;q=1",
            "ar-\u{202e}",
            "fr-toolongsubtag",
            "en-u",
            "en-u-ca-gregory",
            "en-x-private",
            "x-private",
            "de-1996-1996",
            "en-US-GB",
            "en-Latn-Latn",
            "en-abc",
            "<script>",
            "../en",
            &"en-a".repeat(10),
        ] {
            assert_eq!(check_tag(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_request_maps_to_its_language_or_to_english() {
        assert_eq!(negotiate(["fr-CA"]), ("fr-CA".into(), "fr"));
        assert_eq!(negotiate(["AR"]), ("ar".into(), "ar"));
        // The first with a catalog wins; malformed ones are skipped.
        assert_eq!(
            negotiate(["x", "ja-JP", "de-AT", "fr"]),
            ("de-AT".into(), "de")
        );
        assert_eq!(negotiate(["ja", "ko"]), ("en".into(), "en"));
        assert_eq!(negotiate([]), ("en".into(), "en"));
        assert!(is_rtl("ar") && !is_rtl("fr"));
    }
}
