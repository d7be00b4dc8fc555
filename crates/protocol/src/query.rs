//! Query strings, decoded one way everywhere (`application/x-www-form-urlencoded`, as the
//! browser's `URLSearchParams`): the server that frames the embed document and the runtime that
//! exchanges its launch must read the same `?session=`, whatever escapes a URL uses.

/// Every `key=value` pair, percent- and `+`-decoded, in order.
pub fn pairs(query: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(query.trim_start_matches('?').as_bytes())
        .into_owned()
        .collect()
}

/// The first value of `key`.
pub fn first<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// `a=b&c=d`, encoded canonically (no leading `?`).
pub fn encode<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_in_keys_and_values_decode_alike() {
        for q in [
            "?session=sess_1",
            "sess%69on=sess_1",
            "?%73ession=sess%5F1",
            "session=sess_1&session=x",
        ] {
            assert_eq!(first(&pairs(q), "session"), Some("sess_1"), "{q}");
        }
        assert_eq!(first(&pairs("a=1+2%2B3"), "a"), Some("1 2+3"));
        assert_eq!(
            encode([("session", "s 1"), ("x", "a&b")]),
            "session=s+1&x=a%26b"
        );
    }
}
