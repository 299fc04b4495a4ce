//! The storage interface on SQLite: every query of the outbox file.

use super::{inspect, moves};
use crate::endpoint::Endpoint;
use crate::outbox::item::{FailedItem, Failure, Item, Scope};
use crate::outbox::rows::{Candidate, Counts, Fallible, Lease, Malformed, Movable, Refusal, Rows};
use rusqlite::{Connection, OptionalExtension, params};

/// Every statement of the outbox runs thousands of times a second under load: parsed and
/// planned once per connection, not per call.
pub(super) fn exec(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> rusqlite::Result<usize> {
    conn.prepare_cached(sql)?.execute(params)
}

// The claims in hand are few, the pending items many: these look through the claims' partial
// index. Left to itself, the planner takes the endpoint's equalities on `items_due` instead and
// reads every pending row, milliseconds a cycle on a deep outbox, with sends waiting behind it.
// A unary `+` keeps a column's term out of index choice.
pub(super) const CLAIMERS: &str = "SELECT DISTINCT claimed_by FROM items
     WHERE claimed_by IS NOT NULL AND claim_expires_at > ?3
       AND +endpoint_id = ?1 AND +base_url = ?2";
pub(super) const NEXT_TIMES: &str = "SELECT (SELECT MIN(next_attempt_at) FROM items
         WHERE endpoint_id = ?1 AND base_url = ?2 AND status = 'pending' AND next_attempt_at > ?3),
        (SELECT MIN(claim_expires_at) FROM items
         WHERE claimed_by IS NOT NULL AND claim_expires_at > ?3
           AND +endpoint_id = ?1 AND +base_url = ?2)";

pub(super) struct Sqlite<'c>(pub(super) &'c Connection);

impl Sqlite<'_> {
    fn one<T>(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
        row: impl FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> rusqlite::Result<T> {
        self.0.prepare_cached(sql)?.query_row(params, row)
    }
}

impl Rows for Sqlite<'_> {
    fn lease(&mut self, scope: &Scope) -> Fallible<Option<Lease>> {
        Ok(self
            .one(
                "SELECT holder, expires_at, key_fp FROM leases WHERE name = ?1",
                [scope.lease_name()],
                |r| {
                    Ok(Lease {
                        holder: r.get(0)?,
                        expires: r.get::<_, i64>(1)? as u64,
                        key_fp: r.get(2)?,
                        // One machine's processes: /proc tells whether a holder lives.
                        heartbeat: None,
                    })
                },
            )
            .optional()?)
    }

    fn put_lease(
        &mut self,
        scope: &Scope,
        holder: &str,
        expires: u64,
        key_fp: &str,
        _now: u64,
    ) -> Fallible<()> {
        exec(
            self.0,
            "INSERT INTO leases (name, holder, expires_at, key_fp) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (name) DO UPDATE SET holder = excluded.holder,
                 expires_at = excluded.expires_at, key_fp = excluded.key_fp",
            params![scope.lease_name(), holder, expires as i64, key_fp],
        )?;
        Ok(())
    }

    fn refusal(&mut self, scope: &Scope, key_fp: &str) -> Fallible<Option<Refusal>> {
        Ok(self
            .one(
                "SELECT refused_at, probe_interval, probed_at, probe_at FROM credentials
                 WHERE lease_name = ?1 AND key_fp = ?2",
                params![scope.lease_name(), key_fp],
                |r| {
                    Ok(Refusal {
                        refused_at: r.get::<_, i64>(0)? as u64,
                        interval_ms: r.get::<_, i64>(1)? as u64,
                        probed_at: r.get::<_, i64>(2)? as u64,
                        probe_at: r.get::<_, i64>(3)? as u64,
                    })
                },
            )
            .optional()?)
    }

    fn put_refusal(
        &mut self,
        scope: &Scope,
        key_fp: &str,
        refusal: Option<&Refusal>,
    ) -> Fallible<()> {
        match refusal {
            Some(r) => exec(
                self.0,
                "INSERT OR REPLACE INTO credentials
                     (lease_name, key_fp, refused_at, probe_interval, probed_at, probe_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    scope.lease_name(),
                    key_fp,
                    r.refused_at as i64,
                    r.interval_ms as i64,
                    r.probed_at as i64,
                    r.probe_at as i64
                ],
            )?,
            None => exec(
                self.0,
                "DELETE FROM credentials WHERE lease_name = ?1 AND key_fp = ?2",
                params![scope.lease_name(), key_fp],
            )?,
        };
        Ok(())
    }

    fn make_due(&mut self, scope: &Scope, now: u64, refused_only: bool) -> Fallible<()> {
        let args = params![scope.endpoint_id, scope.base_url, now as i64];
        if refused_only {
            exec(self.0,
                "UPDATE items SET next_attempt_at = ?3
                 WHERE endpoint_id = ?1 AND base_url = ?2 AND status = 'pending' AND http_status IN (401, 403)
                   AND next_attempt_at > ?3 AND not_before <= ?3",
                args,
            )?;
        } else {
            exec(
                self.0,
                "UPDATE items SET next_attempt_at = ?3
                 WHERE endpoint_id = ?1 AND base_url = ?2 AND status = 'pending'
                   AND next_attempt_at > ?3 AND not_before <= ?3",
                args,
            )?;
        }
        Ok(())
    }

    fn candidates(&mut self, scope: &Scope, now: u64, limit: usize) -> Fallible<Vec<Candidate>> {
        let mut stmt = self.0.prepare_cached(
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
            params![scope.endpoint_id, scope.base_url, now as i64, limit as i64],
            // A malformed row is still a candidate: the claim parks it.
            |r| {
                let text = |i| r.get::<_, String>(i).unwrap_or_default();
                Ok(Candidate {
                    id: r.get(0)?,
                    operation: text(1),
                    endpoint: Endpoint::parse(&text(2)).unwrap_or(Endpoint::Async),
                })
            },
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn pacing(&mut self, key: &str) -> Fallible<Option<u64>> {
        let slot: Option<i64> = self
            .one(
                "SELECT next_slot_us FROM pacing WHERE key = ?1",
                [key],
                |r| r.get(0),
            )
            .optional()?;
        Ok(slot.map(|s| s as u64))
    }

    fn set_pacing(&mut self, key: &str, next_us: u64, keep_later: bool) -> Fallible<()> {
        let sql = if keep_later {
            "INSERT INTO pacing (key, next_slot_us) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET next_slot_us = max(next_slot_us, excluded.next_slot_us)"
        } else {
            "INSERT INTO pacing (key, next_slot_us) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET next_slot_us = excluded.next_slot_us"
        };
        exec(self.0, sql, params![key, next_us as i64])?;
        Ok(())
    }

    fn claim(
        &mut self,
        id: i64,
        holder: &str,
        expires: u64,
    ) -> Fallible<std::result::Result<Item, String>> {
        Ok(self.one(
            "UPDATE items SET claimed_by = ?2, claim_expires_at = ?3 WHERE id = ?1
             RETURNING id, operation, endpoint, body, transaction_id, device_uuid, customer_ip, attempts",
            params![id, holder, expires as i64],
            |r| Ok(decode(r).map_err(|wrong| wrong.to_string())),
        )?)
    }

    fn claimers(&mut self, scope: &Scope, now: u64) -> Fallible<Vec<String>> {
        let mut stmt = self.0.prepare_cached(CLAIMERS)?;
        let holders = stmt.query_map(
            params![scope.endpoint_id, scope.base_url, now as i64],
            |r| r.get::<_, String>(0),
        )?;
        Ok(holders.collect::<rusqlite::Result<_>>()?)
    }

    fn release_claims_of(&mut self, holder: &str) -> Fallible<()> {
        exec(
            self.0,
            "UPDATE items SET claimed_by = NULL, claim_expires_at = NULL WHERE claimed_by = ?1",
            [holder],
        )?;
        Ok(())
    }

    fn next_times(&mut self, scope: &Scope, now: u64) -> Fallible<(Option<u64>, Option<u64>)> {
        let (due, expiry): (Option<i64>, Option<i64>) = self.one(
            NEXT_TIMES,
            params![scope.endpoint_id, scope.base_url, now as i64],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok((due.map(|t| t as u64), expiry.map(|t| t as u64)))
    }

    fn any_pending(&mut self, scope: &Scope) -> Fallible<bool> {
        Ok(self.one(
            "SELECT EXISTS (SELECT 1 FROM items
                            WHERE endpoint_id = ?1 AND base_url = ?2 AND status = 'pending')",
            params![scope.endpoint_id, scope.base_url],
            |r| r.get(0),
        )?)
    }

    fn delete(&mut self, id: i64) -> Fallible<()> {
        exec(self.0, "DELETE FROM items WHERE id = ?1", [id])?;
        Ok(())
    }

    fn record(
        &mut self,
        id: i64,
        status: &str,
        attempts: u32,
        next_attempt_at: u64,
        f: &Failure,
        now: u64,
    ) -> Fallible<()> {
        exec(
            self.0,
            "UPDATE items SET status = ?2, attempts = ?3, next_attempt_at = ?4, claimed_by = NULL,
                 claim_expires_at = NULL, http_status = ?5, mindbox_status = ?6, error_id = ?7,
                 last_error = ?8, updated_at = ?9
             WHERE id = ?1",
            params![
                id,
                status,
                attempts,
                next_attempt_at as i64,
                f.http_status,
                f.mindbox_status,
                f.error_id,
                f.message,
                now as i64
            ],
        )?;
        Ok(())
    }

    fn release(&mut self, id: i64) -> Fallible<()> {
        exec(
            self.0,
            "UPDATE items SET claimed_by = NULL, claim_expires_at = NULL WHERE id = ?1",
            [id],
        )?;
        Ok(())
    }

    fn counts(&mut self, scope: &Scope) -> Fallible<Counts> {
        Ok(inspect::counts(self.0, scope)?)
    }

    fn last_error(&mut self, scope: &Scope) -> Fallible<Option<String>> {
        Ok(inspect::last_error(self.0, scope)?)
    }

    fn failed_page(
        &mut self,
        scope: &Scope,
        limit: u32,
        after_id: i64,
    ) -> Fallible<Vec<FailedItem>> {
        Ok(inspect::failed_page(self.0, scope, limit, after_id)?)
    }

    fn retry(&mut self, scope: &Scope, ids: Option<&[i64]>, now: u64) -> Fallible<usize> {
        Ok(inspect::retry(self.0, scope, ids, now)?)
    }

    fn scopes(&mut self) -> Fallible<Vec<Scope>> {
        Ok(moves::scopes(self.0)?)
    }

    fn pending_page(
        &mut self,
        after_id: i64,
        limit: usize,
    ) -> Fallible<Vec<std::result::Result<Movable, Malformed>>> {
        Ok(moves::pending_page(self.0, after_id, limit)?)
    }

    fn insert_moved(&mut self, item: &Movable, now: u64) -> Fallible<()> {
        Ok(moves::insert_moved(self.0, item, now)?)
    }
}

/// An item as the shop's `send()` wrote it; a row that is not (a hand edit, a bad restore, a
/// file another program wrote into) says which column is wrong.
fn decode(r: &rusqlite::Row<'_>) -> rusqlite::Result<Item> {
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
