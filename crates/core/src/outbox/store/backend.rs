//! The outbox wherever it lives: one `Store` is one connection, to a SQLite file or a MySQL
//! database, used by one thread at a time. The delivery's logic runs on either through `Rows`.

use crate::error::Result;
use crate::outbox::hold;
use crate::outbox::item::{NewItem, Scope};
use crate::outbox::location::{Location, Place};
use crate::outbox::mysql::MysqlStore;
use crate::outbox::rows::{Fallible, Rows};
use crate::outbox::sqlite::{FileStore, Role, Synchronous};
#[cfg(test)]
use rusqlite::Connection;

pub(crate) struct Store(pub(super) Backend);

pub(super) enum Backend {
    File(FileStore),
    Mysql(MysqlStore),
}

impl Store {
    pub(crate) fn open(location: &Location, synchronous: Synchronous, role: Role) -> Result<Store> {
        Ok(Store(match &location.0 {
            Place::File(path) => Backend::File(FileStore::open(path, synchronous, role)?),
            Place::Mysql(server) => Backend::Mysql(MysqlStore::open(server)?),
        }))
    }

    /// Whether this connection may still be used: an outbox file deleted or replaced under a
    /// running process would otherwise take its events into a file nobody reads, and a server
    /// connection that failed may be gone with a restarted server.
    pub(crate) fn is_current(&self) -> bool {
        match &self.0 {
            Backend::File(file) => file.is_current(),
            Backend::Mysql(server) => server.is_current(),
        }
    }

    /// Whether another connection wrote since the last call (true the first time). A server
    /// gives no cheap sign of it: a MySQL outbox always looks.
    pub(crate) fn changed_since_last_look(&mut self) -> Result<bool> {
        match &mut self.0 {
            Backend::File(file) => file.changed_since_last_look(),
            Backend::Mysql(_) => Ok(true),
        }
    }

    pub(crate) fn enqueue(&mut self, scope: &Scope, item: &NewItem<'_>, now: u64) -> Result<i64> {
        if let Some(snapshot) = item.snapshot {
            return self.enqueue_with_snapshot(scope, item, snapshot, now);
        }
        match &mut self.0 {
            Backend::File(file) => file.enqueue(scope, item, now),
            Backend::Mysql(server) => server.enqueue(scope, item, now),
        }
    }

    /// The points held under `key` by the endpoint's items that Mindbox has not answered:
    /// pending, delayed, waiting for a retry or in flight; not delivered, not parked.
    pub(crate) fn held_points(&mut self, scope: &Scope, key: &str) -> Result<f64> {
        let cents = match &mut self.0 {
            Backend::File(file) => file.held_cents(scope, key),
            Backend::Mysql(server) => server.held_cents(scope, key),
        }?;
        Ok(hold::points(cents))
    }

    /// Deletes the endpoint's items of `transaction_id` that Mindbox has not answered and no
    /// deliverer has in hand (pending, delayed, waiting for a retry, or parked); whether there
    /// was one.
    pub(crate) fn withdraw(
        &mut self,
        scope: &Scope,
        transaction_id: &str,
        now: u64,
    ) -> Result<bool> {
        match &mut self.0 {
            Backend::File(file) => file.withdraw(scope, transaction_id, now),
            Backend::Mysql(server) => server.withdraw(scope, transaction_id, now),
        }
    }

    /// Checkpoints a file's WAL and cuts it back once it has grown (`FileStore::trim_wal`); the
    /// deliverer does it before its cycles.
    pub(crate) fn trim_wal(&mut self) {
        if let Backend::File(file) = &mut self.0 {
            file.trim_wal();
        }
    }

    /// Gives the lease up if this holder has it.
    pub(crate) fn release_lease(&mut self, scope: &Scope, holder: &str) -> Result<()> {
        match &mut self.0 {
            Backend::File(file) => file.release_lease(scope, holder),
            Backend::Mysql(server) => server.release_lease(scope, holder),
        }
    }

    pub(super) fn write<R>(&mut self, f: impl FnOnce(&mut dyn Rows) -> Fallible<R>) -> Result<R> {
        match &mut self.0 {
            Backend::File(file) => file.write(f),
            Backend::Mysql(server) => server.transaction(true, f),
        }
    }

    pub(super) fn read<R>(&mut self, f: impl FnOnce(&mut dyn Rows) -> Fallible<R>) -> Result<R> {
        match &mut self.0 {
            Backend::File(file) => file.read(f),
            Backend::Mysql(server) => server.transaction(false, f),
        }
    }

    /// Runs statements by hand on either backend, `{p}` standing for a MySQL outbox's table
    /// prefix: for tests that break a table.
    #[cfg(test)]
    pub(super) fn execute(&mut self, sql: &str) {
        match &mut self.0 {
            Backend::File(file) => file.conn().execute_batch(&sql.replace("{p}", "")).unwrap(),
            Backend::Mysql(server) => server.execute(sql),
        }
    }

    /// The SQLite connection, for tests that write rows by hand.
    #[cfg(test)]
    pub(super) fn conn(&self) -> &Connection {
        match &self.0 {
            Backend::File(file) => file.conn(),
            Backend::Mysql(_) => panic!("not a SQLite outbox"),
        }
    }
}
