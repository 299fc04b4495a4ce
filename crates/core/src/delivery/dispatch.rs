//! The dispatcher's loop: rest until there is something to do, take it from the shared state,
//! run one cycle on the outbox, and hand what it claimed to the workers.

use super::deliverer::{Deliverer, Shared};
use super::state::State;
use crate::clock::now_ms;
use crate::error::Result;
use crate::outbox::{
    Cycle, Cycled, KeyVerdict, Next, Role, Settle, Store, current_holder, with_store,
};
use std::sync::{Arc, MutexGuard};
use std::time::{Duration, Instant};

/// How often the holder looks for items other processes sent: a look that finds the file
/// unchanged (`PRAGMA data_version`) costs no query. Quick while items flow, slower when quiet.
const POLL: Duration = Duration::from_millis(20);
const QUIET_POLL: Duration = Duration::from_millis(100);
/// After an answer, the dispatcher waits this long for others before it writes: one write then
/// settles several items.
const COALESCE: Duration = Duration::from_millis(2);
/// With nothing more to claim, answers wait up to this long for the process's next send, whose
/// claim then writes them in the same transaction: at a shop's steady pace one write per event
/// instead of two. Only what Mindbox already answered waits (its transactionId makes a resend
/// after a crash harmless), and never while a flush waits or a backlog is claimed.
pub(super) const SETTLE_WAIT: Duration = Duration::from_millis(20);

/// The dispatcher's own state, kept between its cycles.
struct Dispatcher {
    deliverer: Arc<Deliverer>,
    holder: String,
    /// Its own connection: a MySQL outbox's cycles, a file's checkpoints (see `on_store`).
    store: Option<Store>,
    /// When it must look by itself: a retry, a lease to renew, a probe.
    due: Option<Instant>,
    /// The last cycle found this process holding the lease and nothing pending, or more than it
    /// could take: an item sent meanwhile can go at once, and is claimed in one write, without a
    /// look before it. (Items waiting for their pacing slot or retry are looked at first, so
    /// that a send meeting them takes no write lock for nothing.)
    claims_on_send: bool,
    next_look: Instant,
    quiet_since: Instant,
}

/// What one cycle takes from the shared state.
struct Turn {
    now: Instant,
    settle: Vec<Settle>,
    release_backoff: bool,
    key_refused: Option<KeyVerdict>,
    poked: bool,
    timer_due: bool,
    /// How many items the workers can take now.
    want: usize,
}

impl Deliverer {
    pub(super) fn dispatch(self: Arc<Self>) {
        let now = Instant::now();
        let mut dispatcher = Dispatcher {
            deliverer: self,
            holder: current_holder(),
            store: None,
            due: Some(now),
            claims_on_send: false,
            next_look: now,
            quiet_since: now,
        };
        while let Some(turn) = dispatcher.next_turn() {
            let result = dispatcher.cycle(&turn);
            dispatcher.absorb(turn, result);
        }
    }
}

impl Dispatcher {
    /// Rests, then takes what there is to do; `None` when the dispatcher ends, stopping or idle
    /// long enough, its lease given up.
    fn next_turn(&mut self) -> Option<Turn> {
        let deliverer = self.deliverer.clone();
        let mut s = self.rest(&deliverer);
        let turn = self.take(&deliverer, &mut s);
        let quiet = s.in_flight + s.jobs.len() == 0
            && turn.settle.is_empty()
            && !turn.poked
            && turn.key_refused.is_none();
        let stopping = deliverer.stopping();
        if quiet
            && (stopping || (!s.resident && s.state.idle_long_enough(self.quiet_since, turn.now)))
        {
            s.dispatching = false;
            drop(s);
            let holder = &self.holder;
            let _ = on_store(&deliverer, &mut self.store, |store| {
                store.release_lease(&deliverer.scope, holder)
            });
            deliverer.changed.notify_all();
            return None;
        }
        s.cycling = true;
        Some(turn)
    }

    /// Rests until a send, a due time, the next look or the time to write the answers; answers
    /// that come together are written together.
    fn rest<'d>(&mut self, deliverer: &'d Deliverer) -> MutexGuard<'d, Shared> {
        let mut s = deliverer.lock();
        loop {
            let now = Instant::now();
            // Only the holder looks for other processes' items; the others wait for their time.
            // A holder whose key is refused looks too: another process (a call, a new key)
            // may end the refusal long before its next probe.
            let looking = !matches!(s.state, State::Standby | State::Backoff);
            let mut wake = match self.due {
                Some(d) if looking => d.min(self.next_look),
                Some(d) => d,
                None => self.next_look,
            };
            if !s.settled.is_empty() {
                let since = *s.first_answer.get_or_insert(now);
                wake = wake.min(if s.answers_at_once {
                    since
                } else {
                    since + SETTLE_WAIT
                });
            }
            if deliverer.stopping() || s.poked || now >= wake {
                break;
            }
            s.resting_until = Some(wake);
            s = deliverer
                .changed
                .wait_timeout(s, wake - now)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        s.resting_until = None;
        // Answers that waited for a send have had their time; a backlog's wait here for the
        // requests still in flight.
        if s.answers_at_once
            && !s.settled.is_empty()
            && s.in_flight > 0
            && !s.poked
            && !deliverer.stopping()
        {
            s = deliverer
                .changed
                .wait_timeout(s, COALESCE)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        s
    }

    fn take(&mut self, deliverer: &Deliverer, s: &mut Shared) -> Turn {
        let now = Instant::now();
        if std::mem::take(&mut s.sent_unlooked) {
            self.quiet_since = now;
        }
        let room = if s.holdoff.probing() {
            1
        } else {
            deliverer.policy.concurrency
        };
        // A hold for a refused key leaves the claiming to the outbox, which knows when the key
        // is next probed and whether another process saw it taken since; the hold only keeps
        // what was claimed before the refusal from going.
        let held = s.holdoff.holding(now).is_some() && !s.holdoff.is_refused();
        let want = if deliverer.stopping() || held {
            0
        } else {
            room.saturating_sub(s.in_flight + s.jobs.len())
        };
        s.first_answer = None;
        Turn {
            now,
            settle: std::mem::take(&mut s.settled),
            release_backoff: std::mem::take(&mut s.release_backoff),
            key_refused: s.key_refused.take(),
            poked: std::mem::take(&mut s.poked),
            timer_due: self.due.is_some_and(|d| now >= d),
            want,
        }
    }

    /// Runs a cycle; `None` when a look found nothing new.
    fn cycle(&mut self, turn: &Turn) -> Result<Option<Cycled>> {
        let d = self.deliverer.clone();
        let holder = &self.holder;
        // A look that finds nothing new and nothing due ends without a query.
        let only_look = turn.settle.is_empty()
            && !turn.release_backoff
            && turn.key_refused.is_none()
            && !turn.poked
            && !turn.timer_due;
        let write_at_once = turn.poked && self.claims_on_send && turn.want > 0;
        // A file's WAL is checkpointed on the dispatcher's own connection, never holding the
        // shop's thread; the cycle that follows then usually restarts it.
        if d.path.file().is_some()
            && let Ok(store) = own(&d, &mut self.store)
        {
            store.trim_wal();
        }
        on_store(&d, &mut self.store, |store| {
            if only_look && !store.changed_since_last_look()? {
                return Ok(None);
            }
            let cycle = Cycle {
                scope: &d.scope,
                holder,
                lease_ms: d.policy.lease_ms(),
                pace_us: d.policy.pace_us(),
                now: now_ms(),
                want: turn.want,
                settle: &turn.settle,
                release_backoff: turn.release_backoff,
                key_fp: &d.key_fp,
                key_refused: turn.key_refused,
            };
            if write_at_once {
                store.cycle_writing(&cycle).map(Some)
            } else {
                store.cycle(&cycle).map(Some)
            }
        })
    }

    /// Writes what the cycle found into the shared state and staffs the workers; a failed cycle
    /// keeps its answers for the next write, and a busy or broken outbox is tried again.
    fn absorb(&mut self, turn: Turn, result: Result<Option<Cycled>>) {
        let deliverer = self.deliverer.clone();
        let mut s = deliverer.lock();
        s.cycling = false;
        let now = turn.now;
        self.next_look = now
            + if now.duration_since(self.quiet_since) < Duration::from_secs(1) {
                POLL
            } else {
                QUIET_POLL
            };
        match result {
            Ok(None) => {}
            Ok(Some(cycled)) => {
                let got = !cycled.claimed.is_empty();
                s.answers_at_once = cycled.next == Next::More;
                if matches!(cycled.next, Next::Refused(_)) {
                    s.key_marked = true;
                }
                if got && s.key_refused.is_none() {
                    // The outbox let items go with the key, and no refusal came meanwhile.
                    s.holdoff.end_refusal();
                }
                s.jobs.extend(cycled.claimed);
                let working = !s.jobs.is_empty() || s.in_flight > 0;
                let (state, due) = State::after(
                    &cycled.next,
                    &s.holdoff,
                    working,
                    deliverer.policy.pace_us(),
                );
                self.due = due;
                if state != s.state || got {
                    self.quiet_since = now;
                }
                self.claims_on_send = matches!(cycled.next, Next::Idle | Next::More)
                    && matches!(state, State::Working | State::Idle);
                s.state = state;
                s.cycles += 1;
                s.error = None;
                deliverer.staff(&mut s);
            }
            Err(e) => {
                if !turn.settle.is_empty() {
                    s.first_answer = Some(now);
                }
                s.settled.splice(0..0, turn.settle);
                s.release_backoff |= turn.release_backoff;
                s.key_refused = s.key_refused.or(turn.key_refused);
                s.error = Some(e);
                s.cycles += 1;
                self.claims_on_send = false;
                self.store = None;
                self.due = Some(now + Duration::from_secs(1));
            }
        }
        // Only a flush waits on `changed` for a cycle's end.
        let flushing = s.flushing > 0;
        drop(s);
        if flushing {
            deliverer.changed.notify_all();
        }
    }
}

/// Runs `f` on the dispatcher's connection. A file's is the process's own, which the shop's
/// thread inserts with (`outbox::with_store`): one page cache, so that neither reads again what
/// the other just wrote, and a send that meets a cycle waits on a mutex, not on SQLite's lock. A
/// server's is the dispatcher's own (`own`), so that a send never waits for a cycle's round trips.
fn on_store<R>(
    d: &Deliverer,
    own_store: &mut Option<Store>,
    mut f: impl FnMut(&mut Store) -> Result<R>,
) -> Result<R> {
    if d.path.file().is_some() {
        return with_store(&d.path, d.policy.synchronous, f);
    }
    f(own(d, own_store)?)
}

/// The dispatcher's own connection: a server's cycles and a file's checkpoints run on it. Opened
/// when first needed, and again when the file it opened was replaced.
fn own<'s>(d: &Deliverer, own_store: &'s mut Option<Store>) -> Result<&'s mut Store> {
    if own_store.as_ref().is_some_and(|s| !s.is_current()) {
        *own_store = None;
    }
    Ok(match own_store {
        Some(store) => store,
        None => own_store.insert(Store::open(&d.path, d.policy.synchronous, Role::Deliverer)?),
    })
}
