//! Demo data: one workspace with connections of every kind, rules, and a few hundred events
//! across every status with per-rule deliveries. Deterministic (fixed PRNG seed), idempotent.

mod apps;
mod data;

pub use apps::connect_seeded_apps;
use data::{EVENTS, NAMES, connections, rules};

use crate::store::db::{Db, ts};
use rusqlite::params;
use serde_json::json;
use time::{Duration, OffsetDateTime};

pub const DEMO_WORKSPACE_ID: &str = "7c1e2d9a-5b7e-4f3a-9a51-0d6c8e2f4b10";
pub const DEMO_WORKSPACE_NAME: &str = "Acme CRM Production";
pub const DEMO_EVENTS: usize = 2400;

/// xorshift64*: tiny, deterministic, good enough for demo data.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

struct SeedConnection {
    kind: &'static str,
    name: &'static str,
    reason: Option<&'static str>,
    hidden: bool,
    metadata: serde_json::Value,
    secrets: serde_json::Value,
    error: &'static str,
}

/// Where the demo's webhook inbox is when the sandbox runs on its default addresses.
pub const DEFAULT_INBOX: &str = "http://127.0.0.1:8789/inbox";

/// A database file holding only the demo data, seeded now and closed (its journal folded in),
/// ready to be copied: test harnesses seed once per run instead of once per sandbox.
pub fn seeded_file(path: &std::path::Path) -> rusqlite::Result<()> {
    let db = Db::open(path)?;
    // Test sandboxes run on ports of their own: their seeded webhook must not deliver into a
    // developer's sandbox on the default one.
    seed(
        &db,
        OffsetDateTime::now_utc(),
        "http://127.0.0.1:9/inbox",
        DEMO_EVENTS,
    )?;
    // Whoever copies the file copies only the file: everything must be in it.
    db.conn()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
    Ok(())
}

/// Seed the demo workspace unless it exists. Returns whether anything was written. What is
/// seeded as still under way is due work the engine picks up; the rest is history.
pub fn seed(db: &Db, now: OffsetDateTime, inbox: &str, events: usize) -> rusqlite::Result<bool> {
    let mut conn = db.conn();
    // Workspaces from data dirs older than the catalogs get the defaults too.
    let ids: Vec<String> = conn
        .prepare("SELECT id FROM workspaces")?
        .query_map([], |r| r.get("id"))?
        .collect::<Result<_, _>>()?;
    for ws in ids {
        crate::store::defaults::ensure_defaults(&conn, &ws, now)?;
    }
    let exists: bool = conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM workspaces WHERE id = ?1) AS seeded",
        [DEMO_WORKSPACE_ID],
        |r| r.get("seeded"),
    )?;
    if exists {
        return Ok(false);
    }
    let tx = conn.transaction()?;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let id = |rng: &mut Rng| {
        uuid::Builder::from_random_bytes(
            ((u128::from(rng.next()) << 64) | u128::from(rng.next())).to_be_bytes(),
        )
        .into_uuid()
        .to_string()
    };
    let created = ts(now - Duration::days(30));
    tx.execute(
        "INSERT INTO workspaces (id, name, description, public_key, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        params![DEMO_WORKSPACE_ID, DEMO_WORKSPACE_NAME, "Demo tenant of the Acme CRM host app", "pk_test_acmedemo", created],
    )?;
    crate::store::defaults::ensure_defaults(&tx, DEMO_WORKSPACE_ID, now - Duration::days(30))?;
    let conns = connections(inbox);
    let mut conn_ids = vec![];
    for c in &conns {
        let cid = id(&mut rng);
        tx.execute(
            "INSERT INTO connections (id, workspace_id, type, name, metadata, secrets, active, inactive_reason, hidden, created_by, created_at, updated_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'seed', ?10, ?10)",
            params![cid, DEMO_WORKSPACE_ID, c.kind, c.name, c.metadata.to_string(), c.secrets.to_string(), c.reason.is_none(), c.reason, c.hidden, created],
        )?;
        conn_ids.push(cid);
    }
    let rules = rules();
    let mut rule_ids = vec![];
    for (event, ci, metadata, resource) in &rules {
        let rid = id(&mut rng);
        tx.execute(
            "INSERT INTO rules (id, workspace_id, connection_id, type, event, resource, metadata, created_by, created_at, updated_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'seed', ?8, ?8)",
            params![rid, DEMO_WORKSPACE_ID, conn_ids[*ci], conns[*ci].kind, event, resource, metadata.to_string(), created],
        )?;
        rule_ids.push(rid);
    }

    let now_ms = (now.unix_timestamp_nanos() / 1_000_000) as i64;
    let window = 14 * 24 * 3600;
    // Spread over 14 days, denser recently; the newest few are still in flight. Inserted
    // oldest first, so `seq` order is time order (list pagination relies on it).
    let mut ages: Vec<i64> = (0..events)
        .map(|n| {
            if n < 12 {
                rng.below(600) as i64
            } else {
                (rng.below(window) * rng.below(window) / window) as i64
            }
        })
        .collect();
    ages.sort_unstable_by(|a, b| b.cmp(a));
    for age in ages {
        let at = now - Duration::seconds(age);
        let (event, resource, prefix) = EVENTS[rng.below(EVENTS.len() as u64) as usize];
        let resource_id = format!("{prefix}_{}", 1000 + rng.below(40));
        let eid = id(&mut rng);
        let person = NAMES[rng.below(NAMES.len() as u64) as usize];
        let email = format!(
            "{}@example.com",
            person.split(' ').next().unwrap_or("user").to_lowercase()
        );
        let payload = json!({"email": email, "name": person, "id": resource_id, "amount": rng.below(50_000) as f64 / 100.0});
        let mut statuses = vec![];
        let mut deliveries = vec![];
        for (ri, (rule_event, ci, _, filter)) in rules.iter().enumerate() {
            if *rule_event != event || filter.is_some_and(|f| f != resource) {
                continue;
            }
            let c = &conns[*ci];
            let (status, attempts, error) = if c.reason.is_some() && age < 3 * 24 * 3600 {
                ("failed", 1, Some(c.error))
            } else if age < 600 {
                match rng.below(3) {
                    0 => ("pending", 0, None),
                    1 => ("processing", 1, None),
                    _ => ("retrying", 2 + rng.below(3) as u32, Some(c.error)),
                }
            } else if rng.chance(7) {
                ("failed", 5, Some(c.error))
            } else if rng.chance(2) {
                (
                    "canceled",
                    1 + rng.below(3) as u32,
                    Some("Canceled by a workspace admin"),
                )
            } else {
                ("completed", if rng.chance(10) { 2 } else { 1 }, None)
            };
            statuses.push(status);
            deliveries.push((ri, *ci, status, attempts, error));
        }
        let status = super::delivery::aggregate(&statuses);
        let done = |s: &str| matches!(s, "completed" | "failed" | "canceled");
        let started = (status != "pending").then(|| ts(at + Duration::seconds(1)));
        let finished = done(status).then(|| ts(at + Duration::seconds(2 + rng.below(90) as i64)));
        let count = |s| statuses.iter().filter(|x| **x == s).count() as u32;
        tx.execute(
            "INSERT INTO events (id, workspace_id, event, resource, resource_id, status, payload, total_rules, completed_count, failed_count, started_at, completed_at, created_by, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 'api', ?13)",
            params![eid, DEMO_WORKSPACE_ID, event, resource, resource_id, status, payload.to_string(), statuses.len() as u32,
                    count("completed"), count("failed"), started, finished, ts(at)],
        )?;
        for (ri, ci, s, attempts, error) in deliveries {
            let reid = id(&mut rng);
            // Under way: due now (pending, processing) or after a retry's wait.
            let due_ms = match s {
                "pending" | "processing" => Some(now_ms + rng.below(3_000) as i64),
                "retrying" => Some(now_ms + 5_000 + rng.below(55_000) as i64),
                _ => None,
            };
            tx.execute(
                "INSERT INTO rule_events (id, event_id, workspace_id, rule_id, connection_id, integration_type, status, attempt_count, last_error, started_at, completed_at, created_at, due_ms) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                params![reid, eid, DEMO_WORKSPACE_ID, rule_ids[ri], conn_ids[ci], conns[ci].kind, s, attempts, error,
                        (s != "pending").then(|| ts(at + Duration::seconds(1))), done(s).then(|| finished.clone()).flatten(), ts(at), due_ms],
            )?;
            // Every finished try is an attempt; a processing delivery's last one is in flight.
            let finished_tries = if s == "processing" {
                attempts.saturating_sub(1)
            } else {
                attempts
            };
            for n in 1..=finished_tries {
                let delivered = s == "completed" && n == attempts;
                let (code, http) = if delivered {
                    ("delivered", Some(200))
                } else {
                    outcome_of(conns[ci].error)
                };
                let message = if delivered {
                    "Accepted by the provider"
                } else {
                    conns[ci].error
                };
                let start = at + Duration::seconds(1 + 60 * (i64::from(n) - 1) * i64::from(n));
                tx.execute(
                    "INSERT INTO attempts (id, rule_event_id, attempt, outcome_code, message, http_status, started_at, completed_at, duration_ms) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                    params![id(&mut rng), reid, n, code, message, http, ts(start), ts(start + Duration::milliseconds(900)), 120 + rng.below(2500) as i64],
                )?;
            }
        }
    }
    tx.commit()?;
    Ok(true)
}

/// The outcome code and HTTP status a seeded failure message stands for.
fn outcome_of(error: &str) -> (&'static str, Option<u16>) {
    let status = error
        .split(|c: char| !c.is_ascii_digit())
        .find_map(|w| w.parse::<u16>().ok().filter(|n| (100..600).contains(n)));
    let code = match status {
        Some(429) => "rate_limited",
        Some(401 | 403) => "auth_failed",
        Some(s) if s >= 500 => "rejected_server_error",
        Some(_) => "rejected_client_error",
        None if error.contains("Timed out") => "timeout",
        None if error.contains("OAuth") => "auth_failed",
        None => "rejected_client_error",
    };
    (code, status)
}

/// Names of the non-hidden seeded connections (tests assert the UI shows these).
pub fn visible_connection_names() -> Vec<&'static str> {
    connections(DEFAULT_INBOX)
        .into_iter()
        .filter(|c| !c.hidden)
        .map(|c| c.name)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_seeded_as_under_way_is_due_work_and_the_rest_is_history() {
        let db = Db::open_in_memory().unwrap();
        assert!(
            seed(
                &db,
                OffsetDateTime::now_utc(),
                "http://127.0.0.1:1/inbox",
                300
            )
            .unwrap()
        );
        let conn = db.conn();
        let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
        let under_way = "status IN ('pending','processing','retrying')";
        assert!(
            count(&format!(
                "SELECT COUNT(*) FROM rule_events WHERE {under_way}"
            )) > 0
        );
        assert_eq!(
            count(&format!(
                "SELECT COUNT(*) FROM rule_events WHERE {under_way} AND due_ms IS NULL"
            )),
            0
        );
        assert_eq!(
            count(&format!(
                "SELECT COUNT(*) FROM rule_events WHERE NOT {under_way} AND due_ms IS NOT NULL"
            )),
            0
        );
        let (metadata, secrets): (String, String) = conn
            .query_row(
                "SELECT metadata, secrets FROM connections WHERE name = 'Order Webhook'",
                [],
                |r| Ok((r.get("metadata")?, r.get("secrets")?)),
            )
            .unwrap();
        let metadata: serde_json::Value = serde_json::from_str(&metadata).unwrap();
        assert_eq!(metadata["url"], "http://127.0.0.1:1/inbox/acme-orders");
        assert!(secrets.contains(crate::receiver::DEMO_SECRET));
    }
}
