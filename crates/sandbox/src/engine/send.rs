//! One attempt on the wire: send the request, read a bounded part of the answer, and say how
//! it ended, with every secret of the connection taken out of what is kept.

use super::outcome::{Ended, parse_retry_after};
use super::webhook::Outbound;
use meshes_protocol::api::{HeaderPair, OutcomeCode, ResponseDetails};
use std::time::{Duration, Instant};

/// Kept of a response body, and read of it at most (the rest is not waited for).
const BODY_KEPT: usize = 4 * 1024;
const BODY_READ: usize = 64 * 1024;
const HEADERS_KEPT: usize = 50;
const HEADER_VALUE_KEPT: usize = 256;
/// Header values that are credentials whoever sends them.
const SENSITIVE_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
];

/// How an attempt went, ready to store.
pub struct Result {
    pub ended: Ended,
    pub message: String,
    pub retry_after: Option<Duration>,
    pub response: Option<ResponseDetails>,
    pub duration_ms: u32,
}

impl Result {
    pub fn http_status(&self) -> Option<u16> {
        match self.ended {
            Ended::Answered(s) => Some(s),
            _ => None,
        }
    }

    /// An attempt that never went on the wire.
    pub fn refused(code: OutcomeCode, message: impl Into<String>) -> Result {
        Result {
            ended: Ended::Decided(code),
            message: message.into(),
            retry_after: None,
            response: None,
            duration_ms: 0,
        }
    }
}

/// Replace every secret (of at least 4 characters, so a short one cannot blank out text),
/// and its JSON-escaped form, with `[redacted]`.
pub fn redact(text: &str, secrets: &[String]) -> String {
    let escaped = secrets.iter().filter_map(|s| {
        let json = serde_json::to_string(s).ok()?;
        let inner = json.get(1..json.len() - 1)?.to_owned();
        (inner != *s).then_some(inner)
    });
    let mut all: Vec<String> = secrets.iter().cloned().chain(escaped).collect();
    // Longest first, so a secret that contains another is replaced whole.
    all.sort_by_key(|s| std::cmp::Reverse(s.len()));
    all.iter()
        .filter(|s| s.len() >= 4)
        .fold(text.to_owned(), |t, s| t.replace(s.as_str(), "[redacted]"))
}

/// The longest start of `s` of at most `max` bytes that ends on a character boundary.
fn cut_bytes(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

fn cut(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

/// The innermost cause of an error: "Connection refused (os error 111)" rather than the
/// wrapper's "error sending request".
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cut(&cur.to_string(), 200)
}

pub async fn send(client: &reqwest::Client, out: Outbound, timeout: Duration) -> Result {
    let started = Instant::now();
    let mut req = client.request(out.method, out.url).body(out.body);
    for (n, v) in &out.headers {
        req = req.header(n, v);
    }
    let secrets = out.secrets;
    let exchange = async {
        let mut res = req.send().await?;
        let status = res.status();
        let headers: Vec<HeaderPair> = res
            .headers()
            .iter()
            .take(HEADERS_KEPT)
            .map(|(n, v)| {
                let name = n.as_str().to_owned();
                let value = if SENSITIVE_HEADERS.contains(&name.as_str()) {
                    "[redacted]".to_owned()
                } else {
                    cut(
                        &redact(&String::from_utf8_lossy(v.as_bytes()), &secrets),
                        HEADER_VALUE_KEPT,
                    )
                };
                HeaderPair { name, value }
            })
            .collect();
        let retry_after = res
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, std::time::SystemTime::now()));
        let mut body = Vec::new();
        let mut more = false;
        while let Some(chunk) = res.chunk().await? {
            body.extend_from_slice(&chunk);
            if body.len() >= BODY_READ {
                more = true;
                break;
            }
        }
        Ok::<_, reqwest::Error>((status, headers, retry_after, body, more))
    };
    let outcome = tokio::time::timeout(timeout, exchange).await;
    let duration_ms = started.elapsed().as_millis().min(u128::from(u32::MAX)) as u32;
    let (ended, message, retry_after, response) = match outcome {
        Err(_) => (
            Ended::TimedOut,
            format!("No answer within {} ms", timeout.as_millis()),
            None,
            None,
        ),
        Ok(Err(e)) if e.is_timeout() => (
            Ended::TimedOut,
            format!("No answer within {} ms", timeout.as_millis()),
            None,
            None,
        ),
        // A request that cannot even be built (a header value it refuses) will not improve.
        Ok(Err(e)) if e.is_builder() => (
            Ended::Decided(OutcomeCode::InternalError),
            format!("The request could not be built: {}", root_cause(&e)),
            None,
            None,
        ),
        Ok(Err(e)) => (
            Ended::Unreachable,
            format!("Could not connect: {}", root_cause(&e)),
            None,
            None,
        ),
        Ok(Ok((status, headers, retry_after, body, more))) => {
            // Redacted whole, then cut: a cut must not leave half a secret behind.
            let text = redact(&String::from_utf8_lossy(&body), &secrets);
            let kept = cut_bytes(&text, BODY_KEPT);
            let details = ResponseDetails {
                attempt_id: String::new(),
                http_status: Some(status.as_u16()),
                headers,
                body_truncated: more || kept.len() < text.len(),
                body: kept.to_owned(),
                body_bytes: body.len() as u32,
            };
            let code = match status.canonical_reason() {
                Some(reason) => format!("{} {reason}", status.as_u16()),
                None => status.as_u16().to_string(),
            };
            (
                Ended::Answered(status.as_u16()),
                format!("HTTP {code}"),
                retry_after,
                Some(details),
            )
        }
    };
    Result {
        ended,
        message,
        retry_after,
        response,
        duration_ms,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_redacted_and_short_ones_left_alone() {
        let secrets = vec!["s3cret-token".to_owned(), "ab".to_owned()];
        assert_eq!(
            redact("echo: Bearer s3cret-token, ab", &secrets),
            "echo: Bearer [redacted], ab"
        );
        assert_eq!(cut("héllo", 2), "hé…");
        assert_eq!(cut_bytes("héllo", 2), "h");
        let quoted = vec!["pa\"ss".to_owned()];
        assert_eq!(
            redact(r#"{"p":"pa\"ss"}"#, &quoted),
            r#"{"p":"[redacted]"}"#
        );
        assert_eq!(cut("hé", 2), "hé");
    }
}
