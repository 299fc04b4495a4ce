//! The durable outbox: a SQLite file, or MySQL tables a web cluster shares, that holds every
//! sent event until Mindbox has it, and what Mindbox was last told of an order (its snapshot).
//!
//! Lowest first: what it holds (`item`, `hold`, `route`, `snapshot`), who holds a lease
//! (`holder`), the storage interface (`rows`) and its two backends (`sqlite`, `mysql`) with the
//! address that picks one (`location`), the logic written once against the interface (`store`),
//! and this process's connections for sending (`connections`).

mod connections;
mod hold;
mod holder;
mod item;
mod location;
mod mysql;
mod route;
mod rows;
mod snapshot;
mod sqlite;
mod store;

pub(crate) use connections::{with_reader, with_store};
pub(crate) use hold::{Hold, check_key, delay_ms};
pub(crate) use holder::current as current_holder;
pub use item::{FailedItem, Failure, Scope};
pub(crate) use item::{NewItem, pacing_key};
pub use location::Location;
pub(crate) use route::{default_endpoint, default_ordering_key};
pub use snapshot::{SavedSnapshot, SnapshotDelivery};
pub(crate) use snapshot::{Snapshot, check_key as check_snapshot_key};
pub(crate) use sqlite::{Role, Synchronous};
pub(crate) use store::{Claimed, Cycle, Cycled, KeyVerdict, Next, Reservation, Settle, Store};
pub use store::{MoveReport, Moved, Stats, move_outbox};
