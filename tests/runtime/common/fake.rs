//! Fake transports: the API the pages talk to in these tests, recording every request.

use super::{error_body, session_info};
use gloo_timers::future::TimeoutFuture;
use meshes_embed::api::{ApiRequest, ApiResponse, Transport};
use std::sync::{Arc, Mutex};

pub type Requests = Arc<Mutex<Vec<ApiRequest>>>;

/// A session check that answers each token after its own delay, with its own status
/// (`answer(token) -> (delay ms, status)`); everything else is a 404.
pub fn checks(answer: impl Fn(&str) -> (u32, u16) + Send + Sync + 'static) -> Transport {
    Transport::new(move |req: ApiRequest| {
        let (delay, status) = if req.path.contains("/embed/session") {
            answer(req.token.as_deref().unwrap_or_default())
        } else {
            (0, 404)
        };
        let body = if status == 200 {
            session_info(1800)
        } else {
            error_body(&format!("status {status}"))
        };
        Box::pin(async move {
            TimeoutFuture::new(delay).await;
            Ok(ApiResponse {
                status,
                body,
                retry_after: None,
            })
        })
    })
}

/// A fake API: each route answers with its responses in order (the last one repeats); every
/// request is recorded. `/embed/session` answers as a valid session unless a route overrides it.
pub fn fake(routes: Vec<(&'static str, Vec<(u16, String)>)>) -> (Transport, Requests) {
    let seen: Requests = Arc::new(Mutex::new(vec![]));
    let log = seen.clone();
    let counters = Arc::new(Mutex::new(vec![0usize; routes.len()]));
    let t = Transport::new(move |req: ApiRequest| {
        log.lock().unwrap().push(req.clone());
        let hit = routes.iter().position(|(p, _)| req.path.contains(p));
        let res = match hit {
            Some(i) => {
                let mut counters = counters.lock().unwrap();
                let answers = &routes[i].1;
                let (status, body) = answers[counters[i].min(answers.len() - 1)].clone();
                counters[i] += 1;
                ApiResponse {
                    status,
                    body,
                    retry_after: None,
                }
            }
            None if req.path.contains("/embed/session") => ApiResponse {
                status: 200,
                body: session_info(1800),
                retry_after: None,
            },
            None => ApiResponse {
                status: 404,
                body: error_body("Not Found"),
                retry_after: None,
            },
        };
        Box::pin(async move { Ok(res) })
    });
    (t, seen)
}

/// `inner`, with the answers to paths containing `part` held back `ms` milliseconds; `in_flight`
/// counts those requests while they wait.
pub fn delayed(
    inner: Transport,
    part: &'static str,
    ms: u32,
    in_flight: Arc<std::sync::atomic::AtomicUsize>,
) -> Transport {
    use std::sync::atomic::Ordering;
    Transport::new(move |req: ApiRequest| {
        let hold = req.path.contains(part);
        let answer = inner.call(req);
        let in_flight = in_flight.clone();
        Box::pin(async move {
            if hold {
                in_flight.fetch_add(1, Ordering::SeqCst);
                TimeoutFuture::new(ms).await;
                in_flight.fetch_sub(1, Ordering::SeqCst);
            }
            answer.await
        })
    })
}

/// Requests whose path contains `part`.
pub fn count(requests: &Requests, part: &str) -> usize {
    requests
        .lock()
        .unwrap()
        .iter()
        .filter(|r| r.path.contains(part))
        .count()
}

pub fn ok(body: &str) -> (u16, String) {
    (200, body.to_owned())
}

pub fn status(code: u16) -> (u16, String) {
    (code, error_body(&format!("status {code}")))
}
