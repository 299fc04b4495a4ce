//! The endpoint's lease and the claims of dead holders: one process at a time delivers for an
//! endpoint, and what a dead one had in hand is free again at once. The lease also names the
//! holder's key (its fingerprint): a holder whose key Mindbox refused (401, 403) gives way to a
//! process with another key, so that a process left with an old key after a rotation neither
//! sends the others' events with it nor keeps them from going.

use super::cycle::Cycle;
use crate::outbox::holder;
use crate::outbox::rows::{Fallible, Lease, Rows};

/// How often a holder writes that it lives, where the backend keeps heartbeats (a database the
/// nodes of a cluster share); a holder silent for `SILENCE_MS` is taken for gone with its node.
/// Between the two, a holder that is only slow (a long request in hand) keeps its lease.
pub(super) const HEARTBEAT_MS: u64 = 1_000;
pub(super) const SILENCE_MS: u64 = 5_000;

/// Whether the holder is certainly gone: its process is dead, or its heartbeat fell silent.
pub(super) fn gone(lease: &Lease, now: u64) -> bool {
    holder::is_dead(&lease.holder) || lease.heartbeat.is_some_and(|h| h + SILENCE_MS <= now)
}

/// Whether this holder's lease wants a heartbeat written now.
pub(super) fn heartbeat_due(lease: &Lease, c: &Cycle<'_>) -> bool {
    lease.holder == c.holder && lease.heartbeat.is_some_and(|h| h + HEARTBEAT_MS <= c.now)
}

/// Renews the lease if this holder has it and owes a heartbeat (a cycle that claims nothing).
pub(super) fn keep_alive(rows: &mut dyn Rows, c: &Cycle<'_>) -> Fallible<()> {
    if let Some(lease) = rows.lease(c.scope)?
        && lease.key_fp == c.key_fp
        && heartbeat_due(&lease, c)
    {
        rows.put_lease(c.scope, c.holder, c.now + c.lease_ms, c.key_fp, c.now)?;
    }
    Ok(())
}

/// Whether another process holds the lease and may keep it: alive, within its lease, and with a
/// key Mindbox has not refused unless this one's is refused too.
pub(super) fn kept_by_other(rows: &mut dyn Rows, c: &Cycle<'_>, lease: &Lease) -> Fallible<bool> {
    let mine = lease.holder == c.holder && lease.key_fp == c.key_fp;
    if mine || lease.expires <= c.now || gone(lease, c.now) {
        return Ok(false);
    }
    Ok(!rows.key_refused(c.scope, &lease.key_fp)? || rows.key_refused(c.scope, c.key_fp)?)
}

/// Takes or renews the lease; `Some(expiry)` when another process keeps it. A holder that died
/// loses its claims with its lease: nobody else will answer for them.
pub(super) fn take_lease(rows: &mut dyn Rows, c: &Cycle<'_>) -> Fallible<Option<u64>> {
    let lease = rows.lease(c.scope)?;
    let holds = lease
        .as_ref()
        .is_some_and(|l| l.holder == c.holder && l.key_fp == c.key_fp);
    if let Some(other) = lease.as_ref().filter(|_| !holds) {
        if kept_by_other(rows, c, other)? {
            return Ok(Some(other.expires));
        }
        if gone(other, c.now) {
            rows.release_claims_of(&other.holder)?;
        }
        if rows.key_refused(c.scope, &other.key_fp)? {
            // What waited for a key Mindbox takes goes with this one.
            rows.make_due(c.scope, c.now, true)?;
        }
    }
    let expires = lease.as_ref().map_or(0, |l| l.expires);
    // Renewed when a third of it is used (or a heartbeat is owed), not on every claim.
    if !holds
        || expires < c.now + c.lease_ms * 2 / 3
        || lease.as_ref().is_some_and(|l| heartbeat_due(l, c))
    {
        rows.put_lease(c.scope, c.holder, c.now + c.lease_ms, c.key_fp, c.now)?;
    }
    Ok(None)
}

/// Holders of unexpired claims of the endpoint that are known to be dead (a holder that left
/// its lease and then died with requests in hand, say).
pub(super) fn dead_claimers(rows: &mut dyn Rows, c: &Cycle<'_>) -> Fallible<Vec<String>> {
    Ok(rows
        .claimers(c.scope, c.now)?
        .into_iter()
        .filter(|h| h != c.holder && holder::is_dead(h))
        .collect())
}

pub(super) fn free_dead_claims(rows: &mut dyn Rows, c: &Cycle<'_>) -> Fallible<()> {
    for dead in dead_claimers(rows, c)? {
        rows.release_claims_of(&dead)?;
    }
    Ok(())
}
