//! This process's deliverers, one per outbox, endpoint and key: found or made by the first client
//! that needs one, and stopped together at shutdown.

use super::deliverer::Deliverer;
use crate::exchange::Exchange;
use crate::outbox::{Location, Scope};
use crate::process::PerProcess;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// By outbox, endpoint and key fingerprint: a process that meets a new key (a rotation) gets a
/// deliverer for it, which takes over from the old key's once Mindbox refuses that.
pub(crate) type Key = (Location, Scope, String);

static DELIVERERS: PerProcess<HashMap<Key, Arc<Deliverer>>> = PerProcess::new();

/// This process's deliverer for an outbox, endpoint and key; the first client to ask creates it,
/// with its exchange and policy (see `policy` for the precedence).
pub(crate) fn deliverer(path: &Location, scope: Scope, exchange: &Arc<Exchange>) -> Arc<Deliverer> {
    let key = exchange.config().secret_key.fingerprint();
    DELIVERERS.with(HashMap::new, |map| {
        map.entry((path.clone(), scope.clone(), key))
            .or_insert_with(|| Arc::new(Deliverer::new(path, scope, exchange.clone())))
            .clone()
    })
}

/// The deliverer for `key`, if this process has one.
pub(crate) fn existing(key: &Key) -> Option<Arc<Deliverer>> {
    DELIVERERS
        .with_existing(|map| map.get(key).cloned())
        .flatten()
}

/// Stops this process's deliverers at module shutdown, waiting a little for the requests in hand
/// (what is left claimed is free again for the others as soon as this process is gone).
pub fn stop_delivery(wait: Duration) {
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
