//! The endpoint's lease and the claims of dead holders: one process at a time delivers for an
//! endpoint, and what a dead one had in hand is free again at once.

use super::cycle::Cycle;
use super::{Scope, exec, one};
use crate::core::outbox::holder;
use rusqlite::{Connection, OptionalExtension, params};

pub(super) fn lease_of(
    conn: &Connection,
    scope: &Scope,
) -> rusqlite::Result<Option<(String, u64)>> {
    one(
        conn,
        "SELECT holder, expires_at FROM leases WHERE name = ?1",
        [scope.lease_name()],
        |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)),
    )
    .optional()
}

/// Takes or renews the lease; `Some(expiry)` when another live process holds it. A holder
/// that died loses its claims with its lease: nobody else will answer for them.
pub(super) fn take_lease(tx: &Connection, c: &Cycle<'_>) -> rusqlite::Result<Option<u64>> {
    let lease = lease_of(tx, c.scope)?;
    let holds = matches!(&lease, Some((h, _)) if h == c.holder);
    let expires = lease.as_ref().map_or(0, |(_, e)| *e);
    if let Some((other, _)) = lease.as_ref().filter(|_| !holds) {
        if expires > c.now && !holder::is_dead(other) {
            return Ok(Some(expires));
        }
        if holder::is_dead(other) {
            release_claims_of(tx, other)?;
        }
    }
    // Renewed when a third of it is used, not on every claim.
    if !holds || expires < c.now + c.lease_ms * 2 / 3 {
        exec(
            tx,
            "INSERT INTO leases (name, holder, expires_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at",
            params![c.scope.lease_name(), c.holder, (c.now + c.lease_ms) as i64],
        )?;
    }
    Ok(None)
}

/// Holders of unexpired claims of the endpoint that are known to be dead (a holder that left
/// its lease and then died with requests in hand, say).
pub(super) fn dead_claimers(conn: &Connection, c: &Cycle<'_>) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT claimed_by FROM items
         WHERE claimed_by IS NOT NULL AND claim_expires_at > ?3
           AND endpoint_id = ?1 AND base_url = ?2",
    )?;
    let holders = stmt
        .query_map(
            params![c.scope.endpoint_id, c.scope.base_url, c.now as i64],
            |r| r.get::<_, String>(0),
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(holders
        .into_iter()
        .filter(|h| h != c.holder && holder::is_dead(h))
        .collect())
}

pub(super) fn free_dead_claims(tx: &Connection, c: &Cycle<'_>) -> rusqlite::Result<()> {
    for dead in dead_claimers(tx, c)? {
        release_claims_of(tx, &dead)?;
    }
    Ok(())
}

pub(super) fn release_claims_of(tx: &Connection, holder: &str) -> rusqlite::Result<()> {
    exec(
        tx,
        "UPDATE items SET claimed_by = NULL, claim_expires_at = NULL WHERE claimed_by = ?1",
        [holder],
    )
    .map(drop)
}
