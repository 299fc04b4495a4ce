//! A deliverer: the state its threads share, and what the other threads of the process ask of
//! it. Its dispatcher (`dispatch`) is the only thread that touches the outbox for delivery.

use super::holdoff::Holdoff;
use super::policy::Policy;
use super::report::Report;
use super::spacing::Spacing;
use super::state::State;
use crate::error::Error;
use crate::exchange::Exchange;
use crate::outbox::{Claimed, KeyVerdict, Location, Scope, Settle};
use crate::transport::Pool;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Instant;

#[derive(Default)]
pub(super) struct Shared {
    pub(crate) jobs: VecDeque<Claimed>,
    pub(crate) in_flight: usize,
    pub(crate) workers: usize,
    pub(crate) dispatching: bool,
    pub(crate) settled: Vec<Settle>,
    /// When the oldest answer in `settled` came: it waits for a send at most `SETTLE_WAIT` from
    /// then (see `dispatch`).
    pub(crate) first_answer: Option<Instant>,
    pub(crate) release_backoff: bool,
    /// Something was sent (or a flush asked): look now.
    pub(crate) poked: bool,
    /// Something was sent while a look could change nothing (another process holds the lease,
    /// Mindbox is held off): the process is busy, the dispatcher stays, but it sleeps on.
    pub(crate) sent_unlooked: bool,
    pub(crate) state: State,
    pub(crate) cycles: u64,
    /// A cycle is being written: the answers it took are in neither `settled` nor the file yet.
    pub(crate) cycling: bool,
    /// The dispatcher sleeps on `changed` until then; `None` while it works. Only a change it
    /// would act on before then wakes it: at a shop's steady pace most answers need no wake-up.
    pub(crate) resting_until: Option<Instant>,
    /// The last cycle left items it could have claimed with more room: answers are written as they
    /// come, not with the next send.
    pub(crate) answers_at_once: bool,
    /// Flushes waiting on `changed` for the answers.
    pub(crate) flushing: usize,
    /// Workers waiting on `work` for a job: a job wakes one only if one waits.
    pub(crate) idle_workers: usize,
    /// When each operation's last send from this process went.
    pub(crate) spacing: Spacing,
    pub(crate) delivered: Report,
    pub(crate) holdoff: Holdoff,
    pub(crate) error: Option<Error>,
    /// Threads this deliverer started, dispatchers and workers.
    pub(crate) threads_started: u64,
    /// The workers' connections: made with the first worker, closed with the last.
    pub(crate) pool: Option<Pool>,
    /// The delivery daemon's dispatcher never ends of idleness.
    pub(crate) resident: bool,
    /// What Mindbox said of the key, to be written with the next cycle.
    pub(crate) key_refused: Option<KeyVerdict>,
    /// Whether the outbox may say the key is refused, as far as this deliverer has seen: then an
    /// answer that takes it is written too.
    pub(crate) key_marked: bool,
}

pub struct Deliverer {
    pub(super) scope: Scope,
    pub(super) path: Location,
    pub(super) exchange: Arc<Exchange>,
    pub(super) policy: Policy,
    pub(super) key_fp: String,
    shared: Mutex<Shared>,
    /// Workers wait here for jobs.
    pub(super) work: Condvar,
    /// The dispatcher and flushes wait here for answers and for new states.
    pub(super) changed: Condvar,
    stop: AtomicBool,
}

impl Deliverer {
    pub(super) fn new(path: &Location, scope: Scope, exchange: Arc<Exchange>) -> Deliverer {
        Deliverer {
            scope,
            path: path.clone(),
            policy: Policy::of(exchange.config()),
            key_fp: exchange.config().secret_key.fingerprint(),
            exchange,
            shared: Mutex::new(Shared::default()),
            work: Condvar::new(),
            changed: Condvar::new(),
            stop: AtomicBool::new(false),
        }
    }

    /// Poisoning is ignored: every holder of the lock keeps the state consistent between
    /// statements, and a panic in one thread must not stop delivery for good.
    pub(super) fn lock(&self) -> MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(super) fn stopping(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    /// Called after each send: the dispatcher looks at once (and starts, if it is not running),
    /// unless a look could change nothing before its own next one. A shop sending thousands of
    /// events while Mindbox is down would otherwise keep a reader in the file all the time, and
    /// SQLite never gets to restart the WAL, which then grows without end.
    pub(crate) fn notify(self: &Arc<Self>) {
        if self.stopping() {
            return;
        }
        let mut s = self.lock();
        let pointless = s.dispatching
            && (s.state == State::Standby || s.holdoff.holding(Instant::now()).is_some());
        if pointless {
            s.sent_unlooked = true;
            return;
        }
        s.poked = true;
        self.ensure_dispatching(&mut s);
        // A dispatcher at work looks at `poked` before it rests again.
        let resting = s.resting_until.is_some();
        drop(s);
        if resting {
            self.changed.notify_all();
        }
    }

    pub(super) fn ensure_dispatching(self: &Arc<Self>, s: &mut Shared) {
        if s.dispatching || self.stopping() {
            return;
        }
        let me = self.clone();
        // If the system refuses a thread, the items stay in the outbox for a later send or flush.
        if std::thread::Builder::new()
            .name("mindbox-dispatch".into())
            .spawn(move || {
                super::background::mark_this_thread();
                me.dispatch()
            })
            .is_ok()
        {
            s.dispatching = true;
            s.threads_started += 1;
        }
    }

    /// Threads this deliverer started, dispatchers and workers: the tests bound them.
    #[cfg(test)]
    pub(crate) fn threads_started(&self) -> u64 {
        self.lock().threads_started
    }

    /// Keeps every thread of this deliverer from going on for `time`, as a busy machine would.
    #[cfg(test)]
    pub(crate) fn stall(&self, time: std::time::Duration) {
        let _shared = self.lock();
        std::thread::sleep(time);
    }

    /// For the delivery daemon: the dispatcher runs until stopped, however quiet it is.
    pub(crate) fn keep_running(self: &Arc<Self>) {
        self.lock().resident = true;
        self.notify();
    }

    /// Why the last cycle failed, if it did (the file cannot be opened, say).
    pub fn last_error(&self) -> Option<Error> {
        self.lock().error.clone()
    }

    pub(super) fn stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
        self.work.notify_all();
        self.changed.notify_all();
    }

    pub(super) fn wait_stopped(&self, deadline: Instant) {
        let mut s = self.lock();
        while s.dispatching || s.workers > 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return;
            }
            s = self
                .changed
                .wait_timeout(s, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
    }
}
