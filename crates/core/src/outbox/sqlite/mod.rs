//! The outbox as a SQLite file of this machine, shared by its processes: opening it with its
//! schema (`schema`), the connection and what the shop's thread does (`file`), the storage
//! interface's queries (`rows`, with `inspect`, `moves`, `bulk` and `snapshots`), and the gate
//! that keeps `fork()` out of SQLite (`forksafe`).

mod bulk;
mod file;
mod forksafe;
mod inspect;
mod moves;
mod rows;
mod schema;
mod snapshots;

pub(crate) use file::FileStore;
pub(crate) use schema::{Role, Synchronous};
