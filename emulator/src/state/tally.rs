//! One connection as the counters see it. Atomics, because hyper may run a connection's
//! requests on any worker thread while the counters read them under the state's lock.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

pub struct Tally {
    /// Never restarts, so that ids in the journal stay unique across resets.
    pub id: u64,
    pub(super) accepted_in_epoch: u64,
    counted_in_epoch: AtomicU64,
    first_request_seen: AtomicBool,
    is_control: AtomicBool,
}

impl Tally {
    pub(super) fn new(id: u64, accepted_in_epoch: u64) -> Tally {
        Tally {
            id,
            accepted_in_epoch,
            counted_in_epoch: AtomicU64::new(u64::MAX),
            first_request_seen: AtomicBool::new(false),
            is_control: AtomicBool::new(false),
        }
    }

    /// True once, when the connection's first request goes to the control API: such a
    /// connection belongs to the harness, whose connections the tests do not count.
    pub(super) fn turns_out_control(&self, is_control: bool) -> bool {
        let first = !self.first_request_seen.swap(true, Ordering::Relaxed);
        if first && is_control {
            self.is_control.store(true, Ordering::Relaxed);
        }
        first && is_control
    }

    pub(super) fn is_control(&self) -> bool {
        self.is_control.load(Ordering::Relaxed)
    }

    /// True the first time it is asked for a given reset epoch.
    pub(super) fn first_call_in_epoch(&self, epoch: u64) -> bool {
        self.counted_in_epoch.swap(epoch, Ordering::Relaxed) != epoch
    }
}
