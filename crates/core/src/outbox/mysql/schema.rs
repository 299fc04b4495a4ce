//! The outbox's tables in a MySQL/MariaDB database, and their schema version.
//!
//! They hold what the SQLite file holds at its version 7, with these differences:
//! - Every table name starts with the location's prefix: the outbox lives in the site's own
//!   database, beside its tables, and one database may hold several outboxes.
//! - Tables are InnoDB (row locks, crash safety) in utf8mb4 with binary collation, so keys compare
//!   byte for byte as in SQLite, whatever the database's default character set (often latin1 or
//!   cp1251 on old Bitrix installations). utf8mb4_bin pads with spaces, so keys that differ only
//!   in trailing spaces count as one: an ordering key then orders a little more than it must.
//! - Indexed text columns have lengths that keep every index within InnoDB's 3,072 bytes at four
//!   bytes a character: an endpoint id of at most 128 characters and a base URL of at most 255
//!   (the configuration refuses longer ones with a clear message; the database would refuse the
//!   insert).
//! - Ordering keys have no length limit (they are built from the ids of an order or a customer),
//!   so `items_key` indexes their SHA-1, kept by the server in `ordering_hash`.
//! - MySQL has no partial indexes. `items_key` holds the rows without an ordering key too (NULL
//!   hashes, never equal to anything). `items_claimed` is on `claim_expires_at`, which is NULL
//!   exactly when `claimed_by` is: a range over it never meets an unclaimed row. `items_claimer`
//!   finds a dead holder's claims without a table scan, which in InnoDB would lock every row.
//!   `items_updated` gives `outboxStats()` its last error without reading every row of the
//!   endpoint (SQLite has no index for it either, but reads its local file much faster).
//! - `pacing.key` is `pacing_key`: KEY is a reserved word in MySQL.
//! - `leases.heartbeat_at`: when the holder last said it lives. SQLite's backend asks /proc
//!   whether a holder's pid still runs, which cannot see other machines of a web cluster.
//! - Hold keys have no length limit either: `items_hold` indexes `hold_hash`, their SHA-1, which
//!   also compares keys byte for byte where utf8mb4_bin would pad them with spaces.
//! - `snapshots.name` is the snapshot's key (KEY is a reserved word): printable ASCII without
//!   spaces, which utf8mb4_bin compares byte for byte.

use crate::error::{Error, Result};
use mysql::prelude::Queryable;

/// Bumped with every change of the tables below; this backend's versions are its own, not the
/// SQLite file's.
pub(crate) const VERSION: i64 = 5;

/// A time column's value: milliseconds since the epoch, a BIGINT.
pub(crate) fn ms(t: u64) -> i64 {
    t as i64
}

/// How long a process waits for another that is creating or migrating the tables, below the
/// connection's read timeout so that the server answers first.
const MIGRATION_WAIT_SECS: u32 = 5;

/// The MySQL error of a statement on a table that does not exist.
const NO_SUCH_TABLE: u16 = 1146;

/// The names of the outbox's tables, for a prefix of letters, digits and `_` only (as
/// `Location::parse` ensures): safe to write into SQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tables {
    pub(crate) prefix: String,
    pub(crate) items: String,
    pub(crate) leases: String,
    pub(crate) pacing: String,
    pub(crate) credentials: String,
    pub(crate) meta: String,
    pub(crate) bulk_budget: String,
    pub(crate) bulk_slots: String,
    pub(crate) bulk_attempts: String,
    pub(crate) snapshots: String,
}

impl Tables {
    pub(crate) fn new(prefix: &str) -> Tables {
        let name = |table: &str| format!("{prefix}{table}");
        Tables {
            prefix: prefix.to_string(),
            items: name("items"),
            leases: name("leases"),
            pacing: name("pacing"),
            credentials: name("credentials"),
            meta: name("meta"),
            bulk_budget: name("bulk_budget"),
            bulk_slots: name("bulk_slots"),
            bulk_attempts: name("bulk_attempts"),
            snapshots: name("snapshots"),
        }
    }

    #[cfg(test)]
    pub(crate) fn all(&self) -> [&str; 9] {
        [
            &self.items,
            &self.leases,
            &self.pacing,
            &self.credentials,
            &self.meta,
            &self.bulk_budget,
            &self.bulk_slots,
            &self.bulk_attempts,
            &self.snapshots,
        ]
    }
}

const TABLE_OPTIONS: &str =
    "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin ROW_FORMAT=DYNAMIC";

pub(super) fn v1(t: &Tables) -> Vec<String> {
    vec![
        format!(
            "CREATE TABLE IF NOT EXISTS `{}` (
                name  VARCHAR(64) NOT NULL PRIMARY KEY,
                value BIGINT      NOT NULL
            ) {TABLE_OPTIONS}",
            t.meta
        ),
        format!(
            "CREATE TABLE IF NOT EXISTS `{}` (
                id               BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
                endpoint_id      VARCHAR(128) NOT NULL,
                base_url         VARCHAR(255) NOT NULL,
                operation        VARCHAR(200) NOT NULL,
                endpoint         VARCHAR(16)  NOT NULL,
                body             LONGBLOB     NOT NULL,
                transaction_id   VARCHAR(64)  NOT NULL,
                device_uuid      VARCHAR(256),
                customer_ip      VARCHAR(64),
                ordering_key     TEXT,
                ordering_hash    BINARY(20) AS (UNHEX(SHA1(ordering_key))) STORED,
                status           VARCHAR(16)  NOT NULL DEFAULT 'pending',
                attempts         INT          NOT NULL DEFAULT 0,
                created_at       BIGINT       NOT NULL,
                next_attempt_at  BIGINT       NOT NULL,
                claimed_by       VARCHAR(320),
                claim_expires_at BIGINT,
                http_status      INT,
                mindbox_status   TEXT,
                error_id         TEXT,
                last_error       TEXT,
                updated_at       BIGINT       NOT NULL,
                KEY items_due (endpoint_id, base_url, status, next_attempt_at, id),
                KEY items_key (endpoint_id, base_url, ordering_hash, id),
                KEY items_claimed (claim_expires_at),
                KEY items_claimer (claimed_by),
                KEY items_updated (endpoint_id, base_url, updated_at)
            ) {TABLE_OPTIONS}",
            t.items
        ),
        format!(
            "CREATE TABLE IF NOT EXISTS `{}` (
                name         VARCHAR(400) NOT NULL PRIMARY KEY,
                holder       VARCHAR(320) NOT NULL,
                expires_at   BIGINT       NOT NULL,
                key_fp       VARCHAR(64)  NOT NULL DEFAULT '',
                heartbeat_at BIGINT       NOT NULL DEFAULT 0
            ) {TABLE_OPTIONS}",
            t.leases
        ),
        format!(
            "CREATE TABLE IF NOT EXISTS `{}` (
                pacing_key   VARCHAR(400) NOT NULL PRIMARY KEY,
                next_slot_us BIGINT       NOT NULL
            ) {TABLE_OPTIONS}",
            t.pacing
        ),
        format!(
            "CREATE TABLE IF NOT EXISTS `{}` (
                lease_name VARCHAR(400) NOT NULL,
                key_fp     VARCHAR(64)  NOT NULL,
                refused_at BIGINT       NOT NULL,
                PRIMARY KEY (lease_name, key_fp)
            ) {TABLE_OPTIONS}",
            t.credentials
        ),
    ]
}

/// Delayed items, points held by items until Mindbox answers them, and withdrawal by
/// transactionId (the SQLite file's version 4). One statement, so that MySQL 8 and MariaDB 10.6+
/// apply all of it or nothing: whether its first column exists tells whether it ran.
fn v2(t: &Tables) -> String {
    format!(
        "ALTER TABLE `{}`
            ADD COLUMN not_before BIGINT NOT NULL DEFAULT 0,
            ADD COLUMN hold_key   TEXT,
            ADD COLUMN hold_hash  BINARY(20) AS (UNHEX(SHA1(hold_key))) STORED,
            ADD COLUMN hold_cents BIGINT NOT NULL DEFAULT 0,
            ADD KEY items_hold (endpoint_id, base_url, hold_hash, status, hold_cents),
            ADD KEY items_tx (transaction_id)",
        t.items
    )
}

/// The probe schedule of refused keys (the SQLite file's version 5), in one statement as `v2`.
fn v3(t: &Tables) -> String {
    format!(
        "ALTER TABLE `{}`
            ADD COLUMN probe_interval BIGINT NOT NULL DEFAULT 60000,
            ADD COLUMN probed_at      BIGINT NOT NULL DEFAULT 0,
            ADD COLUMN probe_at       BIGINT NOT NULL DEFAULT 0",
        t.credentials
    )
}

/// The bulk imports' budget (the SQLite file's version 6). Names are those of leases; the
/// attempts' key, 464 characters, stays within InnoDB's 3,072 bytes.
fn v4(t: &Tables) -> Vec<String> {
    vec![
        format!(
            "CREATE TABLE IF NOT EXISTS `{}` (
                name          VARCHAR(400) NOT NULL PRIMARY KEY,
                blocked_until BIGINT       NOT NULL DEFAULT 0
            ) {TABLE_OPTIONS}",
            t.bulk_budget
        ),
        format!(
            "CREATE TABLE IF NOT EXISTS `{}` (
                id             BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
                name           VARCHAR(400) NOT NULL,
                taken_at       BIGINT       NOT NULL,
                transaction_id VARCHAR(64)  NOT NULL,
                KEY bulk_slots_taken (name, taken_at)
            ) {TABLE_OPTIONS}",
            t.bulk_slots
        ),
        format!(
            "CREATE TABLE IF NOT EXISTS `{}` (
                name           VARCHAR(400) NOT NULL,
                transaction_id VARCHAR(64)  NOT NULL,
                failures       INT          NOT NULL,
                updated_at     BIGINT       NOT NULL,
                PRIMARY KEY (name, transaction_id)
            ) {TABLE_OPTIONS}",
            t.bulk_attempts
        ),
    ]
}

/// Snapshots (the SQLite file's version 7). The key, 583 characters, stays within InnoDB's 3,072
/// bytes; a value is at most 1 MiB.
fn v5(t: &Tables) -> String {
    format!(
        "CREATE TABLE IF NOT EXISTS `{}` (
            endpoint_id    VARCHAR(128) NOT NULL,
            base_url       VARCHAR(255) NOT NULL,
            name           VARCHAR(200) NOT NULL,
            value          MEDIUMBLOB   NOT NULL,
            saved_at       BIGINT       NOT NULL,
            item_id        BIGINT,
            transaction_id VARCHAR(64),
            PRIMARY KEY (endpoint_id, base_url, name)
        ) {TABLE_OPTIONS}",
        t.snapshots
    )
}

fn has_column(conn: &mut mysql::Conn, table: &str, column: &str) -> mysql::Result<bool> {
    let found: Option<i64> = conn.exec_first(
        "SELECT 1 FROM information_schema.COLUMNS
         WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = ?",
        (table, column),
    )?;
    Ok(found.is_some())
}

/// The version the tables are at; `None` before they exist.
pub(crate) fn version(conn: &mut mysql::Conn, t: &Tables) -> mysql::Result<Option<i64>> {
    let sql = format!(
        "SELECT value FROM `{}` WHERE name = 'schema_version'",
        t.meta
    );
    match conn.query_first::<i64, _>(sql) {
        Err(mysql::Error::MySqlError(e)) if e.code == NO_SUCH_TABLE => Ok(None),
        other => other,
    }
}

/// Creates or migrates the tables. `shown` names the outbox in errors.
///
/// MySQL commits each DDL statement on its own, so a migration cannot be one transaction: every
/// step must be safe to run again after a crash halfway (CREATE … IF NOT EXISTS; a later ALTER
/// looks first at information_schema, as MySQL has no ADD COLUMN IF NOT EXISTS). Processes that
/// start together wait for one another on a named server lock, the first does the work, the
/// others find the version written.
pub(crate) fn migrate(conn: &mut mysql::Conn, t: &Tables, shown: &str) -> Result<()> {
    let fail = |e: &dyn std::fmt::Display| Error::outbox(shown, e);
    let seen = version(conn, t).map_err(|e| fail(&super::conn::describe(&e)))?;
    if seen == Some(VERSION) {
        return Ok(());
    }
    check_not_newer(seen).map_err(|e| fail(&e))?;
    // One lock per database and prefix, hashed: lock names are limited to 64 characters.
    let lock = "CONCAT('mindbox_schema:', SHA1(CONCAT(DATABASE(), '.', ?)))";
    let got: Option<Option<i64>> = conn
        .exec_first(
            format!("SELECT GET_LOCK({lock}, ?)"),
            (&t.prefix, MIGRATION_WAIT_SECS),
        )
        .map_err(|e| fail(&super::conn::describe(&e)))?;
    if got.flatten() != Some(1) {
        return Err(fail(&format!(
            "another process has been creating the outbox tables for {MIGRATION_WAIT_SECS} s"
        )));
    }
    let result = migrate_locked(conn, t);
    let released = conn.exec_drop(format!("DO RELEASE_LOCK({lock})"), (&t.prefix,));
    result.map_err(|e| fail(&e))?;
    released.map_err(|e| fail(&super::conn::describe(&e)))
}

fn migrate_locked(conn: &mut mysql::Conn, t: &Tables) -> std::result::Result<(), String> {
    let describe = |e: mysql::Error| super::conn::describe(&e);
    let seen = version(conn, t).map_err(describe)?;
    check_not_newer(seen)?;
    let seen = seen.unwrap_or(0);
    if seen < 1 {
        for statement in v1(t) {
            conn.query_drop(statement).map_err(describe)?;
        }
    }
    if seen < 2 && !has_column(conn, &t.items, "not_before").map_err(describe)? {
        conn.query_drop(v2(t)).map_err(describe)?;
    }
    if seen < 3 && !has_column(conn, &t.credentials, "probe_interval").map_err(describe)? {
        conn.query_drop(v3(t)).map_err(describe)?;
    }
    if seen < 4 {
        for statement in v4(t) {
            conn.query_drop(statement).map_err(describe)?;
        }
    }
    if seen < 5 {
        conn.query_drop(v5(t)).map_err(describe)?;
    }
    if seen < VERSION {
        conn.exec_drop(
            format!(
                "INSERT INTO `{}` (name, value) VALUES ('schema_version', ?)
                 ON DUPLICATE KEY UPDATE value = ?",
                t.meta
            ),
            (VERSION, VERSION),
        )
        .map_err(describe)?;
    }
    Ok(())
}

fn check_not_newer(seen: Option<i64>) -> std::result::Result<(), String> {
    match seen {
        Some(v) if v > VERSION => Err(format!(
            "the tables were made by a newer version of the extension (schema {v}, this one knows {VERSION})"
        )),
        _ => Ok(()),
    }
}
