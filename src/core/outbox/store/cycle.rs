//! One cycle of a deliverer: settle what was answered, hold the endpoint's lease, claim what may
//! be sent next. Everything a cycle changes is one write transaction; a cycle with nothing to
//! settle and nothing to claim writes nothing, so an idle or a waiting deliverer never takes the
//! file's write lock.

use super::lease::{
    dead_claimers, free_dead_claims, kept_by_other, lease_of, record_key, take_lease,
};
use super::settle::{Settle, settle};
use super::{Failure, Item, Scope, Store, exec, one, pacing_key};
use crate::core::error::Result;
use crate::core::request::Endpoint;
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::HashMap;

/// Candidates looked at per claim; more are behind the ones that cannot go yet.
const CANDIDATES: i64 = 64;
/// An item whose pacing slot comes within this is claimed now and waits for its slot in the
/// worker: a backlog under the rate limit then costs one claim per batch, not one per slot.
const LOOKAHEAD_US: u64 = 100_000;

pub struct Cycle<'a> {
    pub scope: &'a Scope,
    pub holder: &'a str,
    pub lease_ms: u64,
    /// The spacing of one operation's sends (µs; 0: no limit).
    pub pace_us: u64,
    pub now: u64,
    /// How many items the deliverer can take now; 0 settles only.
    pub want: usize,
    pub settle: &'a [Settle],
    /// Mindbox is back after an outage: items waiting out their backoff become due now.
    pub release_backoff: bool,
    /// The fingerprint of the key this holder sends with.
    pub key_fp: &'a str,
    /// What Mindbox said of that key since the last cycle: refused (401, 403), or working again.
    pub key_refused: Option<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Claimed {
    pub item: Item,
    /// When the rate limit lets it go (µs since the epoch).
    pub send_at_us: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Next {
    /// More items could be claimed at once: a backlog.
    More,
    /// Nothing more may be sent before this time (ms): backoff, pacing, a claim to expire.
    At(u64),
    /// Another process delivers for this endpoint; its lease runs out at this time (ms).
    NotHolder(u64),
    /// No pending item at all.
    Idle,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cycled {
    pub claimed: Vec<Claimed>,
    pub next: Next,
}

impl Store {
    pub fn cycle(&mut self, c: &Cycle<'_>) -> Result<Cycled> {
        if c.settle.is_empty()
            && !c.release_backoff
            && c.key_refused.is_none()
            && let Some(next) = self.read(|conn| peek(conn, c))?
        {
            return Ok(Cycled {
                claimed: Vec::new(),
                next,
            });
        }
        self.write(|tx| {
            for s in c.settle {
                settle(tx, s, c.now)?;
            }
            if let Some(refused) = c.key_refused {
                record_key(tx, c, refused)?;
            }
            if c.release_backoff {
                exec(
                    tx,
                    "UPDATE items SET next_attempt_at = ?3
                     WHERE endpoint_id = ?1 AND base_url = ?2 AND status = 'pending'
                       AND next_attempt_at > ?3",
                    params![c.scope.endpoint_id, c.scope.base_url, c.now as i64],
                )?;
            }
            if c.want == 0 {
                return next_event(tx, c, None).map(|next| Cycled {
                    claimed: Vec::new(),
                    next,
                });
            }
            if let Some(until) = take_lease(tx, c)? {
                return Ok(Cycled {
                    claimed: Vec::new(),
                    next: Next::NotHolder(until),
                });
            }
            free_dead_claims(tx, c)?;
            claim(tx, c)
        })
    }
}

/// Decides without writing whether a cycle has anything to do: `Some` is the answer when it
/// has not.
fn peek(conn: &Connection, c: &Cycle<'_>) -> rusqlite::Result<Option<Next>> {
    if let Some(lease) = lease_of(conn, c.scope)? {
        if kept_by_other(conn, c, &lease)? {
            return Ok(Some(Next::NotHolder(lease.expires)));
        }
        if lease.holder != c.holder || lease.key_fp != c.key_fp {
            return Ok(None);
        }
    }
    if c.want == 0 {
        return next_event(conn, c, None).map(Some);
    }
    if !dead_claimers(conn, c)?.is_empty() {
        return Ok(None);
    }
    let (ready, wait) = claimable(conn, c)?;
    Ok(if ready {
        None
    } else {
        Some(next_event(conn, c, wait)?)
    })
}

/// Items due, unclaimed and first of their ordering key within the endpoint, oldest due first.
fn candidates(conn: &Connection, c: &Cycle<'_>) -> rusqlite::Result<Vec<(i64, String, Endpoint)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT i.id, i.operation, i.endpoint FROM items i
         WHERE i.endpoint_id = ?1 AND i.base_url = ?2 AND i.status = 'pending'
           AND i.next_attempt_at <= ?3
           AND (i.claim_expires_at IS NULL OR i.claim_expires_at <= ?3)
           AND NOT EXISTS (SELECT 1 FROM items e
                           WHERE e.endpoint_id = i.endpoint_id AND e.base_url = i.base_url
                             AND e.ordering_key = i.ordering_key AND e.id < i.id
                             AND e.status = 'pending')
         ORDER BY i.next_attempt_at, i.id LIMIT ?4",
    )?;
    let rows = stmt.query_map(
        params![
            c.scope.endpoint_id,
            c.scope.base_url,
            c.now as i64,
            CANDIDATES
        ],
        // A malformed row is still a candidate: the claim parks it.
        |r| {
            let text = |i| r.get::<_, String>(i).unwrap_or_default();
            let endpoint = Endpoint::parse(&text(2)).unwrap_or(Endpoint::Async);
            Ok((r.get(0)?, text(1), endpoint))
        },
    )?;
    rows.collect()
}

/// The pacing grid of one operation: its next free slot (µs), and where the grid goes from it.
struct Slots<'c> {
    conn: &'c Connection,
    pace_us: u64,
    now_us: u64,
    next: HashMap<String, u64>,
}

impl Slots<'_> {
    /// The slot an item of `key` would get, if it comes within the lookahead.
    fn slot(&mut self, key: &str) -> rusqlite::Result<std::result::Result<u64, u64>> {
        let next = match self.next.get(key) {
            Some(s) => *s,
            None => {
                let s: Option<i64> = one(
                    self.conn,
                    "SELECT next_slot_us FROM pacing WHERE key = ?1",
                    [key],
                    |r| r.get(0),
                )
                .optional()?;
                let s = s.map_or(0, |s| s as u64);
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
        }
    }
}

/// Whether anything could be claimed now, else the earliest pacing slot that holds items back.
fn claimable(conn: &Connection, c: &Cycle<'_>) -> rusqlite::Result<(bool, Option<u64>)> {
    let mut slots = Slots {
        conn,
        pace_us: c.pace_us,
        now_us: c.now * 1000,
        next: HashMap::new(),
    };
    let mut wait: Option<u64> = None;
    for (_, operation, endpoint) in candidates(conn, c)? {
        match slots.slot(&pacing_key(c.scope, &operation, endpoint))? {
            Ok(_) => return Ok((true, None)),
            Err(slot) => wait = Some(wait.map_or(slot, |w| w.min(slot))),
        }
    }
    Ok((false, wait.map(|us| us.div_ceil(1000))))
}

fn claim(tx: &Connection, c: &Cycle<'_>) -> rusqlite::Result<Cycled> {
    let mut slots = Slots {
        conn: tx,
        pace_us: c.pace_us,
        now_us: c.now * 1000,
        next: HashMap::new(),
    };
    let candidates = candidates(tx, c)?;
    let mut claimed = Vec::new();
    let mut wait: Option<u64> = None;
    let mut left_over = false;
    for (id, operation, endpoint) in candidates {
        if claimed.len() == c.want {
            left_over = true;
            break;
        }
        let key = pacing_key(c.scope, &operation, endpoint);
        let send_at_us = match slots.slot(&key)? {
            Ok(slot) => slot,
            Err(slot) => {
                wait = Some(wait.map_or(slot, |w| w.min(slot)));
                continue;
            }
        };
        let decoded = one(
            tx,
            "UPDATE items SET claimed_by = ?2, claim_expires_at = ?3 WHERE id = ?1
             RETURNING id, operation, endpoint, body, transaction_id, device_uuid, customer_ip, attempts",
            params![id, c.holder, (c.now + c.lease_ms) as i64],
            |r| Ok(decode(r)),
        )?;
        match decoded {
            Ok(item) => {
                slots.take(&key, send_at_us);
                claimed.push(Claimed { item, send_at_us });
            }
            Err(wrong) => park_malformed(tx, id, &wrong, c.now)?,
        }
    }
    if c.pace_us > 0 {
        for (key, next) in &slots.next {
            exec(
                tx,
                "INSERT INTO pacing (key, next_slot_us) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET next_slot_us = excluded.next_slot_us",
                params![key, *next as i64],
            )?;
        }
    }
    let next = if left_over {
        Next::More
    } else {
        next_event(tx, c, wait.map(|us| us.div_ceil(1000)))?
    };
    Ok(Cycled { claimed, next })
}

/// An item as the shop's `send()` wrote it; a row that is not (a hand edit, a bad restore, a
/// file another program wrote into) says which column is wrong.
fn decode(r: &rusqlite::Row<'_>) -> std::result::Result<Item, rusqlite::Error> {
    Ok(Item {
        id: r.get(0)?,
        operation: r.get(1)?,
        endpoint: Endpoint::parse(&r.get::<_, String>(2)?).unwrap_or(Endpoint::Async),
        body: r.get(3)?,
        transaction_id: r.get(4)?,
        device_uuid: r.get(5)?,
        customer_ip: r.get(6)?,
        attempts: r.get(7)?,
    })
}

/// A row that cannot be read must not stop delivery of all the others: it is parked with the
/// reason, for the admin to see, and never sent.
fn park_malformed(
    tx: &Connection,
    id: i64,
    wrong: &rusqlite::Error,
    now: u64,
) -> rusqlite::Result<()> {
    let failure = Failure {
        message: format!("malformed outbox row, not sent: {wrong}"),
        ..Failure::default()
    };
    settle(
        tx,
        &Settle::Park {
            id,
            attempts: 0,
            failure,
        },
        now,
    )
}

/// When something may next be sent: the earliest retry, claim expiry or pacing slot.
fn next_event(conn: &Connection, c: &Cycle<'_>, pacing_ms: Option<u64>) -> rusqlite::Result<Next> {
    let (next_due, next_expiry): (Option<i64>, Option<i64>) = one(
        conn,
        "SELECT (SELECT MIN(next_attempt_at) FROM items
                 WHERE endpoint_id = ?1 AND base_url = ?2 AND status = 'pending' AND next_attempt_at > ?3),
                (SELECT MIN(claim_expires_at) FROM items
                 WHERE claimed_by IS NOT NULL AND claim_expires_at > ?3
                   AND endpoint_id = ?1 AND base_url = ?2)",
        params![c.scope.endpoint_id, c.scope.base_url, c.now as i64],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let earliest = [
        next_due.map(|t| t as u64),
        next_expiry.map(|t| t as u64),
        pacing_ms,
    ]
    .into_iter()
    .flatten()
    .min();
    if let Some(t) = earliest {
        return Ok(Next::At(t));
    }
    let any: bool = one(
        conn,
        "SELECT EXISTS (SELECT 1 FROM items
                        WHERE endpoint_id = ?1 AND base_url = ?2 AND status = 'pending')",
        params![c.scope.endpoint_id, c.scope.base_url],
        |r| r.get(0),
    )?;
    // Pending and due, but each behind an earlier item of its key that is in flight.
    Ok(if any {
        Next::At(c.now + 100)
    } else {
        Next::Idle
    })
}
