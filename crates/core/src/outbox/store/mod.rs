//! The outbox's items and every use of them. One `Store` is one connection, to a SQLite file
//! (`file`, `sqlite`) or a MySQL database (`outbox::mysql`), used by one thread at a time.
//!
//! - this file: the types, and the store that runs the logic below on either backend;
//! - `rows`: the storage interface the logic is written against;
//! - `cycle`: what a deliverer does in one write, or none: settle answered items, hold the
//!   endpoint's lease, claim the next items at the pace of the rate limit;
//! - `inspect`: the numbers and lists the admin and `flush()` report, and retrying parked items;
//! - `moves`: moving pending items into another outbox, when a shop switches.

// First, so that its macro reaches the test modules below.
#[cfg(test)]
#[macro_use]
mod test_support;

mod cycle;
mod file;
#[cfg(test)]
mod file_tests;
#[cfg(test)]
mod hold_tests;
mod inspect;
mod lease;
#[cfg(test)]
mod lease_tests;
mod moves;
#[cfg(test)]
mod moves_tests;
mod refusal;
#[cfg(test)]
mod refusal_tests;
pub mod rows;
mod settle;
mod sqlite;
mod sqlite_moves;
#[cfg(test)]
mod tests;

use super::Location;
use super::hold::{self, Hold};
use super::mysql::MysqlStore;
pub use super::schema::Role;
use crate::config::Synchronous;
use crate::error::Result;
use crate::request::Endpoint;
pub use cycle::{Claimed, Cycle, Cycled, Next};
use file::FileStore;
pub use inspect::{FailedItem, Stats};
pub use moves::{MoveReport, Moved};
pub use refusal::{KeyVerdict, Refusal};
use rows::{Fallible, Rows};
use rusqlite::Connection;
pub use settle::Settle;

/// Which Mindbox endpoint a deliverer serves: an outbox may be shared by several sites.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Scope {
    pub endpoint_id: String,
    pub base_url: String,
}

impl Scope {
    pub(crate) fn lease_name(&self) -> String {
        format!("deliver:{}@{}", self.endpoint_id, self.base_url)
    }
}

#[derive(Debug, Clone)]
pub struct NewItem<'a> {
    pub operation: &'a str,
    pub endpoint: Endpoint,
    pub body: &'a [u8],
    pub transaction_id: &'a str,
    pub device_uuid: Option<&'a str>,
    pub customer_ip: Option<&'a str>,
    pub ordering_key: Option<&'a str>,
    /// Points the item holds until Mindbox answers it.
    pub hold: Option<&'a Hold>,
    /// The item is not sent before this long after it was written.
    pub delay_ms: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub id: i64,
    pub operation: String,
    pub endpoint: Endpoint,
    pub body: Vec<u8>,
    pub transaction_id: String,
    pub device_uuid: Option<String>,
    pub customer_ip: Option<String>,
    pub attempts: u32,
}

/// Why an attempt did not deliver, as stored with the item.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Failure {
    pub http_status: u16,
    pub mindbox_status: Option<String>,
    pub error_id: Option<String>,
    pub message: String,
}

/// The outbox wherever it lives: the delivery's logic runs on either backend through `Rows`.
pub struct Store(Backend);

enum Backend {
    File(FileStore),
    Mysql(MysqlStore),
}

impl Store {
    pub fn open(location: &Location, synchronous: Synchronous, role: Role) -> Result<Store> {
        Ok(Store(match location {
            Location::File(path) => Backend::File(FileStore::open(path, synchronous, role)?),
            Location::Mysql(server) => Backend::Mysql(MysqlStore::open(server)?),
        }))
    }

    /// Whether this connection may still be used: an outbox file deleted or replaced under a
    /// running process would otherwise take its events into a file nobody reads, and a server
    /// connection that failed may be gone with a restarted server.
    pub fn is_current(&self) -> bool {
        match &self.0 {
            Backend::File(file) => file.is_current(),
            Backend::Mysql(server) => server.is_current(),
        }
    }

    /// Whether another connection wrote since the last call (true the first time). A server
    /// gives no cheap sign of it: a MySQL outbox always looks.
    pub fn changed_since_last_look(&mut self) -> Result<bool> {
        match &mut self.0 {
            Backend::File(file) => file.changed_since_last_look(),
            Backend::Mysql(_) => Ok(true),
        }
    }

    pub fn enqueue(&mut self, scope: &Scope, item: &NewItem<'_>, now: u64) -> Result<i64> {
        match &mut self.0 {
            Backend::File(file) => file.enqueue(scope, item, now),
            Backend::Mysql(server) => server.enqueue(scope, item, now),
        }
    }

    /// The points held under `key` by the endpoint's items that Mindbox has not answered:
    /// pending, delayed, waiting for a retry or in flight; not delivered, not parked.
    pub fn held_points(&mut self, scope: &Scope, key: &str) -> Result<f64> {
        let cents = match &mut self.0 {
            Backend::File(file) => file.held_cents(scope, key),
            Backend::Mysql(server) => server.held_cents(scope, key),
        }?;
        Ok(hold::points(cents))
    }

    /// Deletes the endpoint's items of `transaction_id` that Mindbox has not answered and no
    /// deliverer has in hand (pending, delayed, waiting for a retry, or parked); whether there
    /// was one.
    pub fn withdraw(&mut self, scope: &Scope, transaction_id: &str, now: u64) -> Result<bool> {
        match &mut self.0 {
            Backend::File(file) => file.withdraw(scope, transaction_id, now),
            Backend::Mysql(server) => server.withdraw(scope, transaction_id, now),
        }
    }

    /// Gives the lease up if this holder has it.
    pub fn release_lease(&mut self, scope: &Scope, holder: &str) -> Result<()> {
        match &mut self.0 {
            Backend::File(file) => file.release_lease(scope, holder),
            Backend::Mysql(server) => server.release_lease(scope, holder),
        }
    }

    fn write<R>(&mut self, f: impl FnOnce(&mut dyn Rows) -> Fallible<R>) -> Result<R> {
        match &mut self.0 {
            Backend::File(file) => file.write(f),
            Backend::Mysql(server) => server.transaction(true, f),
        }
    }

    fn read<R>(&mut self, f: impl FnOnce(&mut dyn Rows) -> Fallible<R>) -> Result<R> {
        match &mut self.0 {
            Backend::File(file) => file.read(f),
            Backend::Mysql(server) => server.transaction(false, f),
        }
    }

    /// The SQLite connection, for tests that write rows by hand.
    #[cfg(test)]
    fn conn(&self) -> &Connection {
        match &self.0 {
            Backend::File(file) => file.conn(),
            Backend::Mysql(_) => panic!("not a SQLite outbox"),
        }
    }
}

/// Every statement of the outbox runs thousands of times a second under load: parsed and
/// planned once per connection, not per call.
fn exec(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> rusqlite::Result<usize> {
    conn.prepare_cached(sql)?.execute(params)
}

pub fn pacing_key(scope: &Scope, operation: &str, endpoint: Endpoint) -> String {
    format!("{}|{}|{}", scope.endpoint_id, operation, endpoint.as_str())
}
