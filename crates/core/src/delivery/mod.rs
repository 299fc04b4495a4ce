//! Background delivery of the outbox.
//!
//! Each process that sends gets, per outbox and Mindbox endpoint, one deliverer: a dispatcher
//! thread that does all of the deliverer's work on the file (one write per cycle: settle the
//! answered items, hold the endpoint's lease, claim the next items at the rate limit's pace) and,
//! while there is something to send, up to `concurrency` worker threads that only make requests.
//! One process at a time holds an endpoint's lease and delivers; the others stand by and take
//! over at once when the holder dies, however it dies.
//!
//! - `deliverer`: the shared state and the dispatcher's loop;
//! - `workers`: the threads that send;
//! - `flush`: delivering on demand, and saying why it stopped;
//! - `credentials`: a call's answer that ends a refusal of the key;
//! - `state`: what a cycle found, for `flush()` and the dispatcher's rest;
//! - `outcome`, `holdoff`, `policy`: the decisions, pure and tested alone.

mod credentials;
mod deliverer;
mod flush;
mod holdoff;
mod outcome;
pub mod policy;
mod state;
mod workers;

pub use credentials::{key_look_due, key_taken};
pub use deliverer::Deliverer;
pub use flush::Reason;

use super::exchange::Exchange;
use super::outbox::store::Scope;
use super::process::PerProcess;
use crate::outbox::Location;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Report {
    pub sent: u64,
    pub retrying: u64,
    pub failed: u64,
}

impl Report {
    fn add(&mut self, other: Report) {
        self.sent += other.sent;
        self.retrying += other.retrying;
        self.failed += other.failed;
    }

    fn since(self, start: Report) -> Report {
        Report {
            sent: self.sent - start.sent,
            retrying: self.retrying - start.retrying,
            failed: self.failed - start.failed,
        }
    }
}

/// By outbox, endpoint and key fingerprint: a process that meets a new key (a rotation) gets a
/// deliverer for it, which takes over from the old key's once Mindbox refuses that.
type Registry = HashMap<(Location, Scope, String), Arc<Deliverer>>;

static DELIVERERS: PerProcess<Registry> = PerProcess::new();

/// This process's deliverer for an outbox, endpoint and key; the first client to ask creates it,
/// with its exchange and policy (see `policy` for the precedence).
pub fn deliverer(path: &Location, scope: Scope, exchange: &Arc<Exchange>) -> Arc<Deliverer> {
    let key = exchange.config().secret_key.fingerprint();
    DELIVERERS.with(HashMap::new, |map| {
        map.entry((path.clone(), scope.clone(), key))
            .or_insert_with(|| Arc::new(Deliverer::new(path, scope, exchange.clone())))
            .clone()
    })
}

/// Stops this process's deliverers at module shutdown, waiting a little for the requests in hand
/// (what is left claimed is free again for the others as soon as this process is gone).
pub fn shutdown(wait: Duration) {
    let all: Vec<Arc<Deliverer>> = DELIVERERS
        .with_existing(|map| map.values().cloned().collect())
        .unwrap_or_default();
    let deadline = std::time::Instant::now() + wait;
    for d in &all {
        d.stop();
    }
    for d in &all {
        d.wait_stopped(deadline);
    }
}
