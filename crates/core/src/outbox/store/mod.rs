//! The outbox's logic, written once for both backends against the storage interface
//! (`outbox::rows`), and the `Store` that runs it on either.
//!
//! - `backend`: the store, one connection to a file or a server;
//! - `cycle`: what a deliverer's cycle is given and gives back; `claim`: what it does in one
//!   write, or none: settle answered items, hold the endpoint's lease, claim the next items at
//!   the pace of the rate limit;
//! - `lease`, `settle`, `refusal`: the lease and the claims of dead holders, the fate of an
//!   attempt, a key Mindbox refused;
//! - `inspect`: the numbers and lists the admin and `flush()` report, and retrying parked items;
//! - `moves`: moving pending items into another outbox, when a shop switches;
//! - `bulk`: the bulk imports' hourly budget, their 429 block and their failed attempts;
//! - `snapshots`: what Mindbox was last told of an order, stored with the item that tells it.

// First, so that its macro reaches the test modules below.
#[cfg(test)]
#[macro_use]
mod test_support;

mod backend;
mod bulk;
#[cfg(test)]
mod bulk_tests;
mod claim;
mod cycle;
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
mod settle;
#[cfg(test)]
mod snapshot_tests;
mod snapshots;
#[cfg(test)]
mod tests;

pub(crate) use backend::Store;
pub(crate) use bulk::Reservation;
pub(crate) use cycle::{Claimed, Cycle, Cycled, KeyVerdict, Next};
pub use inspect::Stats;
pub use moves::{MoveReport, Moved, move_outbox};
pub(crate) use settle::Settle;
