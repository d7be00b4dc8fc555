//! The delivery engine: due deliveries are claimed from the database (`claim`), each attempt
//! is built from its connection's settings (`webhook`, `signing`; `oauth` for apps connected
//! with OAuth, through the provider's API), sent to an address the
//! engine may reach (`guard`) and read back within bounds (`send`), and its result decides
//! what follows (`outcome`). Work lives in the database, so a restart resumes it; attempts
//! run concurrently, at most [`GLOBAL`] at once and [`PER_CONNECTION`] per connection, on
//! tasks of their own, so the API never waits for a destination.

pub mod claim;
pub mod guard;
mod oauth;
pub mod outcome;
pub mod send;
pub mod signing;
pub mod webhook;

use crate::AppState;
use claim::Job;
use meshes_protocol::api::OutcomeCode;
use rusqlite::OptionalExtension;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;

/// Attempts in flight at once, in all.
pub const GLOBAL: usize = 32;
/// Attempts in flight at once to one connection.
pub const PER_CONNECTION: usize = 4;
/// How often due retries are looked for when nothing wakes the engine sooner.
const POLL: Duration = Duration::from_millis(200);
/// After a wake, how long more work may gather before the next claim.
const GATHER: Duration = Duration::from_millis(10);

pub struct Engine {
    client: reqwest::Client,
    /// Ports of this machine the engine never sends to: the sandbox's own API and host app.
    own_ports: Vec<u16>,
    wake: Notify,
    /// Attempts in flight per connection.
    busy: Mutex<HashMap<String, usize>>,
}

impl Engine {
    /// Fails rather than fall back to a client without the guarded resolver, the no-redirect
    /// policy or `no_proxy`.
    pub fn new(own_ports: Vec<u16>) -> reqwest::Result<Engine> {
        Ok(Engine {
            own_ports,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .dns_resolver(Arc::new(guard::GuardedResolver))
                .no_proxy()
                .connect_timeout(Duration::from_secs(5))
                .user_agent(webhook::USER_AGENT)
                .build()?,
            wake: Notify::new(),
            busy: Mutex::new(HashMap::new()),
        })
    }
}

impl Engine {
    /// New work is due now (an ingested event, a forced retry).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    fn busy(&self) -> std::sync::MutexGuard<'_, HashMap<String, usize>> {
        self.busy.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Claim what is due and fits within the bounds; the slots are held until [`Engine::done`],
    /// and taken only for what a committed claim returned.
    fn claim(&self, state: &AppState) -> rusqlite::Result<Vec<Job>> {
        // Counted on a copy, without the lock: `done` only lowers counts meanwhile, and it
        // runs on the async workers, which must not wait for a claim's transaction.
        let mut tentative = self.busy().clone();
        let total: usize = tentative.values().sum();
        let jobs = claim::claim(
            state,
            GLOBAL.saturating_sub(total),
            PER_CONNECTION,
            |connection| {
                let n = tentative.entry(connection.to_owned()).or_default();
                (*n < PER_CONNECTION).then(|| *n += 1).is_some()
            },
        )?;
        let mut busy = self.busy();
        for job in &jobs {
            *busy.entry(job.connection_id.clone()).or_default() += 1;
        }
        Ok(jobs)
    }

    fn done(&self, job: &Job) {
        let mut busy = self.busy();
        if let Some(n) = busy.get_mut(&job.connection_id) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                busy.remove(&job.connection_id);
            }
        }
        drop(busy);
        self.wake();
    }
}

/// Run the engine for as long as the returned task lives. Aborting it also aborts the attempts
/// in flight, as a crash would (their leases run out and the next engine resumes them).
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut running = tokio::task::JoinSet::new();
        loop {
            match blocking(&state, |s| s.engine.claim(s)).await {
                Ok(jobs) => {
                    for job in jobs {
                        let state = state.clone();
                        running.spawn(async move { run(&state, job).await });
                    }
                }
                Err(e) => tracing::warn!(%e, "claiming deliveries failed"),
            }
            while running.try_join_next().is_some() {}
            tokio::select! {
                // Woken by a finished attempt or new work: wait a moment for more, so one
                // claim serves many (each claim is a write).
                _ = state.engine.wake.notified() => tokio::time::sleep(GATHER).await,
                _ = tokio::time::sleep(POLL) => {}
            }
        }
    })
}

/// Tests: run every delivery due now to its end, in this task. Returns how many ran.
pub async fn run_due(state: &AppState) -> rusqlite::Result<usize> {
    let jobs = blocking(state, |s| s.engine.claim(s)).await?;
    let n = jobs.len();
    futures_util::future::join_all(jobs.into_iter().map(|job| run(state, job))).await;
    Ok(n)
}

/// Database work off the async workers: it may wait for the writer, and a worker that waits
/// would stall every request it serves.
async fn blocking<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&AppState) -> rusqlite::Result<T> + Send + 'static,
) -> rusqlite::Result<T> {
    let state = state.clone();
    tokio::task::spawn_blocking(move || f(&state))
        .await
        // Only a panic or a runtime shutting down ends the task early.
        .unwrap_or_else(|e| Err(rusqlite::Error::ToSqlConversionFailure(Box::new(e))))
}

async fn run(state: &AppState, job: Job) {
    let (result, request) = attempt(state, &job).await;
    let job = std::sync::Arc::new(job);
    let recorded = {
        let job = job.clone();
        blocking(state, move |s| {
            claim::finish(s, &job, &result, request.as_deref())
        })
        .await
    };
    if let Err(e) = recorded {
        tracing::warn!(%e, delivery = job.rule_event_id, "recording an attempt failed");
    }
    state.engine.done(&job);
}

/// What a delivery needs from the database.
struct Target {
    kind: String,
    usable: bool,
    reason: Option<String>,
    metadata: Map<String, Value>,
    secrets: Map<String, Value>,
    /// The rule's action (`metadata`).
    rule_metadata: Value,
    event: webhook::EventData,
}

fn load(state: &AppState, job: &Job) -> rusqlite::Result<Option<Target>> {
    let conn = state.db.read();
    conn.query_row(
        "SELECT c.type, c.active AND c.deleted_at IS NULL AS usable, c.inactive_reason, c.metadata, \
         c.secrets, e.event, e.resource, e.resource_id, e.payload, e.created_at, r.metadata AS rule_metadata \
         FROM connections c, events e, rules r WHERE c.id = ?1 AND e.id = ?2 AND r.id = ?3",
        [&job.connection_id, &job.event_id, &job.rule_id],
        |r| {
            let json = |col: &str| -> rusqlite::Result<Map<String, Value>> {
                Ok(serde_json::from_str(&r.get::<_, String>(col)?).unwrap_or_default())
            };
            let created: String = r.get("created_at")?;
            Ok(Target {
                kind: r.get("type")?,
                usable: r.get("usable")?,
                reason: r.get("inactive_reason")?,
                metadata: json("metadata")?,
                secrets: json("secrets")?,
                rule_metadata: Value::Object(json("rule_metadata")?),
                event: webhook::EventData {
                    id: job.event_id.clone(),
                    event: r.get("event")?,
                    resource: r.get("resource")?,
                    resource_id: r.get("resource_id")?,
                    payload: serde_json::from_str(&r.get::<_, String>("payload")?).unwrap_or_default(),
                    created_ms: crate::store::db::parse_ts(&created)
                        .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64)
                        .unwrap_or_default(),
                },
            })
        },
    )
    .optional()
}

/// One attempt of `job`, and the request line it sent (if it sent one).
async fn attempt(state: &AppState, job: &Job) -> (send::Result, Option<String>) {
    let loaded = {
        let job = job.clone();
        blocking(state, move |s| load(s, &job)).await
    };
    let target = match loaded {
        Ok(Some(t)) => t,
        Ok(None) => {
            return (
                send::Result::refused(
                    OutcomeCode::InternalError,
                    "The connection or the event no longer exists",
                ),
                None,
            );
        }
        Err(e) => {
            return (
                send::Result::refused(
                    OutcomeCode::InternalError,
                    format!("Could not read the delivery: {e}"),
                ),
                None,
            );
        }
    };
    if !target.usable {
        let why = target.reason.unwrap_or_else(|| "deleted".into());
        return (
            send::Result::refused(
                OutcomeCode::AuthFailed,
                format!("Connection is inactive ({why})"),
            ),
            None,
        );
    }
    let oauth = crate::meshes::api::catalog::integration(&target.kind)
        .is_some_and(|i| i.authentication.kind == meshes_protocol::api::AuthType::Oauth);
    if oauth {
        return oauth::deliver(state, &job.connection_id, &target, &job.rule_event_id).await;
    }
    if target.kind != "webhook" {
        // API-key apps have no stand-in provider here: accepted without leaving the sandbox,
        // and the attempt says so.
        return (
            send::Result::refused(
                OutcomeCode::Delivered,
                "Accepted (simulated: the sandbox has no stand-in for API-key apps)",
            ),
            None,
        );
    }
    let out = match webhook::build(
        &target.metadata,
        &target.secrets,
        &target.event,
        &job.rule_event_id,
        job.attempt,
        state.clock.now_ms(),
    ) {
        Ok(out) => out,
        Err(why) => return (send::Result::refused(OutcomeCode::InternalError, why), None),
    };
    let line = webhook::request_line(&out.method, &out.url);
    if let Err(why) = guard::check_url(&out.url, &state.engine.own_ports) {
        return (
            send::Result::refused(OutcomeCode::NetworkError, why),
            Some(line),
        );
    }
    let timeout = Duration::from_millis(state.cfg.delivery_timeout_ms);
    (
        send::send(&state.engine.client, out, timeout).await,
        Some(line),
    )
}
