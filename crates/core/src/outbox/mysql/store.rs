//! One connection to a MySQL outbox, used by one thread at a time: the transactions the
//! delivery's logic runs in, and what the shop's thread does (enqueue, one autocommitted insert).

use super::conn::{connect, describe};
use super::rows::MysqlRows;
use super::schema::{Tables, migrate, ms};
use super::url::{Location, Server};
use crate::error::{Error, Result};
use crate::outbox::item::{NewItem, Scope};
use crate::outbox::rows::{Fallible, Rows};
use mysql::prelude::Queryable;
use mysql::{Conn, TxOpts};

pub(crate) struct MysqlStore {
    conn: Conn,
    tables: Tables,
    /// The outbox as errors name it: the server and database, never the password.
    shown: String,
    /// A statement failed: the connection may be gone with a restarted server, so the next use
    /// opens a new one rather than failing on this one forever.
    broken: bool,
    /// Where the tables are, whoever connects to them.
    server: (Server, String),
}

impl MysqlStore {
    pub(crate) fn open(location: &Location) -> Result<MysqlStore> {
        let (conn, tables) = open(location)?;
        Ok(MysqlStore {
            conn,
            tables,
            shown: location.display(),
            broken: false,
            server: (location.server.clone(), location.database.clone()),
        })
    }

    pub(crate) fn shown(&self) -> &str {
        &self.shown
    }

    /// Whether both name the same tables: the same server, database and prefix. A server reached
    /// under two names (a socket and 127.0.0.1, say) is not recognised.
    pub(crate) fn same_tables(&self, other: &MysqlStore) -> bool {
        self.server == other.server && self.tables.prefix == other.tables.prefix
    }

    pub(crate) fn is_current(&self) -> bool {
        !self.broken
    }

    fn fault(&mut self, e: impl std::fmt::Display) -> Error {
        self.broken = true;
        Error::outbox(&self.shown, e)
    }

    /// Runs `f` in a transaction; with `locking`, the lease row is read `FOR UPDATE`, which
    /// serialises the cycles of every node for the endpoint.
    pub(crate) fn transaction<R>(
        &mut self,
        locking: bool,
        f: impl FnOnce(&mut dyn Rows) -> Fallible<R>,
    ) -> Result<R> {
        let MysqlStore {
            conn,
            tables,
            shown,
            broken,
            ..
        } = self;
        let mut fail = |e: &dyn std::fmt::Display| {
            *broken = true;
            Error::outbox(shown.as_str(), e)
        };
        let mut tx = conn
            .start_transaction(TxOpts::default())
            .map_err(|e| fail(&describe(&e)))?;
        let result = f(&mut MysqlRows {
            q: &mut tx,
            tables,
            locking,
        });
        match result {
            Ok(r) => tx.commit().map(|_| r).map_err(|e| fail(&describe(&e))),
            Err(e) => {
                let _ = tx.rollback();
                Err(fail(&message(e.as_ref())))
            }
        }
    }

    /// One autocommitted insert: the shop's hot path. An item that carries a snapshot is written
    /// with it in a transaction instead (`store::snapshots`).
    pub(crate) fn enqueue(&mut self, scope: &Scope, item: &NewItem<'_>, now: u64) -> Result<i64> {
        match insert_item(&mut self.conn, &self.tables, scope, item, now) {
            Ok(id) => Ok(id),
            Err(e) => Err(self.fault(describe(&e))),
        }
    }

    /// The kopecks held under `key` by items Mindbox has not answered: one look at `items_hold`,
    /// which has the key's hash.
    pub(crate) fn held_cents(&mut self, scope: &Scope, key: &str) -> Result<i64> {
        match self.conn.exec_first::<i64, _, _>(
            held_sql(&self.tables),
            (&scope.endpoint_id, &scope.base_url, key),
        ) {
            Ok(sum) => Ok(sum.unwrap_or(0)),
            Err(e) => Err(self.fault(describe(&e))),
        }
    }

    /// Deletes the items of `transaction_id` that no deliverer has in hand at `now`. A deliverer
    /// claiming one meanwhile holds its row: the delete waits and then finds it claimed.
    pub(crate) fn withdraw(
        &mut self,
        scope: &Scope,
        transaction_id: &str,
        now: u64,
    ) -> Result<bool> {
        let sql = format!(
            "DELETE FROM {} WHERE transaction_id = ? AND endpoint_id = ? AND base_url = ?
                 AND (claim_expires_at IS NULL OR claim_expires_at <= ?)",
            self.tables.items
        );
        let args = (transaction_id, &scope.endpoint_id, &scope.base_url, ms(now));
        let deleted = self
            .conn
            .exec_iter(sql, args)
            .map(|result| result.affected_rows());
        match deleted {
            Ok(deleted) => Ok(deleted > 0),
            Err(e) => Err(self.fault(describe(&e))),
        }
    }

    /// Gives the lease up if this holder has it.
    /// The row stays, emptied: the next holder locks it rather than a gap, where two nodes
    /// inserting at once would deadlock.
    pub(crate) fn release_lease(&mut self, scope: &Scope, holder: &str) -> Result<()> {
        let sql = format!(
            "UPDATE {} SET holder = '', expires_at = 0, key_fp = '' WHERE name = ? AND holder = ?",
            self.tables.leases
        );
        match self.conn.exec_drop(sql, (scope.lease_name(), holder)) {
            Ok(()) => Ok(()),
            Err(e) => Err(self.fault(describe(&e))),
        }
    }
}

/// For tests that change the tables by hand: `{p}` stands for their prefix.
#[cfg(test)]
impl MysqlStore {
    pub(crate) fn execute(&mut self, sql: &str) {
        let sql = sql.replace("{p}", &self.tables.prefix);
        for statement in sql.split(';').filter(|s| !s.trim().is_empty()) {
            self.conn.query_drop(statement).unwrap();
        }
    }
}

/// A connection to the outbox, its tables made or migrated first.
pub(super) fn open(location: &Location) -> Result<(Conn, Tables)> {
    let mut conn = connect(location)?;
    let tables = Tables::new(&location.prefix);
    migrate(&mut conn, &tables, &location.display())?;
    Ok((conn, tables))
}

/// Adds an item as `send()` writes it: its id.
pub(super) fn insert_item<Q: Queryable>(
    q: &mut Q,
    tables: &Tables,
    scope: &Scope,
    item: &NewItem<'_>,
    now: u64,
) -> mysql::Result<i64> {
    let sql = format!(
        "INSERT INTO {} (endpoint_id, base_url, operation, endpoint, body, transaction_id,
            device_uuid, customer_ip, ordering_key, created_at, next_attempt_at, updated_at,
            not_before, hold_key, hold_cents)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        tables.items
    );
    let params: Vec<mysql::Value> = vec![
        scope.endpoint_id.as_str().into(),
        scope.base_url.as_str().into(),
        item.operation.into(),
        item.endpoint.as_str().into(),
        item.body.into(),
        item.transaction_id.into(),
        item.device_uuid.into(),
        item.customer_ip.into(),
        item.ordering_key.into(),
        ms(now).into(),
        ms(now + item.delay_ms).into(),
        ms(now).into(),
        ms(now + item.delay_ms).into(),
        item.hold.map(|h| h.key.as_str()).into(),
        item.hold.map_or(0, |h| h.cents).into(),
    ];
    let inserted = q.exec_iter(sql, params)?;
    // The server always gives one for this AUTO_INCREMENT table.
    Ok(inserted.last_insert_id().unwrap_or(0) as i64)
}

/// The kopecks a key holds: `items_hold` alone answers it.
pub(super) fn held_sql(t: &Tables) -> String {
    format!(
        "SELECT CAST(COALESCE(SUM(hold_cents), 0) AS SIGNED) FROM {}
         WHERE endpoint_id = ? AND base_url = ? AND hold_hash = UNHEX(SHA1(?))
           AND status = 'pending'",
        t.items
    )
}

/// A fault of the storage interface as a message: a MySQL error told as `describe` tells it.
fn message(e: &(dyn std::error::Error + Send + Sync + 'static)) -> String {
    match e.downcast_ref::<mysql::Error>() {
        Some(e) => describe(e),
        None => e.to_string(),
    }
}
