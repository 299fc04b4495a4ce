//! Opening the outbox file: pragmas, and the schema with its version.

use crate::core::config::Synchronous;
use crate::core::error::{Error, Result};
use rusqlite::Connection;
use std::path::Path;
use std::time::Duration;

/// Bumped with every change of the tables below; older files are migrated step by step.
pub const VERSION: i64 = 2;

const V1: &str = "
CREATE TABLE items (
    -- Without AUTOINCREMENT: a new id is still above every pending one (which is all that
    -- ordering needs), and each insert writes one page less.
    id               INTEGER PRIMARY KEY,
    endpoint_id      TEXT    NOT NULL,
    base_url         TEXT    NOT NULL,
    operation        TEXT    NOT NULL,
    endpoint         TEXT    NOT NULL,
    body             BLOB    NOT NULL,
    transaction_id   TEXT    NOT NULL,
    device_uuid      TEXT,
    customer_ip      TEXT,
    ordering_key     TEXT,
    status           TEXT    NOT NULL DEFAULT 'pending',
    attempts         INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    next_attempt_at  INTEGER NOT NULL,
    claimed_by       TEXT,
    claim_expires_at INTEGER,
    http_status      INTEGER,
    mindbox_status   TEXT,
    error_id         TEXT,
    last_error       TEXT,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX items_due ON items (endpoint_id, base_url, status, next_attempt_at, id);
CREATE INDEX items_key ON items (ordering_key, id) WHERE ordering_key IS NOT NULL;
CREATE INDEX items_claimed ON items (claim_expires_at) WHERE claimed_by IS NOT NULL;
CREATE TABLE leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT    NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE TABLE pacing (
    key          TEXT PRIMARY KEY,
    next_slot_us INTEGER NOT NULL
);
";

/// Ordering keys belong to an endpoint: one site's outage must not hold back another site's
/// events of the same Bitrix user, so the order is kept per endpoint and key.
const V2: &str = "
DROP INDEX items_key;
CREATE INDEX items_key ON items (endpoint_id, base_url, ordering_key, id) WHERE ordering_key IS NOT NULL;
";

/// SQLite's own busy timeout sleeps in steps of up to 100 ms, which would make a `send()` that
/// meets a deliverer's short write wait far longer than the write itself. This retries every
/// 50 µs at first, then every millisecond, for about ten seconds in all.
fn wait_for_lock(attempt: i32) -> bool {
    let pause = if attempt < 200 {
        Duration::from_micros(50)
    } else {
        Duration::from_millis(1)
    };
    std::thread::sleep(pause);
    attempt < 10_000
}

/// How a connection is used: the shop's thread only inserts, and should not pay for a WAL
/// checkpoint (with its fsync) in the middle of a request, so the deliverers checkpoint early
/// and the sender only late, as a safety net for when no delivery runs (Mindbox down, say)
/// and the WAL would otherwise grow without bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Sender,
    Deliverer,
}

pub fn open(path: &Path, synchronous: Synchronous, role: Role) -> Result<Connection> {
    let shown = path.display().to_string();
    let fail = |e: &dyn std::fmt::Display| Error::outbox(&shown, e);
    if path.is_dir() {
        return Err(fail(&"is a directory, not a file"));
    }
    let mut conn = Connection::open(path).map_err(|e| fail(&e))?;
    conn.busy_handler(Some(wait_for_lock))
        .map_err(|e| fail(&e))?;
    conn.set_prepared_statement_cache_capacity(32);
    let mode = wal_mode(&conn).map_err(|e| fail(&e))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(fail(&format!("cannot use WAL mode (got {mode})")));
    }
    let sync = match synchronous {
        Synchronous::Normal => "NORMAL",
        Synchronous::Full => "FULL",
    };
    let checkpoint_pages = match role {
        Role::Sender => 8000,
        Role::Deliverer => 1000,
    };
    // A queue's working set is small: 1 MiB of page cache, not SQLite's default 2 MiB. After a
    // checkpoint the WAL file is cut back to 64 MiB at most.
    conn.execute_batch(&format!(
        "PRAGMA synchronous = {sync}; PRAGMA wal_autocheckpoint = {checkpoint_pages};
         PRAGMA journal_size_limit = 67108864; PRAGMA cache_size = -1024;"
    ))
    .map_err(|e| fail(&e))?;
    migrate(&conn).map_err(|e| fail(&e))?;
    Ok(conn)
}

/// Switching a new file to WAL needs a moment of exclusive access, and SQLite answers "locked"
/// at once, without the busy handler, when another process is doing the same: several PHP-FPM
/// workers sending their first events to a fresh outbox must all succeed.
fn wal_mode(conn: &Connection) -> rusqlite::Result<String> {
    let started = std::time::Instant::now();
    loop {
        match conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0)) {
            Err(e)
                if matches!(
                    e.sqlite_error_code(),
                    Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
                ) && started.elapsed() < Duration::from_secs(10) =>
            {
                std::thread::sleep(Duration::from_millis(1));
            }
            other => return other,
        }
    }
}

fn migrate(conn: &Connection) -> std::result::Result<(), String> {
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| e.to_string())?;
    if version > VERSION {
        return Err(format!(
            "was written by a newer version of the extension (schema {version}, this one knows {VERSION})"
        ));
    }
    if version == VERSION {
        return Ok(());
    }
    // Several processes may open a new file at once: the first to get the write lock migrates,
    // the others see the new version.
    conn.execute_batch("BEGIN IMMEDIATE")
        .map_err(|e| e.to_string())?;
    let result = (|| -> rusqlite::Result<()> {
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version < 1 {
            conn.execute_batch(V1)?;
        }
        if version < 2 {
            conn.execute_batch(V2)?;
        }
        conn.execute_batch(&format!("PRAGMA user_version = {VERSION}"))
    })();
    match result {
        Ok(()) => conn.execute_batch("COMMIT").map_err(|e| e.to_string()),
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::params;

    #[test]
    fn a_version_1_file_is_migrated_with_its_items() {
        let path =
            std::env::temp_dir().join(format!("mindbox-schema-v1-{}.sqlite", std::process::id()));
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        {
            let old = Connection::open(&path).unwrap();
            old.execute_batch(V1).unwrap();
            old.execute_batch("PRAGMA user_version = 1").unwrap();
            old.execute(
                "INSERT INTO items (endpoint_id, base_url, operation, endpoint, body, transaction_id,
                    ordering_key, created_at, next_attempt_at, updated_at)
                 VALUES ('shop', 'u', 'A', 'async', x'7B7D', 't', 'k', 1, 1, 1)",
                params![],
            )
            .unwrap();
        }
        let conn = open(&path, Synchronous::Normal, Role::Deliverer).unwrap();
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        let index: String = conn
            .query_row(
                "SELECT sql FROM sqlite_master WHERE name = 'items_key'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let items: i64 = conn
            .query_row("SELECT COUNT(*) FROM items", [], |r| r.get(0))
            .unwrap();
        assert_eq!((version, items), (VERSION, 1));
        assert!(
            index.contains("endpoint_id, base_url, ordering_key"),
            "{index}"
        );
    }
}
