//! The outbox in a MySQL/MariaDB database, for web clusters: every node of the shop writes to
//! and delivers from the same tables, so ordering, the delivery lease and the rate limit hold
//! across machines. Here: the address (`url`), the connection (`conn`) and the tables
//! (`schema`); the queries come with the backend.

mod conn;
#[cfg(test)]
mod hold_tests;
mod inspect;
mod moves;
mod refusals;
mod rows;
mod schema;
mod store;
#[cfg(test)]
mod tests;
mod url;

pub use conn::{CONNECT_TIMEOUT, IO_TIMEOUT, connect, describe};
pub use schema::{Tables, VERSION, migrate, version};
pub use store::MysqlStore;
pub use url::{DEFAULT_PORT, DEFAULT_PREFIX, Location, Server, Tls, is_mysql};

use crate::error::Result;

/// A connection to the outbox, its tables made or migrated first.
pub fn open(location: &Location) -> Result<(mysql::Conn, Tables)> {
    let mut conn = connect(location)?;
    let tables = Tables::new(&location.prefix);
    migrate(&mut conn, &tables, &location.display())?;
    Ok((conn, tables))
}
