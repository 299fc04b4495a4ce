//! A deliverer: the state its threads share, and the dispatcher's loop, the only thread that
//! touches the outbox file for delivery.

use super::Report;
use super::holdoff::Holdoff;
use super::policy::Policy;
use super::state::State;
use crate::error::Error;
use crate::exchange::Exchange;
use crate::outbox::Location;
use crate::outbox::store::{Claimed, Cycle, KeyVerdict, Next, Role, Scope, Settle, Store};
use crate::outbox::{holder, now_ms};
use crate::transport::Pool;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// How often the holder looks for items other processes sent: a look that finds the file
/// unchanged (`PRAGMA data_version`) costs no query. Quick while items flow, slower when quiet.
const POLL: Duration = Duration::from_millis(20);
const QUIET_POLL: Duration = Duration::from_millis(100);
/// After an answer, the dispatcher waits this long for others before it writes: one write then
/// settles several items.
const COALESCE: Duration = Duration::from_millis(2);

#[derive(Default)]
pub(super) struct Shared {
    pub jobs: VecDeque<Claimed>,
    pub in_flight: usize,
    pub workers: usize,
    pub dispatching: bool,
    pub settled: Vec<Settle>,
    pub release_backoff: bool,
    /// Something was sent (or a flush asked): look now.
    pub poked: bool,
    /// Something was sent while a look could change nothing (another process holds the lease,
    /// Mindbox is held off): the process is busy, the dispatcher stays, but it sleeps on.
    pub sent_unlooked: bool,
    pub state: State,
    pub cycles: u64,
    /// A cycle is being written: the answers it took are in neither `settled` nor the file yet.
    pub cycling: bool,
    pub delivered: Report,
    pub holdoff: Holdoff,
    pub error: Option<Error>,
    /// Threads this deliverer started, dispatchers and workers, for the benchmarks' count.
    pub threads_started: u64,
    /// The workers' connections: made with the first worker, closed with the last.
    pub pool: Option<Pool>,
    /// The delivery daemon's dispatcher never ends of idleness.
    pub resident: bool,
    /// What Mindbox said of the key, to be written with the next cycle.
    pub key_refused: Option<KeyVerdict>,
    /// Whether the outbox may say the key is refused, as far as this deliverer has seen: then an
    /// answer that takes it is written too.
    pub key_marked: bool,
}

pub struct Deliverer {
    pub(super) scope: Scope,
    path: Location,
    pub(super) exchange: Arc<Exchange>,
    pub(super) policy: Policy,
    key_fp: String,
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

    pub fn policy(&self) -> &Policy {
        &self.policy
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
    pub fn notify(self: &Arc<Self>) {
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
        drop(s);
        self.changed.notify_all();
    }

    pub(super) fn ensure_dispatching(self: &Arc<Self>, s: &mut Shared) {
        if s.dispatching || self.stopping() {
            return;
        }
        let me = self.clone();
        // If the system refuses a thread, the items stay in the outbox for a later send or flush.
        if std::thread::Builder::new()
            .name("mindbox-dispatch".into())
            .spawn(move || me.dispatch())
            .is_ok()
        {
            s.dispatching = true;
            s.threads_started += 1;
        }
    }

    pub fn threads_started(&self) -> u64 {
        self.lock().threads_started
    }

    /// For the delivery daemon: the dispatcher runs until stopped, however quiet it is.
    pub fn keep_running(self: &Arc<Self>) {
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

    fn dispatch(self: Arc<Self>) {
        let holder = holder::current();
        let mut store: Option<Store> = None;
        let mut due: Option<Instant> = Some(Instant::now());
        let mut next_look = Instant::now();
        let mut quiet_since = Instant::now();
        loop {
            let mut s = self.lock();
            // Rest until an answer, a send, a due time or the next look.
            loop {
                let now = Instant::now();
                // Only the holder looks for other processes' items; the others wait for their time.
                // A holder whose key is refused looks too: another process (a call, a new key)
                // may end the refusal long before its next probe.
                let looking = !matches!(s.state, State::Standby | State::Backoff);
                let wake = match due {
                    Some(d) if looking => d.min(next_look),
                    Some(d) => d,
                    None => next_look,
                };
                if self.stopping() || !s.settled.is_empty() || s.poked || now >= wake {
                    break;
                }
                s = self
                    .changed
                    .wait_timeout(s, wake - now)
                    .unwrap_or_else(|p| p.into_inner())
                    .0;
            }
            if !s.settled.is_empty() && s.in_flight > 0 && !self.stopping() {
                s = self
                    .changed
                    .wait_timeout(s, COALESCE)
                    .unwrap_or_else(|p| p.into_inner())
                    .0;
            }
            let now = Instant::now();
            let stopping = self.stopping();
            let settle = std::mem::take(&mut s.settled);
            let release_backoff = std::mem::take(&mut s.release_backoff);
            let key_refused = s.key_refused.take();
            let poked = std::mem::take(&mut s.poked);
            if std::mem::take(&mut s.sent_unlooked) {
                quiet_since = now;
            }
            let holding = s.holdoff.holding(now);
            let busy = s.in_flight + s.jobs.len();
            let room = if s.holdoff.probing() {
                1
            } else {
                self.policy.concurrency
            };
            // A hold for a refused key leaves the claiming to the outbox, which knows when the key
            // is next probed and whether another process saw it taken since; the hold only keeps
            // what was claimed before the refusal from going.
            let want = if stopping || (holding.is_some() && !s.holdoff.is_refused()) {
                0
            } else {
                room.saturating_sub(busy)
            };
            let timer_due = due.is_some_and(|d| now >= d);
            let quiet = busy == 0 && settle.is_empty() && !poked && key_refused.is_none();
            if quiet
                && (stopping || (!s.resident && self.idle_long_enough(s.state, quiet_since, now)))
            {
                s.dispatching = false;
                drop(s);
                if let Some(store) = store.as_mut() {
                    let _ = store.release_lease(&self.scope, &holder);
                }
                self.changed.notify_all();
                return;
            }
            s.cycling = true;
            drop(s);

            if store.as_ref().is_some_and(|s| !s.is_current()) {
                store = None;
            }
            let opened = match store.as_mut() {
                Some(store) => Ok(store),
                None => Store::open(&self.path, self.policy.synchronous, Role::Deliverer)
                    .map(|opened| store.insert(opened)),
            };
            let result = opened.and_then(|store| {
                // A look that finds nothing new and nothing due ends here, without a query.
                if settle.is_empty()
                    && !release_backoff
                    && key_refused.is_none()
                    && !poked
                    && !timer_due
                    && !store.changed_since_last_look()?
                {
                    return Ok(None);
                }
                store
                    .cycle(&Cycle {
                        scope: &self.scope,
                        holder: &holder,
                        lease_ms: self.policy.lease_ms(),
                        pace_us: self.policy.pace_us(),
                        now: now_ms(),
                        want,
                        settle: &settle,
                        release_backoff,
                        key_fp: &self.key_fp,
                        key_refused,
                    })
                    .map(Some)
            });

            let mut s = self.lock();
            s.cycling = false;
            next_look = now
                + if now.duration_since(quiet_since) < Duration::from_secs(1) {
                    POLL
                } else {
                    QUIET_POLL
                };
            match result {
                Ok(None) => {}
                Ok(Some(cycled)) => {
                    let got = !cycled.claimed.is_empty();
                    if matches!(cycled.next, Next::Refused(_)) {
                        s.key_marked = true;
                    }
                    if got && s.key_refused.is_none() {
                        // The outbox let items go with the key, and no refusal came meanwhile.
                        s.holdoff.end_refusal();
                    }
                    s.jobs.extend(cycled.claimed);
                    let holding = s.holdoff.holding(Instant::now());
                    let (state, next_due) = self.state_of(&cycled.next, &s, holding);
                    due = next_due;
                    if state != s.state || got {
                        quiet_since = now;
                    }
                    s.state = state;
                    s.cycles += 1;
                    s.error = None;
                    self.staff(&mut s);
                }
                Err(e) => {
                    // The answers are kept for the next write; a busy or broken file is tried again.
                    s.settled.splice(0..0, settle);
                    s.release_backoff |= release_backoff;
                    s.key_refused = s.key_refused.or(key_refused);
                    s.error = Some(e);
                    s.cycles += 1;
                    store = None;
                    due = Some(now + Duration::from_secs(1));
                }
            }
            drop(s);
            self.changed.notify_all();
        }
    }
}
