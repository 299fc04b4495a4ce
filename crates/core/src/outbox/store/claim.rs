//! What a deliverer's cycle does: settle what was answered, hold the endpoint's lease, claim what
//! may be sent next. Everything a cycle changes is one write transaction; a cycle with nothing to
//! settle and nothing to claim writes nothing, so an idle or a waiting deliverer never takes the
//! file's write lock.

use super::backend::Store;
use super::cycle::{Claimed, Cycle, Cycled, Next};
use super::lease::{
    dead_claimers, free_dead_claims, heartbeat_due, keep_alive, kept_by_other, take_lease,
};
use super::refusal::{self, Gate};
use super::settle::{park_malformed, settle};
use crate::error::Result;
use crate::outbox::item::pacing_key;
use crate::outbox::rows::{Candidate, Fallible, Rows};
use std::collections::HashMap;

/// Candidates looked at per claim under a rate limit: the ones whose operation's slot is far
/// off are passed over for those behind them.
const CANDIDATES: usize = 64;

/// How many candidates a look needs: without a limit none is passed over, so `want` and one
/// more (which tells that more are waiting) are enough, and a MySQL server then reads a few index
/// rows per claim instead of a hundred.
fn candidates_wanted(c: &Cycle<'_>, want: usize) -> usize {
    if c.pace_us == 0 { want + 1 } else { CANDIDATES }
}

/// An item whose pacing slot comes within this is claimed now and waits for its slot in the
/// worker: a backlog under the rate limit then costs one claim per batch, not one per slot.
const LOOKAHEAD_US: u64 = 100_000;

impl Store {
    /// One cycle of a deliverer: read-only when it has nothing to write.
    pub(crate) fn cycle(&mut self, c: &Cycle<'_>) -> Result<Cycled> {
        if read_only(c)
            && let Some(next) = self.read(|rows| peek(rows, c))?
        {
            return Ok(Cycled {
                claimed: Vec::new(),
                next,
            });
        }
        self.cycle_writing(c)
    }

    /// One cycle of a deliverer in a write transaction, without looking first: for a holder that
    /// knows an item was just added, where the look would find it and only read again what the
    /// write reads.
    pub(crate) fn cycle_writing(&mut self, c: &Cycle<'_>) -> Result<Cycled> {
        self.write(|rows| run(rows, c))
    }
}

/// A cycle in a write transaction: settles, records the key's fate, takes the lease, claims.
fn run(rows: &mut dyn Rows, c: &Cycle<'_>) -> Fallible<Cycled> {
    for s in c.settle {
        settle(rows, s, c.now)?;
    }
    if let Some(verdict) = c.key_refused {
        refusal::record(rows, c.scope, c.key_fp, verdict, c.now)?;
    }
    if c.release_backoff {
        rows.make_due(c.scope, c.now, false)?;
    }
    if c.want == 0 {
        keep_alive(rows, c)?;
        return next_event(rows, c, None).map(|next| Cycled {
            claimed: Vec::new(),
            next,
        });
    }
    if let Some(until) = take_lease(rows, c)? {
        return Ok(Cycled {
            claimed: Vec::new(),
            next: Next::NotHolder(until),
        });
    }
    free_dead_claims(rows, c)?;
    match refusal::gate(rows, c)? {
        Gate::Open => claim(rows, c, c.want),
        Gate::Closed(next) => Ok(Cycled {
            claimed: Vec::new(),
            next,
        }),
        Gate::Probe(refused) => {
            let mut cycled = claim(rows, c, 1)?;
            if !cycled.claimed.is_empty() {
                cycled.next = refusal::probed(rows, c, refused)?;
            }
            Ok(cycled)
        }
    }
}

/// Whether a cycle can end without writing: it has nothing to settle or record.
fn read_only(c: &Cycle<'_>) -> bool {
    c.settle.is_empty() && !c.release_backoff && c.key_refused.is_none()
}

/// Decides without writing whether a cycle has anything to do: `Some` is the answer when it
/// has not.
fn peek(rows: &mut dyn Rows, c: &Cycle<'_>) -> Fallible<Option<Next>> {
    if let Some(lease) = rows.lease(c.scope)? {
        if kept_by_other(rows, c, &lease)? {
            return Ok(Some(Next::NotHolder(lease.expires)));
        }
        if lease.holder != c.holder || lease.key_fp != c.key_fp {
            return Ok(None);
        }
        if heartbeat_due(&lease, c) {
            return Ok(None);
        }
    }
    if c.want == 0 {
        return next_event(rows, c, None).map(Some);
    }
    if !dead_claimers(rows, c)?.is_empty() {
        return Ok(None);
    }
    if let Gate::Closed(next) = refusal::gate(rows, c)? {
        return Ok(Some(next));
    }
    let (ready, wait) = claimable(rows, c)?;
    Ok(if ready {
        None
    } else {
        Some(next_event(rows, c, wait)?)
    })
}

/// The pacing grid of one operation: its next free slot (µs), and where the grid goes from it.
struct Slots {
    pace_us: u64,
    now_us: u64,
    next: HashMap<String, u64>,
    /// The keys whose slots were taken: only their rows are written.
    taken: Vec<String>,
}

impl Slots {
    /// The slot an item of `key` would get, if it comes within the lookahead.
    fn slot(&mut self, rows: &mut dyn Rows, key: &str) -> Fallible<std::result::Result<u64, u64>> {
        let next = match self.next.get(key) {
            Some(s) => *s,
            None => {
                let s = rows.pacing(key)?.unwrap_or(0);
                self.next.insert(key.to_string(), s);
                s
            }
        };
        Ok(if next > self.now_us + LOOKAHEAD_US {
            Err(next)
        } else {
            Ok(next.max(self.now_us))
        })
    }

    /// Takes the slot: keep the grid when slightly late; after a quiet spell start anew from now.
    fn take(&mut self, key: &str, slot: u64) {
        if self.pace_us > 0 {
            let previous = self.next.get(key).copied().unwrap_or(0);
            let next = if previous + self.pace_us >= self.now_us {
                slot.max(previous) + self.pace_us
            } else {
                self.now_us + self.pace_us
            };
            self.next.insert(key.to_string(), next);
            if !self.taken.iter().any(|k| k == key) {
                self.taken.push(key.to_string());
            }
        }
    }
}

/// Whether anything could be claimed now, else the earliest pacing slot that holds items back.
fn claimable(rows: &mut dyn Rows, c: &Cycle<'_>) -> Fallible<(bool, Option<u64>)> {
    let mut slots = Slots {
        pace_us: c.pace_us,
        now_us: c.now * 1000,
        next: HashMap::new(),
        taken: Vec::new(),
    };
    let mut wait: Option<u64> = None;
    for candidate in rows.candidates(c.scope, c.now, candidates_wanted(c, 0))? {
        let key = pacing_key(c.scope, &candidate.operation, candidate.endpoint);
        match slots.slot(rows, &key)? {
            Ok(_) => return Ok((true, None)),
            Err(slot) => wait = Some(wait.map_or(slot, |w| w.min(slot))),
        }
    }
    Ok((false, wait.map(|us| us.div_ceil(1000))))
}

fn claim(rows: &mut dyn Rows, c: &Cycle<'_>, want: usize) -> Fallible<Cycled> {
    let mut slots = Slots {
        pace_us: c.pace_us,
        now_us: c.now * 1000,
        next: HashMap::new(),
        taken: Vec::new(),
    };
    let candidates = rows.candidates(c.scope, c.now, candidates_wanted(c, want))?;
    let mut claimed = Vec::new();
    let mut wait: Option<u64> = None;
    let mut left_over = false;
    for Candidate {
        id,
        operation,
        endpoint,
    } in candidates
    {
        if claimed.len() == want {
            left_over = true;
            break;
        }
        let key = pacing_key(c.scope, &operation, endpoint);
        let send_at_us = match slots.slot(rows, &key)? {
            Ok(slot) => slot,
            Err(slot) => {
                wait = Some(wait.map_or(slot, |w| w.min(slot)));
                continue;
            }
        };
        match rows.claim(id, c.holder, c.now + c.lease_ms)? {
            Ok(item) => {
                slots.take(&key, send_at_us);
                claimed.push(Claimed { item, send_at_us });
            }
            Err(wrong) => park_malformed(rows, id, &wrong, c.now)?,
        }
    }
    if c.pace_us > 0 {
        for key in &slots.taken {
            rows.set_pacing(key, slots.next[key], false)?;
        }
    }
    let next = if left_over {
        Next::More
    } else {
        next_event(rows, c, wait.map(|us| us.div_ceil(1000)))?
    };
    Ok(Cycled { claimed, next })
}

/// When something may next be sent: the earliest retry, claim expiry or pacing slot.
fn next_event(rows: &mut dyn Rows, c: &Cycle<'_>, pacing_ms: Option<u64>) -> Fallible<Next> {
    let (next_due, next_expiry) = rows.next_times(c.scope, c.now)?;
    if let Some(t) = [next_due, next_expiry, pacing_ms]
        .into_iter()
        .flatten()
        .min()
    {
        return Ok(Next::At(t));
    }
    // Pending and due, but each behind an earlier item of its key that is in flight.
    Ok(if rows.any_pending(c.scope)? {
        Next::At(c.now + 100)
    } else {
        Next::Idle
    })
}
