//! Web origins: normalised once when configured, then compared byte-for-byte.
//!
//! Configuration (`allowed_origins`) is normalised at write time so that the runtime can compare
//! `event.origin` with plain string equality — never prefix/suffix/regex matching (docs/contract.md §3).

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Origin(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OriginError {
    #[error("must be an origin like https://app.example.com")]
    Malformed,
    #[error("scheme must be https (http is allowed only for localhost and loopback addresses)")]
    Scheme,
    #[error("must not contain a path, query, fragment or credentials")]
    HasPath,
    #[error("host is not a valid DNS name or IP address (use the punycode form for IDNs)")]
    Host,
    #[error("port must be between 1 and 65535")]
    Port,
}

impl Origin {
    /// Parse and normalise: lower-case scheme and host, default port dropped, one trailing `/`
    /// tolerated. Rejects wildcards, `null`, CSP keywords, paths and anything with separators
    /// that could inject header or CSP syntax.
    pub fn parse(input: &str) -> Result<Origin, OriginError> {
        if input.len() > 253 + 16 || input.bytes().any(|b| !b.is_ascii_graphic()) {
            return Err(OriginError::Malformed);
        }
        let (scheme, rest) = input.split_once("://").ok_or(OriginError::Malformed)?;
        let scheme = scheme.to_ascii_lowercase();
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        if rest.is_empty() {
            return Err(OriginError::Malformed);
        }
        if rest.contains(['/', '?', '#', '@', '\\']) {
            return Err(OriginError::HasPath);
        }
        let (host, port) = split_host_port(rest)?;
        let host = host.to_ascii_lowercase();
        if !valid_host(&host) {
            return Err(OriginError::Host);
        }
        let default_port = match scheme.as_str() {
            "https" => 443,
            "http" if is_loopback(&host) => 80,
            "http" => return Err(OriginError::Scheme),
            _ => return Err(OriginError::Scheme),
        };
        Ok(match port {
            Some(p) if p != default_port => Origin(format!("{scheme}://{host}:{p}")),
            _ => Origin(format!("{scheme}://{host}")),
        })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Exact comparison with a browser-serialised origin (`event.origin`, `location.origin`).
    pub fn matches(&self, serialized: &str) -> bool {
        self.0 == serialized
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl serde::Serialize for Origin {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Origin {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Origin::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Why the runtime refuses to bind to its parent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParentError {
    #[error("the page embedding this workspace ({0}) is not in the session's allowed_origins")]
    NotAllowed(String),
    #[error("the embedding page's origin could not be determined")]
    Unknown,
}

/// Pick the one parent origin the runtime will talk to (docs/contract.md §3). `observed` is what the browser
/// reports (`location.ancestorOrigins[0]`, else the referrer's origin). With an allowlist the
/// observed origin must be on it; a single-entry allowlist also works when nothing is observed
/// (the browser drops messages to a non-matching `targetOrigin`, so nothing leaks).
pub fn choose_parent(observed: Option<&str>, allowed: &[Origin]) -> Result<Origin, ParentError> {
    let observed = observed.filter(|o| !o.is_empty());
    match (observed, allowed) {
        // An opaque (sandboxed) parent can never be on an allowlist, nor be posted to.
        (Some("null"), _) => Err(ParentError::NotAllowed("null".to_owned())),
        (Some(o), []) => Origin::parse(o).map_err(|_| ParentError::NotAllowed(o.to_owned())),
        (None, []) => Err(ParentError::Unknown),
        (Some(o), list) => list
            .iter()
            .find(|a| a.matches(o))
            .cloned()
            .ok_or_else(|| ParentError::NotAllowed(o.to_owned())),
        (None, [only]) => Ok(only.clone()),
        (None, _) => Err(ParentError::Unknown),
    }
}

fn split_host_port(rest: &str) -> Result<(&str, Option<u16>), OriginError> {
    let (host, port) = if rest.starts_with('[') {
        let end = rest.find(']').ok_or(OriginError::Host)?;
        let (h, p) = rest.split_at(end + 1);
        match p {
            "" => (h, None),
            _ => (h, Some(p.strip_prefix(':').ok_or(OriginError::Malformed)?)),
        }
    } else {
        match rest.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (rest, None),
        }
    };
    let port = match port {
        None => None,
        Some(p) if !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()) => {
            match p.parse::<u16>() {
                Ok(0) | Err(_) => return Err(OriginError::Port),
                Ok(n) => Some(n),
            }
        }
        Some(_) => return Err(OriginError::Port),
    };
    Ok((host, port))
}

fn valid_host(host: &str) -> bool {
    if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return !v6.is_empty() && v6.parse::<std::net::Ipv6Addr>().is_ok();
    }
    if host.is_empty() || host.len() > 253 {
        return false;
    }
    host.split('.').all(|label| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    })
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host == "[::1]"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises() {
        let ok = [
            ("HTTPS://Example.COM:443/", "https://example.com"),
            ("https://app.example.com", "https://app.example.com"),
            (
                "https://app.example.com:8443",
                "https://app.example.com:8443",
            ),
            ("http://localhost:8080", "http://localhost:8080"),
            ("http://127.0.0.1:80", "http://127.0.0.1"),
            ("http://[::1]:3000", "http://[::1]:3000"),
            ("https://xn--80ak6aa92e.com", "https://xn--80ak6aa92e.com"),
        ];
        for (input, want) in ok {
            assert_eq!(
                Origin::parse(input).map(|o| o.0).as_deref(),
                Ok(want),
                "{input}"
            );
        }
    }

    #[test]
    fn rejects_bad_configuration() {
        for bad in [
            "*",
            "https://*",
            "https://*.example.com",
            "https://example.com/path",
            "https://example.com?x",
            "https://example.com#x",
            "https://a.com; script-src *",
            "https://a.com https://b.com",
            "https://a.com,https://b.com",
            "https://a.com\r\nSet-Cookie: x=1",
            "'self'",
            "'none'",
            "'unsafe-inline'",
            "data:",
            "blob:",
            "file:///",
            "javascript:alert(1)",
            "null",
            "",
            "http://example.com",
            "https://еxample.com",
            "https://user@example.com",
            "https://example.com:0",
            "https://example.com:99999",
            "https://example.com:",
            "https://-bad.com",
            "ftp://example.com",
            "https://",
        ] {
            assert!(Origin::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn parent_choice() {
        let a = Origin::parse("http://localhost:8080").unwrap();
        let b = Origin::parse("https://app.example.com").unwrap();
        assert_eq!(
            choose_parent(Some("http://localhost:8080"), &[b.clone(), a.clone()]),
            Ok(a.clone())
        );
        assert_eq!(choose_parent(None, std::slice::from_ref(&a)), Ok(a.clone()));
        assert_eq!(
            choose_parent(None, &[a.clone(), b.clone()]),
            Err(ParentError::Unknown)
        );
        assert!(matches!(
            choose_parent(Some("null"), &[]),
            Err(ParentError::NotAllowed(_))
        ));
        assert!(matches!(
            choose_parent(Some("null"), std::slice::from_ref(&a)),
            Err(ParentError::NotAllowed(_))
        ));
        assert!(matches!(
            choose_parent(Some("https://evil.test"), std::slice::from_ref(&a)),
            Err(ParentError::NotAllowed(_))
        ));
        assert!(matches!(
            choose_parent(Some("http://localhost:8080.evil.test"), &[a]),
            Err(ParentError::NotAllowed(_))
        ));
        assert_eq!(choose_parent(Some("https://app.example.com"), &[]), Ok(b));
    }

    #[test]
    fn matches_exactly() {
        let o = Origin::parse("https://app.example.com").unwrap();
        assert!(o.matches("https://app.example.com"));
        for near in [
            "https://app.example.com.evil.test",
            "https://evil.app.example.com",
            "http://app.example.com",
            "https://app.example.com:444",
            "https://app.example.com/",
            "null",
            "",
            "*",
        ] {
            assert!(!o.matches(near), "{near}");
        }
    }
}
