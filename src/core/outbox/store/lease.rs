//! The endpoint's lease and the claims of dead holders: one process at a time delivers for an
//! endpoint, and what a dead one had in hand is free again at once. The lease also names the
//! holder's key (its fingerprint): a holder whose key Mindbox refused (401, 403) gives way to a
//! process with another key, so that a process left with an old key after a rotation neither
//! sends the others' events with it nor keeps them from going.

use super::cycle::Cycle;
use super::{Scope, exec, one};
use crate::core::outbox::holder;
use rusqlite::{Connection, OptionalExtension, params};

pub(super) struct Lease {
    pub holder: String,
    pub expires: u64,
    pub key_fp: String,
}

pub(super) fn lease_of(conn: &Connection, scope: &Scope) -> rusqlite::Result<Option<Lease>> {
    one(
        conn,
        "SELECT holder, expires_at, key_fp FROM leases WHERE name = ?1",
        [scope.lease_name()],
        |r| {
            Ok(Lease {
                holder: r.get(0)?,
                expires: r.get::<_, i64>(1)? as u64,
                key_fp: r.get(2)?,
            })
        },
    )
    .optional()
}

pub(super) fn key_refused(
    conn: &Connection,
    scope: &Scope,
    key_fp: &str,
) -> rusqlite::Result<bool> {
    one(
        conn,
        "SELECT EXISTS (SELECT 1 FROM credentials WHERE lease_name = ?1 AND key_fp = ?2)",
        params![scope.lease_name(), key_fp],
        |r| r.get(0),
    )
}

/// Whether another process holds the lease and may keep it: alive, within its lease, and with a
/// key Mindbox has not refused unless this one's is refused too.
pub(super) fn kept_by_other(
    conn: &Connection,
    c: &Cycle<'_>,
    lease: &Lease,
) -> rusqlite::Result<bool> {
    let mine = lease.holder == c.holder && lease.key_fp == c.key_fp;
    if mine || lease.expires <= c.now || holder::is_dead(&lease.holder) {
        return Ok(false);
    }
    Ok(!key_refused(conn, c.scope, &lease.key_fp)? || key_refused(conn, c.scope, c.key_fp)?)
}

/// Records what Mindbox said of this holder's key; a key that works again lets the items that
/// waited for one go at once.
pub(super) fn record_key(tx: &Connection, c: &Cycle<'_>, refused: bool) -> rusqlite::Result<()> {
    if refused {
        exec(
            tx,
            "INSERT OR REPLACE INTO credentials (lease_name, key_fp, refused_at) VALUES (?1, ?2, ?3)",
            params![c.scope.lease_name(), c.key_fp, c.now as i64],
        )?;
        return Ok(());
    }
    exec(
        tx,
        "DELETE FROM credentials WHERE lease_name = ?1 AND key_fp = ?2",
        params![c.scope.lease_name(), c.key_fp],
    )?;
    release_refused(tx, c)
}

fn release_refused(tx: &Connection, c: &Cycle<'_>) -> rusqlite::Result<()> {
    exec(
        tx,
        "UPDATE items SET next_attempt_at = ?3
         WHERE endpoint_id = ?1 AND base_url = ?2 AND status = 'pending' AND http_status IN (401, 403)
           AND next_attempt_at > ?3",
        params![c.scope.endpoint_id, c.scope.base_url, c.now as i64],
    )
    .map(drop)
}

/// Takes or renews the lease; `Some(expiry)` when another process keeps it. A holder that died
/// loses its claims with its lease: nobody else will answer for them.
pub(super) fn take_lease(tx: &Connection, c: &Cycle<'_>) -> rusqlite::Result<Option<u64>> {
    let lease = lease_of(tx, c.scope)?;
    let holds = lease
        .as_ref()
        .is_some_and(|l| l.holder == c.holder && l.key_fp == c.key_fp);
    if let Some(other) = lease.as_ref().filter(|_| !holds) {
        if kept_by_other(tx, c, other)? {
            return Ok(Some(other.expires));
        }
        if holder::is_dead(&other.holder) {
            release_claims_of(tx, &other.holder)?;
        }
        if key_refused(tx, c.scope, &other.key_fp)? {
            // What waited for a key Mindbox takes goes with this one.
            release_refused(tx, c)?;
        }
    }
    let expires = lease.as_ref().map_or(0, |l| l.expires);
    // Renewed when a third of it is used, not on every claim.
    if !holds || expires < c.now + c.lease_ms * 2 / 3 {
        exec(
            tx,
            "INSERT INTO leases (name, holder, expires_at, key_fp) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (name) DO UPDATE SET holder = excluded.holder,
                 expires_at = excluded.expires_at, key_fp = excluded.key_fp",
            params![
                c.scope.lease_name(),
                c.holder,
                (c.now + c.lease_ms) as i64,
                c.key_fp
            ],
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
