//! The storage interface on MySQL/MariaDB: the same reads and writes as the SQLite file's, in
//! MySQL's dialect (no `UPDATE … RETURNING`, `ON DUPLICATE KEY`, `GREATEST`). Inside a writing
//! transaction the endpoint's lease row is read `FOR UPDATE`: it is what serialises the cluster's
//! deliverers, as `BEGIN IMMEDIATE` serialises the processes of one machine on SQLite.

use super::schema::{Tables, ms};
use super::{inspect, moves, refusals};
use crate::endpoint::Endpoint;
use crate::outbox::item::{FailedItem, Failure, Item, Scope};
use crate::outbox::rows::{Candidate, Counts, Fallible, Lease, Malformed, Movable, Refusal, Rows};
use mysql::prelude::Queryable;
use mysql::{Row, Value};

pub(crate) struct MysqlRows<'q, Q: Queryable> {
    pub(crate) q: &'q mut Q,
    pub(crate) tables: &'q Tables,
    /// In a writing transaction: lock the lease row before deciding on it.
    pub(crate) locking: bool,
}

impl<Q: Queryable> Rows for MysqlRows<'_, Q> {
    fn lease(&mut self, scope: &Scope) -> Fallible<Option<Lease>> {
        let name = scope.lease_name();
        let select = format!(
            "SELECT holder, expires_at, key_fp, heartbeat_at FROM {} WHERE name = ?{}",
            self.tables.leases,
            if self.locking { " FOR UPDATE" } else { "" }
        );
        let mut row: Option<(String, i64, String, i64)> = self.q.exec_first(&select, (&name,))?;
        if row.is_none() && self.locking {
            // A row to lock before anyone held the lease: a lock on the gap would let two nodes
            // both insert. Made only when missing: inserting over an existing row takes a shared
            // lock first, and two nodes upgrading theirs at once deadlock.
            self.q.exec_drop(
                format!(
                    "INSERT IGNORE INTO {} (name, holder, expires_at, key_fp) VALUES (?, '', 0, '')",
                    self.tables.leases
                ),
                (&name,),
            )?;
            row = self.q.exec_first(&select, (&name,))?;
        }
        Ok(row.filter(|(holder, _, _, _)| !holder.is_empty()).map(
            |(holder, expires, key_fp, heartbeat)| Lease {
                holder,
                expires: expires.max(0) as u64,
                key_fp,
                heartbeat: Some(heartbeat.max(0) as u64),
            },
        ))
    }

    fn put_lease(
        &mut self,
        scope: &Scope,
        holder: &str,
        expires: u64,
        key_fp: &str,
        now: u64,
    ) -> Fallible<()> {
        self.q.exec_drop(
            format!(
                "INSERT INTO {} (name, holder, expires_at, key_fp, heartbeat_at) VALUES (?, ?, ?, ?, ?)
                 ON DUPLICATE KEY UPDATE holder = VALUES(holder), expires_at = VALUES(expires_at),
                     key_fp = VALUES(key_fp), heartbeat_at = VALUES(heartbeat_at)",
                self.tables.leases
            ),
            (scope.lease_name(), holder, ms(expires), key_fp, ms(now)),
        )?;
        Ok(())
    }

    fn refusal(&mut self, scope: &Scope, key_fp: &str) -> Fallible<Option<Refusal>> {
        refusals::get(self.q, self.tables, scope, key_fp)
    }

    fn put_refusal(
        &mut self,
        scope: &Scope,
        key_fp: &str,
        refusal: Option<&Refusal>,
    ) -> Fallible<()> {
        refusals::put(self.q, self.tables, scope, key_fp, refusal)
    }

    fn make_due(&mut self, scope: &Scope, now: u64, refused_only: bool) -> Fallible<()> {
        let refused = if refused_only {
            " AND http_status IN (401, 403)"
        } else {
            ""
        };
        self.q.exec_drop(
            format!(
                "UPDATE {} SET next_attempt_at = ?
                 WHERE endpoint_id = ? AND base_url = ? AND status = 'pending'{refused}
                   AND next_attempt_at > ? AND not_before <= ?",
                self.tables.items
            ),
            (
                ms(now),
                &scope.endpoint_id,
                &scope.base_url,
                ms(now),
                ms(now),
            ),
        )?;
        Ok(())
    }

    fn candidates(&mut self, scope: &Scope, now: u64, limit: usize) -> Fallible<Vec<Candidate>> {
        let rows: Vec<(i64, Option<String>, Option<String>)> = self.q.exec(
            candidates_sql(self.tables),
            (
                &scope.endpoint_id,
                &scope.base_url,
                ms(now),
                ms(now),
                limit as u64,
            ),
        )?;
        Ok(rows
            .into_iter()
            .map(|(id, operation, endpoint)| Candidate {
                id,
                operation: operation.unwrap_or_default(),
                endpoint: Endpoint::parse(&endpoint.unwrap_or_default()).unwrap_or(Endpoint::Async),
            })
            .collect())
    }

    fn pacing(&mut self, key: &str) -> Fallible<Option<u64>> {
        let slot: Option<i64> = self.q.exec_first(
            format!(
                "SELECT next_slot_us FROM {} WHERE pacing_key = ?",
                self.tables.pacing
            ),
            (key,),
        )?;
        Ok(slot.map(|s| s.max(0) as u64))
    }

    fn set_pacing(&mut self, key: &str, next_us: u64, keep_later: bool) -> Fallible<()> {
        let update = if keep_later {
            "GREATEST(next_slot_us, VALUES(next_slot_us))"
        } else {
            "VALUES(next_slot_us)"
        };
        self.q.exec_drop(
            format!(
                "INSERT INTO {} (pacing_key, next_slot_us) VALUES (?, ?)
                 ON DUPLICATE KEY UPDATE next_slot_us = {update}",
                self.tables.pacing
            ),
            (key, next_us as i64),
        )?;
        Ok(())
    }

    fn claim(
        &mut self,
        id: i64,
        holder: &str,
        expires: u64,
    ) -> Fallible<std::result::Result<Item, String>> {
        self.q.exec_drop(
            format!(
                "UPDATE {} SET claimed_by = ?, claim_expires_at = ? WHERE id = ?",
                self.tables.items
            ),
            (holder, ms(expires), id),
        )?;
        let row: Option<Row> = self.q.exec_first(
            format!(
                // FOR UPDATE reads the row as it is now, not as the transaction's snapshot
                // has it: an item withdrawn since the candidates were read must not be sent.
                "SELECT id, operation, endpoint, body, transaction_id, device_uuid, customer_ip, attempts
                 FROM {} WHERE id = ? FOR UPDATE",
                self.tables.items
            ),
            (id,),
        )?;
        Ok(row.map_or_else(|| Err(format!("item {id} is gone")), decode))
    }

    fn claimers(&mut self, scope: &Scope, now: u64) -> Fallible<Vec<String>> {
        Ok(self.q.exec(
            format!(
                "SELECT DISTINCT claimed_by FROM {} WHERE claimed_by IS NOT NULL
                   AND claim_expires_at > ? AND endpoint_id = ? AND base_url = ?",
                self.tables.items
            ),
            (ms(now), &scope.endpoint_id, &scope.base_url),
        )?)
    }

    fn release_claims_of(&mut self, holder: &str) -> Fallible<()> {
        self.q.exec_drop(
            format!(
                "UPDATE {} SET claimed_by = NULL, claim_expires_at = NULL WHERE claimed_by = ?",
                self.tables.items
            ),
            (holder,),
        )?;
        Ok(())
    }

    fn next_times(&mut self, scope: &Scope, now: u64) -> Fallible<(Option<u64>, Option<u64>)> {
        let row: Option<(Option<i64>, Option<i64>)> = self.q.exec_first(
            format!(
                "SELECT (SELECT MIN(next_attempt_at) FROM {items}
                         WHERE endpoint_id = ? AND base_url = ? AND status = 'pending' AND next_attempt_at > ?),
                        (SELECT MIN(claim_expires_at) FROM {items}
                         WHERE claimed_by IS NOT NULL AND claim_expires_at > ?
                           AND endpoint_id = ? AND base_url = ?)",
                items = self.tables.items
            ),
            (
                &scope.endpoint_id,
                &scope.base_url,
                ms(now),
                ms(now),
                &scope.endpoint_id,
                &scope.base_url,
            ),
        )?;
        let (due, expiry) = row.unwrap_or((None, None));
        Ok((due.map(|t| t as u64), expiry.map(|t| t as u64)))
    }

    fn any_pending(&mut self, scope: &Scope) -> Fallible<bool> {
        let found: Option<i64> = self.q.exec_first(
            format!(
                "SELECT 1 FROM {} WHERE endpoint_id = ? AND base_url = ? AND status = 'pending' LIMIT 1",
                self.tables.items
            ),
            (&scope.endpoint_id, &scope.base_url),
        )?;
        Ok(found.is_some())
    }

    fn delete(&mut self, id: i64) -> Fallible<()> {
        self.q.exec_drop(
            format!("DELETE FROM {} WHERE id = ?", self.tables.items),
            (id,),
        )?;
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
        let params: Vec<Value> = vec![
            status.into(),
            attempts.into(),
            ms(next_attempt_at).into(),
            f.http_status.into(),
            f.mindbox_status.clone().into(),
            f.error_id.clone().into(),
            f.message.clone().into(),
            ms(now).into(),
            id.into(),
        ];
        self.q.exec_drop(
            format!(
                "UPDATE {} SET status = ?, attempts = ?, next_attempt_at = ?, claimed_by = NULL,
                     claim_expires_at = NULL, http_status = ?, mindbox_status = ?, error_id = ?,
                     last_error = ?, updated_at = ?
                 WHERE id = ?",
                self.tables.items
            ),
            params,
        )?;
        Ok(())
    }

    fn release(&mut self, id: i64) -> Fallible<()> {
        self.q.exec_drop(
            format!(
                "UPDATE {} SET claimed_by = NULL, claim_expires_at = NULL WHERE id = ?",
                self.tables.items
            ),
            (id,),
        )?;
        Ok(())
    }

    fn counts(&mut self, scope: &Scope) -> Fallible<Counts> {
        inspect::counts(self.q, self.tables, scope)
    }

    fn last_error(&mut self, scope: &Scope) -> Fallible<Option<String>> {
        inspect::last_error(self.q, self.tables, scope)
    }

    fn failed_page(
        &mut self,
        scope: &Scope,
        limit: u32,
        after_id: i64,
    ) -> Fallible<Vec<FailedItem>> {
        inspect::failed_page(self.q, self.tables, scope, limit, after_id)
    }

    fn retry(&mut self, scope: &Scope, ids: Option<&[i64]>, now: u64) -> Fallible<usize> {
        inspect::retry(self.q, self.tables, scope, ids, now)
    }

    fn scopes(&mut self) -> Fallible<Vec<Scope>> {
        moves::scopes(self.q, self.tables)
    }

    fn pending_page(
        &mut self,
        after_id: i64,
        limit: usize,
    ) -> Fallible<Vec<std::result::Result<Movable, Malformed>>> {
        moves::pending_page(self.q, self.tables, after_id, limit)
    }

    fn insert_moved(&mut self, item: &Movable, now: u64) -> Fallible<()> {
        moves::insert_moved(self.q, self.tables, item, now)
    }
}

/// The items a cycle may claim: due, unclaimed, and first of their ordering key. The look for an
/// earlier item of a key names its index: on statistics older than a backlog (a new table filled
/// by an outage; the server refreshes them in the background, late) MariaDB took
/// `items_updated`, whose prefix is only the endpoint, and read every item for each candidate:
/// 9 ms a look at 12,000 pending, most of a drain's server time.
pub(super) fn candidates_sql(t: &Tables) -> String {
    format!(
        "SELECT i.id, i.operation, i.endpoint FROM {items} i
         WHERE i.endpoint_id = ? AND i.base_url = ? AND i.status = 'pending'
           AND i.next_attempt_at <= ?
           AND (i.claim_expires_at IS NULL OR i.claim_expires_at <= ?)
           AND NOT EXISTS (SELECT 1 FROM {items} e FORCE INDEX (items_key)
                           WHERE e.endpoint_id = i.endpoint_id AND e.base_url = i.base_url
                             AND e.ordering_hash = i.ordering_hash AND e.id < i.id
                             AND e.status = 'pending')
         ORDER BY i.next_attempt_at, i.id LIMIT ?",
        items = t.items
    )
}

/// An item as the shop's `send()` wrote it, or which column is not (a hand edit, a bad restore).
fn decode(mut row: Row) -> std::result::Result<Item, String> {
    fn take<T: mysql::prelude::FromValue>(
        row: &mut Row,
        i: usize,
        name: &str,
    ) -> std::result::Result<T, String> {
        match row.take_opt::<T, usize>(i) {
            Some(Ok(value)) => Ok(value),
            _ => Err(format!("column {name} cannot be read")),
        }
    }
    Ok(Item {
        id: take(&mut row, 0, "id")?,
        operation: take(&mut row, 1, "operation")?,
        endpoint: Endpoint::parse(&take::<String>(&mut row, 2, "endpoint")?)
            .unwrap_or(Endpoint::Async),
        body: take(&mut row, 3, "body")?,
        transaction_id: take(&mut row, 4, "transaction_id")?,
        device_uuid: take(&mut row, 5, "device_uuid")?,
        customer_ip: take(&mut row, 6, "customer_ip")?,
        attempts: take(&mut row, 7, "attempts")?,
    })
}
