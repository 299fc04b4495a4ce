//! A synchronous call that Mindbox answers with the key ends a refusal the outbox records for it
//! (the client writes that); this process's deliverer then sends at once instead of waiting for
//! its next probe.

use super::deliverer::Deliverer;
use super::registry::{Key, existing};
use crate::outbox::{Location, Scope};
use crate::process::PerProcess;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How often a process's calls look in the outbox for a refusal of their key while its own
/// deliverer has seen none: a checkout's calls must not each pay a read of the outbox.
const LOOK_EVERY: Duration = Duration::from_secs(10);

static LOOKED: PerProcess<HashMap<Key, Instant>> = PerProcess::new();

/// Whether a call that Mindbox answered with the key should look for a refusal of it now.
pub(crate) fn key_look_due(path: &Location, scope: &Scope, key_fp: &str) -> bool {
    let key = (path.clone(), scope.clone(), key_fp.to_string());
    let seen = existing(&key).is_some_and(|d| d.key_may_be_refused());
    let now = Instant::now();
    LOOKED.with(HashMap::new, |map| {
        let due = seen
            || map
                .get(&key)
                .is_none_or(|at| now.duration_since(*at) >= LOOK_EVERY);
        if due {
            map.insert(key, now);
        }
        due
    })
}

/// The outbox no longer says the key is refused.
pub(crate) fn key_taken(path: &Location, scope: &Scope, key_fp: &str) {
    if let Some(deliverer) = existing(&(path.clone(), scope.clone(), key_fp.to_string())) {
        deliverer.key_taken();
    }
}

impl Deliverer {
    fn key_may_be_refused(&self) -> bool {
        let s = self.lock();
        s.key_marked || s.holdoff.is_refused()
    }

    fn key_taken(self: &Arc<Self>) {
        let mut s = self.lock();
        s.key_marked = false;
        s.holdoff.end_refusal();
        s.poked = true;
        self.ensure_dispatching(&mut s);
        drop(s);
        self.changed.notify_all();
    }
}
