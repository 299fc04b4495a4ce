//! The Mindbox client without PHP: everything the extension and the delivery daemon do, with no
//! PHP type anywhere, so that all of it is tested with `cargo test` and builds without PHP's
//! headers. The binding (`crates/extension`) converts and calls what is exported here; so does the
//! daemon (`crates/deliver`). Nothing else is public.
//!
//! The modules, lowest first; each imports only from those above it in this list (ARCHITECTURE.md,
//! "Layers"):
//!
//! - `mask`, `error`, `secret`, `clock`, `process`, `private`, `endpoint`, `normalize`: the
//!   vocabulary and the rules every part shares;
//! - `log`, `resolve`, `feed`, `progress`: the request log, name resolution, the product feed's
//!   writer, a long job's progress on stderr;
//! - `outbox`: the durable outbox on SQLite or MySQL;
//! - `config`: the client's configuration;
//! - `request`, `response`, `transport`, `exchange`, `balance`: one request to Mindbox;
//! - `delivery`: delivering the outbox in the background;
//! - `bulk`: history imports by bulk CSV: the parts' writer and their sending;
//! - `client`: what `MindboxClient` does.

#![warn(unreachable_pub)]

mod balance;
mod bulk;
mod client;
mod clock;
mod config;
mod delivery;
mod endpoint;
mod error;
mod exchange;
mod feed;
mod log;
mod mask;
mod normalize;
mod outbox;
mod private;
mod process;
mod progress;
mod request;
mod resolve;
mod response;
mod secret;
mod transport;

pub use balance::Balance;
pub use bulk::{BulkOptions, BulkOutcome, CsvCheckpoint, CsvPart, CsvWriter, Deferral};
pub use client::{CallOptions, Client, Delivery};
pub use clock::now_ms;
pub use config::Config;
pub use delivery::{Deliverer, Reason, Report, stop_delivery};
pub use error::{Error, Result, ValidationMessage};
pub use feed::{FeedInput, FeedKey, FeedSummary, FeedValue, FeedWriter};
pub use normalize::normalize_phone;
pub use outbox::{
    FailedItem, Failure, Location, MoveReport, Moved, SavedSnapshot, Scope, SnapshotDelivery,
    Stats, move_outbox,
};
pub use progress::Progress;
