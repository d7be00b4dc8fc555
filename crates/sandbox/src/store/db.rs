//! SQLite storage. One connection behind a mutex: the sandbox serves one developer or one test
//! run, every statement is sub-millisecond, and a single writer makes launch-token consumption
//! trivially atomic.

use base64::Engine;
use rusqlite::Connection;
use std::path::Path;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS workspaces (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, name TEXT NOT NULL UNIQUE,
  description TEXT, public_key TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id), role TEXT NOT NULL,
  session_type TEXT NOT NULL, resource TEXT, resource_id TEXT, external_user_id TEXT,
  scopes TEXT NOT NULL, allowed_origins TEXT NOT NULL, launch_page TEXT NOT NULL,
  ttl_seconds INTEGER NOT NULL, status TEXT NOT NULL DEFAULT 'active',
  generation INTEGER NOT NULL DEFAULT 1, created_at TEXT NOT NULL, expires_at TEXT NOT NULL,
  launch_hash TEXT NOT NULL UNIQUE, launch_expires_at TEXT NOT NULL, launch_used_at TEXT,
  revoked_at TEXT);
CREATE INDEX IF NOT EXISTS sessions_ws ON sessions(workspace_id, seq);
CREATE TABLE IF NOT EXISTS connections (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id), type TEXT NOT NULL, name TEXT NOT NULL,
  metadata TEXT NOT NULL DEFAULT '{}', active INTEGER NOT NULL DEFAULT 1, inactive_reason TEXT,
  hidden INTEGER NOT NULL DEFAULT 0, created_by TEXT NOT NULL, created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS connections_ws ON connections(workspace_id, seq);
CREATE TABLE IF NOT EXISTS rules (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  connection_id TEXT NOT NULL REFERENCES connections(id), type TEXT NOT NULL,
  event TEXT NOT NULL, resource TEXT, resource_id TEXT, metadata TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1, hidden INTEGER NOT NULL DEFAULT 0,
  created_by TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS rules_ws ON rules(workspace_id, seq);
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id), event TEXT NOT NULL,
  resource TEXT, resource_id TEXT, status TEXT NOT NULL, payload TEXT NOT NULL DEFAULT '{}',
  total_rules INTEGER NOT NULL DEFAULT 0, completed_count INTEGER NOT NULL DEFAULT 0,
  failed_count INTEGER NOT NULL DEFAULT 0, started_at TEXT, completed_at TEXT,
  created_by TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS events_ws_created ON events(workspace_id, created_at);
CREATE TABLE IF NOT EXISTS rule_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
  event_id TEXT NOT NULL REFERENCES events(id), workspace_id TEXT NOT NULL,
  rule_id TEXT NOT NULL REFERENCES rules(id), connection_id TEXT NOT NULL,
  integration_type TEXT NOT NULL, status TEXT NOT NULL, attempt_count INTEGER NOT NULL DEFAULT 0,
  last_error TEXT, started_at TEXT, completed_at TEXT, created_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS rule_events_event ON rule_events(event_id);
CREATE INDEX IF NOT EXISTS rule_events_ws ON rule_events(workspace_id, created_at);
CREATE TABLE IF NOT EXISTS attempts (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
  rule_event_id TEXT NOT NULL REFERENCES rule_events(id), attempt INTEGER NOT NULL,
  outcome_code TEXT NOT NULL, message TEXT NOT NULL, http_status INTEGER,
  started_at TEXT NOT NULL, completed_at TEXT NOT NULL, duration_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS attempts_rule_event ON attempts(rule_event_id, seq);
CREATE TABLE IF NOT EXISTS field_catalogs (
  connection_id TEXT PRIMARY KEY REFERENCES connections(id), id TEXT NOT NULL UNIQUE,
  catalog_version INTEGER NOT NULL, refreshed_at TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS mappings (
  connection_id TEXT PRIMARY KEY REFERENCES connections(id), id TEXT NOT NULL UNIQUE,
  version INTEGER NOT NULL, name TEXT NOT NULL, schema TEXT NOT NULL, catalog_version INTEGER,
  created_by TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS catalog_entries (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id), kind TEXT NOT NULL, key TEXT NOT NULL,
  label TEXT NOT NULL, description TEXT, active INTEGER NOT NULL DEFAULT 1, created_by TEXT,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL, UNIQUE (workspace_id, kind, key));
CREATE TABLE IF NOT EXISTS oauth_attempts (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id), session_id TEXT NOT NULL,
  integration TEXT NOT NULL, mode TEXT NOT NULL, connection_id TEXT,
  reauthorize INTEGER NOT NULL DEFAULT 0, return_to TEXT, nonce TEXT, start_hash TEXT NOT NULL,
  state_hash TEXT UNIQUE, pkce_verifier TEXT, binding_hash TEXT, status TEXT NOT NULL,
  account TEXT, error_code TEXT, error_message TEXT, created_by TEXT NOT NULL,
  created_at TEXT NOT NULL, expires_at TEXT NOT NULL, completed_at TEXT);
"#;

/// Columns added after a table first shipped: (table, column, definition). Data dirs from
/// earlier versions get them on open; fresh ones get them the same way.
const ADDED_COLUMNS: &[(&str, &str, &str)] = &[
    ("connections", "secrets", "TEXT NOT NULL DEFAULT '{}'"),
    ("rule_events", "next_attempt_at", "TEXT"),
    // Deleting keeps the row (delivery history points at it) and hides it everywhere else.
    ("connections", "deleted_at", "TEXT"),
    ("rules", "deleted_at", "TEXT"),
    // The hosted start page: how the embed proves it created the attempt, and how it went on.
    ("oauth_attempts", "proof_hash", "TEXT"),
    ("oauth_attempts", "started_via", "TEXT"),
    // Sent by a rule's "Send test event" (decision 88).
    ("events", "is_test", "INTEGER NOT NULL DEFAULT 0"),
    // The engine's schedule in unix milliseconds (retries can be sub-second); replaces
    // `next_attempt_at`, which only had whole seconds.
    ("rule_events", "due_ms", "INTEGER"),
    // What a real attempt sent and got: the request line, and the captured answer (JSON).
    ("attempts", "request", "TEXT"),
    ("attempts", "response", "TEXT"),
];

/// Run after the columns exist: indexes on added columns, the read paths' indexes, the daily
/// counts the dashboard reads (kept by triggers), and moving old schedules over.
const AFTER_COLUMNS: &str = r#"
CREATE INDEX IF NOT EXISTS rule_events_due ON rule_events(due_ms) WHERE due_ms IS NOT NULL;
CREATE INDEX IF NOT EXISTS events_ws_seq ON events(workspace_id, seq);
CREATE INDEX IF NOT EXISTS events_ws_status_seq ON events(workspace_id, status, seq);
CREATE INDEX IF NOT EXISTS events_ws_event_seq ON events(workspace_id, event, seq);
CREATE INDEX IF NOT EXISTS events_ws_resource_seq ON events(workspace_id, resource, resource_id, seq);
CREATE INDEX IF NOT EXISTS rule_events_ws_status ON rule_events(workspace_id, status, created_at);
CREATE INDEX IF NOT EXISTS rule_events_conn_due ON rule_events(connection_id, due_ms) WHERE due_ms IS NOT NULL;
CREATE INDEX IF NOT EXISTS rule_events_conn_event ON rule_events(connection_id, event_id);
UPDATE rule_events SET due_ms = CAST(strftime('%s', next_attempt_at) AS INTEGER) * 1000,
  next_attempt_at = NULL WHERE next_attempt_at IS NOT NULL AND due_ms IS NULL;
"#;

/// Events and deliveries per workspace, UTC day and status, kept by triggers on every insert
/// and status change, so the dashboard sums a few rows instead of scanning the window.
const DAILY_COUNTS: &str = r#"
CREATE TABLE IF NOT EXISTS daily_counts (
  workspace_id TEXT NOT NULL, day TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL,
  n INTEGER NOT NULL, PRIMARY KEY (workspace_id, kind, day, status)) WITHOUT ROWID;
"#;

/// The two triggers (`{name}_count_new`, `{name}_count_moved`) that keep `table`'s rows
/// counted in `daily_counts` as `kind`.
fn count_triggers(name: &str, table: &str, kind: &str) -> String {
    let add = format!(
        "INSERT INTO daily_counts VALUES (NEW.workspace_id, substr(NEW.created_at, 1, 10), '{kind}', NEW.status, 1) \
         ON CONFLICT DO UPDATE SET n = n + 1;"
    );
    format!(
        "CREATE TRIGGER IF NOT EXISTS {name}_count_new AFTER INSERT ON {table} BEGIN {add} END;
         CREATE TRIGGER IF NOT EXISTS {name}_count_moved AFTER UPDATE OF status ON {table}
         WHEN OLD.status != NEW.status BEGIN
           UPDATE daily_counts SET n = n - 1 WHERE workspace_id = OLD.workspace_id AND kind = '{kind}'
             AND day = substr(OLD.created_at, 1, 10) AND status = OLD.status;
           {add}
         END;"
    )
}

/// Counts for data written before the triggers existed: once per database.
const DAILY_COUNTS_BACKFILL: &str = r#"
DELETE FROM daily_counts;
INSERT INTO daily_counts SELECT workspace_id, substr(created_at, 1, 10), 'event', status, COUNT(*)
  FROM events GROUP BY 1, 2, 4;
INSERT INTO daily_counts SELECT workspace_id, substr(created_at, 1, 10), 'delivery', status, COUNT(*)
  FROM rule_events GROUP BY 1, 2, 4;
INSERT OR REPLACE INTO meta (key, value) VALUES ('daily_counts', '1');
"#;

/// Connections that only read, so reads run side by side (WAL) instead of queueing behind the
/// one writer.
const READERS: usize = 4;

/// The database: one connection that writes (behind a mutex: a single writer makes every
/// check-then-write atomic) and a few that only read.
#[derive(Clone)]
pub struct Db {
    // Readers first: fields drop in order, and only the writer, closing last, folds the WAL
    // back into the database file.
    readers: Arc<[Mutex<Connection>]>,
    writer: Arc<Mutex<Connection>>,
    next: Arc<std::sync::atomic::AtomicUsize>,
}

impl Db {
    pub fn open(path: &Path) -> rusqlite::Result<Db> {
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let mut db = Self::init(Connection::open(path)?)?;
        let readers = (0..READERS)
            .map(|_| {
                let r = Connection::open_with_flags(
                    path,
                    rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
                        | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                r.execute_batch("PRAGMA busy_timeout=5000; PRAGMA query_only=1;")?;
                Ok(Mutex::new(r))
            })
            .collect::<rusqlite::Result<Vec<_>>>()?;
        db.readers = readers.into();
        Ok(db)
    }

    /// Tests: nothing on disk, so reads share the writer.
    pub fn open_in_memory() -> rusqlite::Result<Db> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(conn: Connection) -> rusqlite::Result<Db> {
        conn.execute_batch(
            "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL; \
             PRAGMA busy_timeout=5000;",
        )?;
        conn.execute_batch(SCHEMA)?;
        for (table, column, definition) in ADDED_COLUMNS {
            let exists: bool = conn.query_row(
                &format!(
                    "SELECT EXISTS(SELECT 1 FROM pragma_table_info('{table}') WHERE name = ?1) AS present"
                ),
                [column],
                |r| r.get("present"),
            )?;
            if !exists {
                conn.execute_batch(&format!(
                    "ALTER TABLE {table} ADD COLUMN {column} {definition}"
                ))?;
            }
        }
        conn.execute_batch(AFTER_COLUMNS)?;
        conn.execute_batch(DAILY_COUNTS)?;
        conn.execute_batch(&count_triggers("events", "events", "event"))?;
        conn.execute_batch(&count_triggers("deliveries", "rule_events", "delivery"))?;
        let counted: bool = conn.query_row(
            "SELECT EXISTS(SELECT 1 FROM meta WHERE key = 'daily_counts') AS counted",
            [],
            |r| r.get("counted"),
        )?;
        if !counted {
            conn.execute_batch(&format!("BEGIN; {DAILY_COUNTS_BACKFILL} COMMIT;"))?;
        }
        Ok(Db {
            writer: Arc::new(Mutex::new(conn)),
            readers: Arc::new([]),
            next: Default::default(),
        })
    }

    /// The connection that writes (and reads what it is about to change). Poisoning only
    /// happens if a statement panicked; the connection itself is still sound.
    pub fn conn(&self) -> MutexGuard<'_, Connection> {
        self.writer.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A connection for a read that changes nothing: one of the readers in turn (the writer
    /// when there are none).
    pub fn read(&self) -> MutexGuard<'_, Connection> {
        if self.readers.is_empty() {
            return self.conn();
        }
        let i = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % self.readers.len();
        self.readers[i].lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A per-database secret (created once), so tokens stay valid across restarts.
    pub fn secret(&self, key: &str) -> rusqlite::Result<Vec<u8>> {
        let conn = self.conn();
        let existing: Option<String> = conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| {
                r.get("value")
            })
            .ok();
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        if let Some(v) = existing.and_then(|v| b64.decode(v).ok()) {
            return Ok(v);
        }
        let fresh: [u8; 32] = rand::random();
        conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
            (key, b64.encode(fresh)),
        )?;
        Ok(fresh.to_vec())
    }
}

/// Wall clock with an adjustable offset, so tests can step past expiries without sleeping.
#[derive(Clone, Default)]
pub struct Clock(Arc<AtomicI64>);

impl Clock {
    pub fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc() + time::Duration::seconds(self.0.load(Ordering::Relaxed))
    }

    /// `now()` as unix milliseconds: the delivery schedule's unit.
    pub fn now_ms(&self) -> i64 {
        (self.now().unix_timestamp_nanos() / 1_000_000) as i64
    }

    pub fn advance(&self, seconds: i64) {
        self.0.fetch_add(seconds, Ordering::Relaxed);
    }
}

/// Wire format for timestamps: RFC 3339, UTC, whole seconds (`2026-03-15T12:00:00Z`).
/// Fixed width, so SQLite string comparison orders them correctly.
pub fn ts(t: OffsetDateTime) -> String {
    // Always UTC: stored timestamps are compared as strings, so `+02:00` must not survive.
    let t = t.to_offset(time::UtcOffset::UTC);
    let t = t.replace_nanosecond(0).unwrap_or(t);
    t.format(&Rfc3339).unwrap_or_default()
}

pub fn parse_ts(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &Rfc3339).ok()
}

/// Opaque pagination cursors over a table's `seq`.
pub fn encode_cursor(seq: i64) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(seq.to_string())
}

pub fn decode_cursor(c: &str) -> Option<i64> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(c)
        .ok()?;
    std::str::from_utf8(&bytes)
        .ok()?
        .parse()
        .ok()
        .filter(|n: &i64| *n > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_utc_whole_seconds_whatever_the_input_offset() {
        let t = parse_ts("2026-03-15T14:00:00.750+02:00").unwrap();
        assert_eq!(ts(t), "2026-03-15T12:00:00Z");
        assert_eq!(
            ts(parse_ts("2026-03-15T12:00:00Z").unwrap()),
            "2026-03-15T12:00:00Z"
        );
    }
}
