//! The outbox as a SQLite file of this machine: one connection, used by one thread at a time;
//! processes coordinate through the file (WAL mode, `BEGIN IMMEDIATE`).

use super::forksafe;
use super::rows::{Sqlite, exec};
use super::schema::{self, DELIVERER_CHECKPOINT_BYTES, Role, Synchronous};
use crate::error::{Error, Result};
use crate::outbox::item::{NewItem, Scope};
use crate::outbox::rows::{Fallible, Fault, Rows};
use rusqlite::{Connection, params};
use std::mem::ManuallyDrop;
use std::path::{Path, PathBuf};

/// The kopecks a key holds: `items_hold` alone answers it.
const HELD: &str = "SELECT COALESCE(SUM(hold_cents), 0) FROM items
     WHERE endpoint_id = ?1 AND base_url = ?2 AND hold_key = ?3 AND status = 'pending'";

pub(crate) struct FileStore {
    /// Closed in `drop()`, inside the fork gate like every other use of SQLite.
    conn: ManuallyDrop<Connection>,
    path: PathBuf,
    /// The WAL, which the deliverer checkpoints and cuts back itself.
    wal: PathBuf,
    /// `PRAGMA data_version` when this connection last looked: unchanged means no other
    /// connection has written since, so a poll can end without a query.
    seen_version: Option<i64>,
    /// The file's device and inode when it was opened.
    identity: (u64, u64),
}

impl FileStore {
    pub(crate) fn open(path: &Path, synchronous: Synchronous, role: Role) -> Result<FileStore> {
        let _inside = forksafe::enter();
        let conn = ManuallyDrop::new(schema::open(path, synchronous, role)?);
        Ok(FileStore {
            identity: identity(path).unwrap_or_default(),
            conn,
            path: path.to_path_buf(),
            wal: PathBuf::from(format!("{}-wal", path.display())),
            seen_version: None,
        })
    }

    /// Whether the path still names the file this connection writes: an outbox deleted or
    /// replaced under a running process would otherwise take its events into a file nobody reads.
    pub(crate) fn is_current(&self) -> bool {
        identity(&self.path) == Some(self.identity)
    }

    pub(crate) fn identity(&self) -> (u64, u64) {
        self.identity
    }

    pub(crate) fn shown(&self) -> String {
        self.path.display().to_string()
    }

    fn fail(&self, e: rusqlite::Error) -> Error {
        Error::outbox(self.path.display().to_string(), e)
    }

    fn fault(&self, e: Fault) -> Error {
        Error::outbox(self.path.display().to_string(), e)
    }

    /// Runs `f` in a write transaction taken at once (`BEGIN IMMEDIATE`), so that two
    /// processes never both read and then fail to upgrade. BEGIN and COMMIT are cached
    /// statements like the rest.
    pub(crate) fn write<R>(&mut self, f: impl FnOnce(&mut dyn Rows) -> Fallible<R>) -> Result<R> {
        let _inside = forksafe::enter();
        exec(&self.conn, "BEGIN IMMEDIATE", []).map_err(|e| self.fail(e))?;
        let done = f(&mut Sqlite(&self.conn)).and_then(|r| {
            exec(&self.conn, "COMMIT", [])
                .map(|_| r)
                .map_err(Fault::from)
        });
        done.map_err(|e| {
            let _ = self.conn.execute_batch("ROLLBACK");
            self.fault(e)
        })
    }

    /// The deliverer checkpoints the WAL early, on a connection of its own and before one of
    /// its cycles (the shop's connection checkpoints by itself only late: see `Role`): the
    /// copy and its fsyncs then hold neither the shop's thread nor the write lock (PASSIVE), and
    /// the next writer, usually the cycle that follows, restarts the WAL, cutting the old file
    /// back (`journal_size_limit = 0`). Frames written meanwhile are left for the next time.
    pub(crate) fn trim_wal(&mut self) {
        let _inside = forksafe::enter();
        let big = std::fs::metadata(&self.wal).is_ok_and(|m| m.len() >= DELIVERER_CHECKPOINT_BYTES);
        if big {
            let _ = self
                .conn
                .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
        }
    }

    /// Runs `f` in a read transaction: one consistent view, no write lock.
    pub(crate) fn read<R>(&mut self, f: impl FnOnce(&mut dyn Rows) -> Fallible<R>) -> Result<R> {
        let _inside = forksafe::enter();
        exec(&self.conn, "BEGIN DEFERRED", []).map_err(|e| self.fail(e))?;
        let result = f(&mut Sqlite(&self.conn));
        let _ = exec(&self.conn, "COMMIT", []);
        result.map_err(|e| self.fault(e))
    }

    /// Whether another connection wrote since the last call (true the first time).
    pub(crate) fn changed_since_last_look(&mut self) -> Result<bool> {
        let _inside = forksafe::enter();
        let version: i64 = self
            .conn
            .prepare_cached("PRAGMA data_version")
            .and_then(|mut stmt| stmt.query_row([], |r| r.get(0)))
            .map_err(|e| self.fail(e))?;
        Ok(self.seen_version.replace(version) != Some(version))
    }

    /// One autocommitted insert: the shop's hot path. An item that carries a snapshot is written
    /// with it in a transaction instead (`store::snapshots`).
    pub(crate) fn enqueue(&mut self, scope: &Scope, item: &NewItem<'_>, now: u64) -> Result<i64> {
        let _inside = forksafe::enter();
        insert_item(&self.conn, scope, item, now).map_err(|e| self.fail(e))
    }

    /// The kopecks held under `key` by items Mindbox has not answered: one look at `items_hold`.
    pub(crate) fn held_cents(&mut self, scope: &Scope, key: &str) -> Result<i64> {
        let _inside = forksafe::enter();
        self.conn
            .prepare_cached(HELD)
            .and_then(|mut stmt| {
                stmt.query_row(params![scope.endpoint_id, scope.base_url, key], |r| {
                    r.get(0)
                })
            })
            .map_err(|e| self.fail(e))
    }

    /// Deletes the items of `transaction_id` that no deliverer has in hand at `now`.
    pub(crate) fn withdraw(
        &mut self,
        scope: &Scope,
        transaction_id: &str,
        now: u64,
    ) -> Result<bool> {
        let _inside = forksafe::enter();
        exec(
            &self.conn,
            "DELETE FROM items WHERE transaction_id = ?1 AND endpoint_id = ?2 AND base_url = ?3
                 AND (claim_expires_at IS NULL OR claim_expires_at <= ?4)",
            params![
                transaction_id,
                scope.endpoint_id,
                scope.base_url,
                now as i64
            ],
        )
        .map(|deleted| deleted > 0)
        .map_err(|e| self.fail(e))
    }

    /// Gives the lease up if this holder has it. Asked first, so that a process that never held
    /// it takes no write lock: an idle pool writes nothing.
    pub(crate) fn release_lease(&mut self, scope: &Scope, holder: &str) -> Result<()> {
        let _inside = forksafe::enter();
        let args = params![scope.lease_name(), holder];
        let held = self
            .conn
            .prepare_cached("SELECT 1 FROM leases WHERE name = ?1 AND holder = ?2")
            .and_then(|mut stmt| stmt.exists(args))
            .map_err(|e| self.fail(e))?;
        if !held {
            return Ok(());
        }
        exec(
            &self.conn,
            "DELETE FROM leases WHERE name = ?1 AND holder = ?2",
            args,
        )
        .map(drop)
        .map_err(|e| self.fail(e))
    }
}

/// Adds an item as `send()` writes it: its id.
pub(super) fn insert_item(
    conn: &Connection,
    scope: &Scope,
    item: &NewItem<'_>,
    now: u64,
) -> rusqlite::Result<i64> {
    exec(
        conn,
        "INSERT INTO items (endpoint_id, base_url, operation, endpoint, body, transaction_id,
            device_uuid, customer_ip, ordering_key, created_at, next_attempt_at, updated_at,
            not_before, hold_key, hold_cents)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?10, ?11, ?12, ?13)",
        params![
            scope.endpoint_id,
            scope.base_url,
            item.operation,
            item.endpoint.as_str(),
            item.body,
            item.transaction_id,
            item.device_uuid,
            item.customer_ip,
            item.ordering_key,
            now as i64,
            (now + item.delay_ms) as i64,
            item.hold.map(|h| h.key.as_str()),
            item.hold.map_or(0, |h| h.cents)
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

fn identity(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

impl Drop for FileStore {
    fn drop(&mut self) {
        let _inside = forksafe::enter();
        // SAFETY: the connection is not used after this.
        unsafe { ManuallyDrop::drop(&mut self.conn) };
    }
}

/// For tests that write rows by hand.
#[cfg(test)]
impl FileStore {
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sum_of_holds_is_one_look_at_its_index() {
        let path = crate::private::test_dir("held-plan").join("outbox.sqlite");
        let store = FileStore::open(&path, Synchronous::Normal, Role::Deliverer).unwrap();
        let plan: Vec<String> = store
            .conn()
            .prepare(&format!("EXPLAIN QUERY PLAN {HELD}"))
            .unwrap()
            .query_map(["shop", "http://127.0.0.1:1", "customer:1"], |r| r.get(3))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(plan.len(), 1, "{plan:?}");
        assert!(plan[0].contains("COVERING INDEX items_hold"), "{plan:?}");
    }
}
