//! The outbox in a MySQL/MariaDB database, for web clusters: every node of the shop writes to
//! and delivers from the same tables, so ordering, the delivery lease and the rate limit hold
//! across machines. Here: the address (`url`), the connection (`conn`), the tables (`schema`),
//! what the shop's thread does and the transactions of the delivery's logic (`store`), and the
//! storage interface's queries (`rows`, with `inspect`, `moves`, `refusals`, `bulk`, `snapshots`).

mod bulk;
mod conn;
#[cfg(test)]
mod hold_tests;
mod inspect;
mod moves;
#[cfg(test)]
mod plan_tests;
mod refusals;
mod rows;
mod schema;
#[cfg(test)]
mod snapshot_tests;
mod snapshots;
mod store;
#[cfg(test)]
mod tests;
mod url;
#[cfg(test)]
mod url_tests;

pub(crate) use store::MysqlStore;
pub(crate) use url::{Location, is_mysql};
