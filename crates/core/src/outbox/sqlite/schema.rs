//! Opening the outbox file: pragmas, and the schema with its version.

use crate::error::{Error, Result};
use crate::private;
use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Bumped with every change of the tables below; older files are migrated step by step.
pub(crate) const VERSION: i64 = 7;

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

/// The key a lease holder sends with, and the keys Mindbox refused, by their fingerprints.
const V3: &str = "
ALTER TABLE leases ADD COLUMN key_fp TEXT NOT NULL DEFAULT '';
CREATE TABLE credentials (
    lease_name TEXT    NOT NULL,
    key_fp     TEXT    NOT NULL,
    refused_at INTEGER NOT NULL,
    PRIMARY KEY (lease_name, key_fp)
);
";

/// Ordering keys belong to an endpoint: one site's outage must not hold back another site's
/// events of the same Bitrix user, so the order is kept per endpoint and key.
const V2: &str = "
DROP INDEX items_key;
CREATE INDEX items_key ON items (endpoint_id, base_url, ordering_key, id) WHERE ordering_key IS NOT NULL;
";

/// A delayed item is not sent before `not_before`, which no recovery from an outage brings
/// forward (unlike `next_attempt_at`). An item holds `hold_cents` of points under `hold_key`
/// until Mindbox answers it: `heldPoints()` sums them with one look at `items_hold`, which holds
/// only the items that hold something. `withdraw()` finds an item by its transactionId.
const V4: &str = "
ALTER TABLE items ADD COLUMN not_before INTEGER NOT NULL DEFAULT 0;
ALTER TABLE items ADD COLUMN hold_key TEXT;
ALTER TABLE items ADD COLUMN hold_cents INTEGER NOT NULL DEFAULT 0;
CREATE INDEX items_hold ON items (endpoint_id, base_url, hold_key, status, hold_cents)
    WHERE hold_key IS NOT NULL;
CREATE INDEX items_tx ON items (transaction_id);
";

/// When a refused key is next probed, and how long the wait after the next refusal grows from
/// (see `store::refusal`). A key refused before these existed is probed at once.
const V5: &str = "
ALTER TABLE credentials ADD COLUMN probe_interval INTEGER NOT NULL DEFAULT 60000;
ALTER TABLE credentials ADD COLUMN probed_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE credentials ADD COLUMN probe_at INTEGER NOT NULL DEFAULT 0;
";

/// The bulk imports' hourly budget of each endpoint (see `store::bulk`): when a 429 lets imports
/// go again, the slots taken in the last hour, and each transactionId's attempts Mindbox did not
/// answer.
const V6: &str = "
CREATE TABLE bulk_budget (
    name          TEXT    PRIMARY KEY,
    blocked_until INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE bulk_slots (
    id             INTEGER PRIMARY KEY,
    name           TEXT    NOT NULL,
    taken_at       INTEGER NOT NULL,
    transaction_id TEXT    NOT NULL
);
CREATE INDEX bulk_slots_taken ON bulk_slots (name, taken_at);
CREATE TABLE bulk_attempts (
    name           TEXT    NOT NULL,
    transaction_id TEXT    NOT NULL,
    failures       INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    PRIMARY KEY (name, transaction_id)
);
";

/// Snapshots of what Mindbox was last told (see `outbox::snapshot`), by endpoint and key, with
/// the item that carried one. An ordinary rowid table: its values are too large for WITHOUT ROWID.
const V7: &str = "
CREATE TABLE snapshots (
    endpoint_id    TEXT    NOT NULL,
    base_url       TEXT    NOT NULL,
    key            TEXT    NOT NULL,
    value          BLOB    NOT NULL,
    saved_at       INTEGER NOT NULL,
    item_id        INTEGER,
    transaction_id TEXT,
    PRIMARY KEY (endpoint_id, base_url, key)
);
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

/// The pages of a new file: 2 KiB, not SQLite's 4 KiB. A commit writes every page it changed
/// whole into the WAL, and an event's insert and its settling each change an entry of a few
/// dozen bytes in each of the items' indexes: with 4 KiB pages some 44 KB of WAL per event, all
/// copied, checksummed and put in fresh page cache. 2 KiB pages write half of it in as many
/// writes: one process at a shop's steady 100 events/s with delivery took 0.48 → 0.42 ms of CPU
/// per event (medians of six interleaved runs). 1 KiB pages spread a body over more pages, and
/// did no better.
const PAGE_SIZE: u64 = 2048;
/// A WAL frame's header, before each page.
const WAL_FRAME_HEADER: u64 = 24;
/// How large the WAL grows before the shop's connection checkpoints it (see `Role`).
const SENDER_CHECKPOINT_BYTES: u64 = 32 << 20;
/// How large the WAL grows before the deliverer checkpoints it, by hand (`FileStore::trim_wal`)
/// or, failing that, by itself.
pub(crate) const DELIVERER_CHECKPOINT_BYTES: u64 = 4 << 20;

/// SQLite's durability: `Full` also survives a power loss of the last commits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Synchronous {
    Normal,
    Full,
}

/// How a connection is used: the shop's thread inserts, and should not pay for a WAL
/// checkpoint (with its fsync) in the middle of a request, so its connection, which the
/// process's deliverer shares, checkpoints by itself only late, as a safety net for when no
/// delivery runs (Mindbox down, say) and the WAL would otherwise grow without bound; the
/// deliverer checkpoints early, by hand (`FileStore::trim_wal`). Another writer (a move of the
/// outbox) checkpoints early by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Sender,
    Deliverer,
}

pub(crate) fn open(path: &Path, synchronous: Synchronous, role: Role) -> Result<Connection> {
    let shown = path.display().to_string();
    let fail = |e: &dyn std::fmt::Display| Error::outbox(&shown, e);
    if path.is_dir() {
        return Err(fail(&"is a directory, not a file"));
    }
    // The file and its WAL are the site's alone: SQLite gives the WAL and shm files the database
    // file's mode, so a private database file keeps them private too, unless someone made them first.
    let place = private::ensure_file(path).map_err(|e| fail(&e))?;
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", path.display()));
        if let Ok(meta) = std::fs::symlink_metadata(&side) {
            private::check_existing(&side, &meta, place).map_err(|e| fail(&e))?;
        }
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI
        | OpenFlags::SQLITE_OPEN_NOFOLLOW;
    let mut conn = Connection::open_with_flags(path, flags).map_err(|e| fail(&e))?;
    conn.busy_handler(Some(wait_for_lock))
        .map_err(|e| fail(&e))?;
    conn.set_prepared_statement_cache_capacity(32);
    // Without the planner's stability guarantee, SQLite (built with STAT4) marks a statement's
    // parameters as able to change its plan, and parses and plans it again whenever one is bound
    // to a new value: the deliverer's queries, bound to the time of each cycle, were re-prepared
    // on every run, a third of a delivering process's CPU. Their plans never depend on the values.
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)
        .map_err(|e| fail(&e))?;
    // Only a new file takes it: WAL mode fixes the size of the pages the file already has.
    conn.execute_batch(&format!("PRAGMA page_size = {PAGE_SIZE}"))
        .map_err(|e| fail(&e))?;
    let mode = wal_mode(&conn).map_err(|e| fail(&e))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(fail(&format!("cannot use WAL mode (got {mode})")));
    }
    let sync = match synchronous {
        Synchronous::Normal => "NORMAL",
        Synchronous::Full => "FULL",
    };
    let page_size: i64 = conn
        .query_row("PRAGMA page_size", [], |r| r.get(0))
        .map_err(|e| fail(&e))?;
    let checkpoint_pages = match role {
        Role::Sender => SENDER_CHECKPOINT_BYTES,
        Role::Deliverer => DELIVERER_CHECKPOINT_BYTES,
    } / (page_size.unsigned_abs() + WAL_FRAME_HEADER);
    // A queue's working set is small: 1 MiB of page cache, not SQLite's default 2 MiB. Delivered
    // events hold personal data: their pages are zeroed when freed (secure_delete), and the WAL,
    // which keeps copies of them, is cut back to nothing after each checkpoint.
    conn.execute_batch(&format!(
        "PRAGMA synchronous = {sync}; PRAGMA wal_autocheckpoint = {checkpoint_pages};
         PRAGMA journal_size_limit = 0; PRAGMA cache_size = -1024; PRAGMA secure_delete = ON;"
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
        if version < 3 {
            conn.execute_batch(V3)?;
        }
        if version < 4 {
            conn.execute_batch(V4)?;
        }
        if version < 5 {
            conn.execute_batch(V5)?;
        }
        if version < 6 {
            conn.execute_batch(V6)?;
        }
        if version < 7 {
            conn.execute_batch(V7)?;
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
mod tests;
