//! The outbox table and every query on it. One `Store` is one SQLite connection, used by one
//! thread at a time; processes coordinate through the file (WAL mode, `BEGIN IMMEDIATE`).

use super::schema;
pub use super::schema::Role;
use crate::core::config::Synchronous;
use crate::core::error::{Error, Result};
use crate::core::request::Endpoint;
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Which Mindbox endpoint a deliverer serves: an outbox may be shared by several sites.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Scope {
    pub endpoint_id: String,
    pub base_url: String,
}

impl Scope {
    fn lease_name(&self) -> String {
        format!("deliver:{}@{}", self.endpoint_id, self.base_url)
    }
}

#[derive(Debug, Clone)]
pub struct NewItem<'a> {
    pub operation: &'a str,
    pub endpoint: Endpoint,
    pub body: &'a [u8],
    pub transaction_id: &'a str,
    pub device_uuid: Option<&'a str>,
    pub customer_ip: Option<&'a str>,
    pub ordering_key: Option<&'a str>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub id: i64,
    pub operation: String,
    pub endpoint: Endpoint,
    pub body: Vec<u8>,
    pub transaction_id: String,
    pub device_uuid: Option<String>,
    pub customer_ip: Option<String>,
    pub attempts: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Claim {
    /// An item to send, and whether others were waiting behind it (a backlog worth more
    /// workers).
    Item(Item, bool),
    /// Nothing may be sent before this time (ms): backoff, pacing, or a claim to expire.
    Wait(u64),
    /// Another process delivers for this scope; its lease runs out at this time (ms).
    NotHolder(u64),
    /// No pending item at all.
    Idle,
}

/// Why an attempt did not deliver, as stored with the item.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Failure {
    pub http_status: u16,
    pub mindbox_status: Option<String>,
    pub error_id: Option<String>,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stats {
    pub pending: i64,
    pub failed: i64,
    pub oldest_pending_at: Option<u64>,
    pub last_error: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FailedItem {
    pub id: i64,
    pub operation: String,
    pub transaction_id: String,
    pub attempts: u32,
    pub failure: Failure,
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
}

/// Candidates looked at per claim; more are behind the ones that cannot go yet.
const CANDIDATES: i64 = 64;

impl Store {
    pub fn open(path: &Path, synchronous: Synchronous, role: Role) -> Result<Store> {
        Ok(Store {
            conn: schema::open(path, synchronous, role)?,
            path: path.to_path_buf(),
        })
    }

    fn fail(&self, e: rusqlite::Error) -> Error {
        Error::outbox(self.path.display().to_string(), e)
    }

    /// Runs `f` in a write transaction taken at once (`BEGIN IMMEDIATE`), so that two
    /// processes never both read and then fail to upgrade. BEGIN and COMMIT are cached
    /// statements like the rest.
    fn write<R>(&mut self, f: impl FnOnce(&Connection) -> rusqlite::Result<R>) -> Result<R> {
        exec(&self.conn, "BEGIN IMMEDIATE", []).map_err(|e| self.fail(e))?;
        match f(&self.conn).and_then(|r| exec(&self.conn, "COMMIT", []).map(|_| r)) {
            Ok(r) => Ok(r),
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(self.fail(e))
            }
        }
    }

    pub fn enqueue(&mut self, scope: &Scope, item: &NewItem<'_>, now: u64) -> Result<i64> {
        let result = exec(
            &self.conn,
            "INSERT INTO items (endpoint_id, base_url, operation, endpoint, body, transaction_id,
                device_uuid, customer_ip, ordering_key, created_at, next_attempt_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?10)",
            params![
                scope.endpoint_id,
                scope.base_url,
                item.operation,
                item.endpoint.as_str(),
                item.body,
                item.transaction_id,
                item.device_uuid,
                item.customer_ip,
                item.ordering_key,
                now as i64
            ],
        );
        result.map_err(|e| self.fail(e))?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Deletes the delivered items `done`, then takes the next item this process may send now,
    /// if it holds (or can take) the scope's lease: one write for both. Items wait for earlier
    /// pending items of their ordering key; `pace_us` spaces the sends of one operation and
    /// endpoint (0: no limit).
    pub fn claim(
        &mut self,
        scope: &Scope,
        holder: &str,
        lease_ms: u64,
        pace_us: u64,
        now: u64,
        done: &[i64],
    ) -> Result<Claim> {
        self.write(|tx| {
            delete(tx, done)?;
            claim_in(tx, scope, holder, lease_ms, pace_us, now)
        })
    }

    pub fn complete(&mut self, ids: &[i64]) -> Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        self.write(|tx| delete(tx, ids))
    }

    /// After an outage: items waiting out their backoff become due now.
    pub fn release_backoff(&mut self, scope: &Scope, now: u64) -> Result<()> {
        exec(
            &self.conn,
            "UPDATE items SET next_attempt_at = ?3
                 WHERE endpoint_id = ?1 AND base_url = ?2 AND status = 'pending'
                   AND next_attempt_at > ?3",
            params![scope.endpoint_id, scope.base_url, now as i64],
        )
        .map(drop)
        .map_err(|e| self.fail(e))
    }

    /// Back to pending after a failed attempt; `hold_operation_until` also keeps the whole
    /// operation quiet (a 429 concerns every item of it).
    pub fn reschedule(
        &mut self,
        id: i64,
        attempts: u32,
        next_attempt_at: u64,
        failure: &Failure,
        hold_operation_until: Option<(String, u64)>,
        now: u64,
    ) -> Result<()> {
        self.write(|tx| {
            record(tx, id, "pending", attempts, next_attempt_at, failure, now)?;
            if let Some((key, until)) = hold_operation_until {
                exec(tx,
                    "INSERT INTO pacing (key, next_slot_us) VALUES (?1, ?2)
                     ON CONFLICT (key) DO UPDATE SET next_slot_us = max(next_slot_us, excluded.next_slot_us)",
                    params![key, (until * 1000) as i64],
                )?;
            }
            Ok(())
        })
    }

    /// Parked: kept with its reason until someone retries it.
    pub fn park(&mut self, id: i64, attempts: u32, failure: &Failure, now: u64) -> Result<()> {
        record(&self.conn, id, "failed", attempts, now, failure, now).map_err(|e| self.fail(e))
    }

    pub fn release_lease(&mut self, scope: &Scope, holder: &str) -> Result<()> {
        exec(
            &self.conn,
            "DELETE FROM leases WHERE name = ?1 AND holder = ?2",
            params![scope.lease_name(), holder],
        )
        .map(drop)
        .map_err(|e| self.fail(e))
    }

    /// Items that are due and first in their ordering key, claimed or not: what a flush waits for.
    pub fn deliverable(&self, scope: &Scope, now: u64) -> Result<i64> {
        one(
            &self.conn,
            "SELECT COUNT(*) FROM items i
                 WHERE i.endpoint_id = ?1 AND i.base_url = ?2 AND i.status = 'pending'
                   AND i.next_attempt_at <= ?3
                   AND NOT EXISTS (SELECT 1 FROM items e WHERE e.ordering_key = i.ordering_key
                                   AND e.id < i.id AND e.status = 'pending')",
            params![scope.endpoint_id, scope.base_url, now as i64],
            |r| r.get(0),
        )
        .map_err(|e| self.fail(e))
    }

    pub fn stats(&self, scope: &Scope) -> Result<Stats> {
        let run = || -> rusqlite::Result<Stats> {
            let (pending, failed, oldest): (i64, i64, Option<i64>) = one(
                &self.conn,
                "SELECT COUNT(*) FILTER (WHERE status = 'pending'),
                        COUNT(*) FILTER (WHERE status = 'failed'),
                        MIN(created_at) FILTER (WHERE status = 'pending')
                 FROM items WHERE endpoint_id = ?1 AND base_url = ?2",
                params![scope.endpoint_id, scope.base_url],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?;
            let last_error = one(
                &self.conn,
                "SELECT last_error FROM items
                     WHERE endpoint_id = ?1 AND base_url = ?2 AND last_error IS NOT NULL
                     ORDER BY updated_at DESC, id DESC LIMIT 1",
                params![scope.endpoint_id, scope.base_url],
                |r| r.get(0),
            )
            .optional()?;
            Ok(Stats {
                pending,
                failed,
                oldest_pending_at: oldest.map(|t| t as u64),
                last_error,
            })
        };
        run().map_err(|e| self.fail(e))
    }

    pub fn failed(&self, scope: &Scope, limit: u32) -> Result<Vec<FailedItem>> {
        let run = || -> rusqlite::Result<Vec<FailedItem>> {
            let mut stmt = self.conn.prepare(
                "SELECT id, operation, transaction_id, attempts, http_status, mindbox_status,
                        error_id, last_error
                 FROM items WHERE endpoint_id = ?1 AND base_url = ?2 AND status = 'failed'
                 ORDER BY id LIMIT ?3",
            )?;
            let rows = stmt.query_map(params![scope.endpoint_id, scope.base_url, limit], |r| {
                Ok(FailedItem {
                    id: r.get(0)?,
                    operation: r.get(1)?,
                    transaction_id: r.get(2)?,
                    attempts: r.get(3)?,
                    failure: Failure {
                        http_status: r.get::<_, Option<u16>>(4)?.unwrap_or(0),
                        mindbox_status: r.get(5)?,
                        error_id: r.get(6)?,
                        message: r.get::<_, Option<String>>(7)?.unwrap_or_default(),
                    },
                })
            })?;
            rows.collect()
        };
        run().map_err(|e| self.fail(e))
    }

    /// Parked items back to pending with a fresh attempt budget; `None` retries them all.
    pub fn retry_failed(&mut self, scope: &Scope, ids: Option<&[i64]>, now: u64) -> Result<usize> {
        self.write(|tx| {
            let sql = "UPDATE items SET status = 'pending', attempts = 0, next_attempt_at = ?3,
                           claimed_by = NULL, claim_expires_at = NULL, updated_at = ?3
                       WHERE endpoint_id = ?1 AND base_url = ?2 AND status = 'failed'";
            match ids {
                None => exec(
                    tx,
                    sql,
                    params![scope.endpoint_id, scope.base_url, now as i64],
                ),
                Some(ids) => {
                    let mut stmt = tx.prepare(&format!("{sql} AND id = ?4"))?;
                    let mut changed = 0;
                    for id in ids {
                        changed += stmt.execute(params![
                            scope.endpoint_id,
                            scope.base_url,
                            now as i64,
                            id
                        ])?;
                    }
                    Ok(changed)
                }
            }
        })
    }
}

/// Every statement of the outbox runs thousands of times a second under load: parsed and
/// planned once per connection, not per call.
fn exec(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> rusqlite::Result<usize> {
    conn.prepare_cached(sql)?.execute(params)
}

fn one<T>(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
    row: impl FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    conn.prepare_cached(sql)?.query_row(params, row)
}

fn delete(conn: &Connection, ids: &[i64]) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare_cached("DELETE FROM items WHERE id = ?1")?;
    for id in ids {
        stmt.execute([id])?;
    }
    Ok(())
}

fn record(
    conn: &Connection,
    id: i64,
    status: &str,
    attempts: u32,
    next_attempt_at: u64,
    f: &Failure,
    now: u64,
) -> rusqlite::Result<()> {
    exec(
        conn,
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
    )
    .map(drop)
}

pub fn pacing_key(scope: &Scope, operation: &str, endpoint: Endpoint) -> String {
    format!("{}|{}|{}", scope.endpoint_id, operation, endpoint.as_str())
}

fn claim_in(
    tx: &Connection,
    scope: &Scope,
    holder: &str,
    lease_ms: u64,
    pace_us: u64,
    now: u64,
) -> rusqlite::Result<Claim> {
    let lease_name = scope.lease_name();
    let lease: Option<(String, i64)> = one(
        tx,
        "SELECT holder, expires_at FROM leases WHERE name = ?1",
        [&lease_name],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()?;
    let holds = matches!(&lease, Some((h, _)) if h == holder);
    let expires = lease.as_ref().map_or(0, |(_, e)| *e as u64);
    if !holds && expires > now {
        return Ok(Claim::NotHolder(expires));
    }
    // Renewed when a third of it is used, not on every claim: each renewal is a write.
    if !holds || expires < now + lease_ms * 2 / 3 {
        exec(tx,
            "INSERT INTO leases (name, holder, expires_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at",
            params![lease_name, holder, (now + lease_ms) as i64],
        )?;
    }

    let mut stmt = tx.prepare_cached(
        "SELECT i.id, i.operation, i.endpoint FROM items i
         WHERE i.endpoint_id = ?1 AND i.base_url = ?2 AND i.status = 'pending'
           AND i.next_attempt_at <= ?3
           AND (i.claim_expires_at IS NULL OR i.claim_expires_at <= ?3)
           AND NOT EXISTS (SELECT 1 FROM items e WHERE e.ordering_key = i.ordering_key
                           AND e.id < i.id AND e.status = 'pending')
         ORDER BY i.next_attempt_at, i.id LIMIT ?4",
    )?;
    let candidates: Vec<(i64, String, String)> = stmt
        .query_map(
            params![scope.endpoint_id, scope.base_url, now as i64, CANDIDATES],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?
        .collect::<rusqlite::Result<_>>()?;
    drop(stmt);

    let mut slots: HashMap<String, u64> = HashMap::new();
    let mut wait_until: Option<u64> = None;
    let backlog = candidates.len() > 1;
    for (id, operation, endpoint) in candidates {
        let endpoint = Endpoint::parse(&endpoint).unwrap_or(Endpoint::Async);
        let key = pacing_key(scope, &operation, endpoint);
        let next_slot = match slots.get(&key) {
            Some(s) => *s,
            None => {
                let s: Option<i64> = one(
                    tx,
                    "SELECT next_slot_us FROM pacing WHERE key = ?1",
                    [&key],
                    |r| r.get(0),
                )
                .optional()?;
                let s = s.map(|s| s as u64).unwrap_or(0);
                slots.insert(key.clone(), s);
                s
            }
        };
        let now_us = now * 1000;
        if next_slot > now_us {
            let slot_ms = next_slot.div_ceil(1000);
            wait_until = Some(wait_until.map_or(slot_ms, |w| w.min(slot_ms)));
            continue;
        }
        if pace_us > 0 {
            // Keep the grid when slightly late; after a quiet spell start a new one from now.
            let next = if next_slot + pace_us >= now_us {
                next_slot + pace_us
            } else {
                now_us + pace_us
            };
            exec(
                tx,
                "INSERT INTO pacing (key, next_slot_us) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET next_slot_us = excluded.next_slot_us",
                params![key, next as i64],
            )?;
        }
        exec(
            tx,
            "UPDATE items SET claimed_by = ?2, claim_expires_at = ?3 WHERE id = ?1",
            params![id, holder, (now + lease_ms) as i64],
        )?;
        let item = one(tx,
            "SELECT id, operation, endpoint, body, transaction_id, device_uuid, customer_ip, attempts
             FROM items WHERE id = ?1",
            [id],
            |r| {
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
            },
        )?;
        return Ok(Claim::Item(item, backlog));
    }

    // Both minimums come straight from an index: this runs whenever a worker finds nothing.
    let next_due: Option<i64> = one(
        tx,
        "SELECT MIN(next_attempt_at) FROM items
         WHERE endpoint_id = ?1 AND base_url = ?2 AND status = 'pending' AND next_attempt_at > ?3",
        params![scope.endpoint_id, scope.base_url, now as i64],
        |r| r.get(0),
    )?;
    let next_expiry: Option<i64> = one(
        tx,
        "SELECT MIN(claim_expires_at) FROM items WHERE claimed_by IS NOT NULL AND claim_expires_at > ?1",
        [now as i64],
        |r| r.get(0),
    )?;
    let next_event = match (next_due, next_expiry) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    let until = match (wait_until, next_event.map(|t| t as u64)) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    if let Some(until) = until {
        return Ok(Claim::Wait(until));
    }
    let any: bool = one(
        tx,
        "SELECT EXISTS (SELECT 1 FROM items
                        WHERE endpoint_id = ?1 AND base_url = ?2 AND status = 'pending')",
        params![scope.endpoint_id, scope.base_url],
        |r| r.get(0),
    )?;
    // Pending and due, but each behind an earlier item of its key that is in flight: poll.
    Ok(if any {
        Claim::Wait(now + 100)
    } else {
        Claim::Idle
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_store(name: &str) -> (Store, PathBuf) {
        let path = std::env::temp_dir().join(format!(
            "mindbox-store-{name}-{}.sqlite",
            std::process::id()
        ));
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        (
            Store::open(&path, Synchronous::Normal, Role::Deliverer).unwrap(),
            path,
        )
    }

    fn scope() -> Scope {
        Scope {
            endpoint_id: "shop".into(),
            base_url: "http://127.0.0.1:1".into(),
        }
    }

    fn add(store: &mut Store, operation: &str, key: Option<&str>, now: u64) -> i64 {
        let tx = format!("tx-{operation}-{now}-{}", fastrand::u32(..));
        store
            .enqueue(
                &scope(),
                &NewItem {
                    operation,
                    endpoint: Endpoint::Async,
                    body: b"{}",
                    transaction_id: &tx,
                    device_uuid: None,
                    customer_ip: None,
                    ordering_key: key,
                },
                now,
            )
            .unwrap()
    }

    fn claimed(claim: Claim) -> Item {
        match claim {
            Claim::Item(item, _) => item,
            other => panic!("expected an item, got {other:?}"),
        }
    }

    #[test]
    fn items_of_one_key_go_one_at_a_time_in_order() {
        let (mut store, _) = temp_store("order");
        let a1 = add(&mut store, "A", Some("k"), 1000);
        let a2 = add(&mut store, "A", Some("k"), 1000);
        let b1 = add(&mut store, "A", Some("other"), 1000);
        assert_eq!(
            claimed(store.claim(&scope(), "me", 60_000, 0, 1000, &[]).unwrap()).id,
            a1
        );
        // a2 waits for a1, which is in flight; the other key does not.
        assert_eq!(
            claimed(store.claim(&scope(), "me", 60_000, 0, 1000, &[]).unwrap()).id,
            b1
        );
        assert!(matches!(
            store.claim(&scope(), "me", 60_000, 0, 1000, &[]).unwrap(),
            Claim::Wait(_)
        ));
        store.complete(&[a1]).unwrap();
        assert_eq!(
            claimed(store.claim(&scope(), "me", 60_000, 0, 1000, &[]).unwrap()).id,
            a2
        );
    }

    #[test]
    fn a_retried_item_still_holds_back_its_successors() {
        let (mut store, _) = temp_store("retry");
        let first = add(&mut store, "A", Some("k"), 1000);
        add(&mut store, "A", Some("k"), 1000);
        claimed(store.claim(&scope(), "me", 60_000, 0, 1000, &[]).unwrap());
        store
            .reschedule(first, 1, 5000, &Failure::default(), None, 1000)
            .unwrap();
        assert_eq!(
            store.claim(&scope(), "me", 60_000, 0, 1000, &[]).unwrap(),
            Claim::Wait(5000)
        );
        assert_eq!(
            claimed(store.claim(&scope(), "me", 60_000, 0, 5000, &[]).unwrap()).id,
            first
        );
    }

    #[test]
    fn a_claim_deletes_what_was_delivered_and_a_recovery_ends_backoffs() {
        let (mut store, _) = temp_store("recover");
        let first = add(&mut store, "A", None, 1000);
        let second = add(&mut store, "A", None, 1000);
        claimed(store.claim(&scope(), "me", 60_000, 0, 1000, &[]).unwrap());
        store
            .reschedule(second, 3, 900_000, &Failure::default(), None, 1000)
            .unwrap();
        assert_eq!(
            store
                .claim(&scope(), "me", 60_000, 0, 1000, &[first])
                .unwrap(),
            Claim::Wait(900_000)
        );
        assert_eq!(store.stats(&scope()).unwrap().pending, 1);
        store.release_backoff(&scope(), 2000).unwrap();
        assert_eq!(
            claimed(store.claim(&scope(), "me", 60_000, 0, 2000, &[]).unwrap()).id,
            second
        );
    }

    #[test]
    fn parked_items_do_not_block_and_can_be_retried() {
        let (mut store, _) = temp_store("park");
        let first = add(&mut store, "A", Some("k"), 1000);
        let second = add(&mut store, "A", Some("k"), 1000);
        claimed(store.claim(&scope(), "me", 60_000, 0, 1000, &[]).unwrap());
        let failure = Failure {
            http_status: 400,
            mindbox_status: Some("ProtocolError".into()),
            error_id: Some("e".into()),
            message: "bad".into(),
        };
        store.park(first, 1, &failure, 1000).unwrap();
        assert_eq!(
            claimed(store.claim(&scope(), "me", 60_000, 0, 1000, &[]).unwrap()).id,
            second
        );
        let failed = store.failed(&scope(), 10).unwrap();
        assert_eq!(failed.len(), 1);
        assert_eq!(failed[0].failure, failure);
        let stats = store.stats(&scope()).unwrap();
        assert_eq!((stats.pending, stats.failed), (1, 1));
        assert_eq!(stats.last_error.as_deref(), Some("bad"));
        assert_eq!(store.retry_failed(&scope(), Some(&[999]), 2000).unwrap(), 0);
        assert_eq!(
            store.retry_failed(&scope(), Some(&[first]), 2000).unwrap(),
            1
        );
        assert_eq!(store.stats(&scope()).unwrap().failed, 0);
    }

    #[test]
    fn another_process_lease_is_respected_until_it_expires() {
        let (mut store, path) = temp_store("lease");
        let mut other = Store::open(&path, Synchronous::Normal, Role::Deliverer).unwrap();
        add(&mut store, "A", None, 1000);
        add(&mut store, "A", None, 1000);
        claimed(store.claim(&scope(), "first", 3000, 0, 1000, &[]).unwrap());
        assert_eq!(
            other.claim(&scope(), "second", 3000, 0, 1500, &[]).unwrap(),
            Claim::NotHolder(4000)
        );
        // The first holder dies: after the lease both its lease and its claim are taken over.
        let item = claimed(other.claim(&scope(), "second", 3000, 0, 4000, &[]).unwrap());
        assert_eq!(item.attempts, 0);
        claimed(other.claim(&scope(), "second", 3000, 0, 4000, &[]).unwrap());
        store.release_lease(&scope(), "first").unwrap();
        assert!(matches!(
            store.claim(&scope(), "first", 3000, 0, 4001, &[]).unwrap(),
            Claim::NotHolder(_)
        ));
        other.release_lease(&scope(), "second").unwrap();
        assert!(matches!(
            store.claim(&scope(), "first", 3000, 0, 4001, &[]).unwrap(),
            Claim::Wait(_)
        ));
    }

    #[test]
    fn sends_of_one_operation_are_paced() {
        let (mut store, _) = temp_store("pace");
        for _ in 0..3 {
            add(&mut store, "A", None, 1000);
        }
        add(&mut store, "B", None, 1000);
        claimed(
            store
                .claim(&scope(), "me", 60_000, 100000, 1000, &[])
                .unwrap(),
        );
        // A's next slot is at 1100; B has its own.
        assert_eq!(
            claimed(
                store
                    .claim(&scope(), "me", 60_000, 100000, 1000, &[])
                    .unwrap()
            )
            .operation,
            "B"
        );
        assert_eq!(
            store
                .claim(&scope(), "me", 60_000, 100000, 1050, &[])
                .unwrap(),
            Claim::Wait(1100)
        );
        claimed(
            store
                .claim(&scope(), "me", 60_000, 100000, 1105, &[])
                .unwrap(),
        );
        assert_eq!(
            store
                .claim(&scope(), "me", 60_000, 100000, 1150, &[])
                .unwrap(),
            Claim::Wait(1200)
        );
    }

    #[test]
    fn a_429_holds_the_whole_operation() {
        let (mut store, _) = temp_store("hold");
        let first = add(&mut store, "A", None, 1000);
        add(&mut store, "A", None, 1000);
        claimed(store.claim(&scope(), "me", 60_000, 0, 1000, &[]).unwrap());
        let key = pacing_key(&scope(), "A", Endpoint::Async);
        store
            .reschedule(first, 1, 3000, &Failure::default(), Some((key, 3000)), 1000)
            .unwrap();
        assert_eq!(
            store.claim(&scope(), "me", 60_000, 0, 2000, &[]).unwrap(),
            Claim::Wait(3000)
        );
    }

    #[test]
    fn scopes_are_separate_and_idle_is_reported() {
        let (mut store, _) = temp_store("scope");
        assert_eq!(
            store.claim(&scope(), "me", 60_000, 0, 1000, &[]).unwrap(),
            Claim::Idle
        );
        add(&mut store, "A", None, 1000);
        let other = Scope {
            endpoint_id: "other-site".into(),
            base_url: scope().base_url,
        };
        assert_eq!(
            store.claim(&other, "me", 60_000, 0, 1000, &[]).unwrap(),
            Claim::Idle
        );
        assert_eq!(store.deliverable(&scope(), 1000).unwrap(), 1);
        assert_eq!(store.deliverable(&other, 1000).unwrap(), 0);
    }

    #[test]
    fn a_full_disk_is_an_outbox_error() {
        let (mut store, path) = temp_store("full");
        // SQLite reports a capped file exactly as it reports a full disk.
        store
            .conn
            .execute_batch("PRAGMA max_page_count = 12")
            .unwrap();
        let body = vec![b'x'; 4096];
        let result = (0..100).try_for_each(|n| {
            let tx = format!("tx-{n}");
            let item = NewItem {
                operation: "A",
                endpoint: Endpoint::Async,
                body: &body,
                transaction_id: &tx,
                device_uuid: None,
                customer_ip: None,
                ordering_key: None,
            };
            store.enqueue(&scope(), &item, 1000).map(drop)
        });
        match result {
            Err(Error::Outbox { path: p, message }) => {
                assert_eq!(p, path.display().to_string());
                assert!(message.contains("full"), "{message}");
            }
            other => panic!("expected an outbox error, got {other:?}"),
        }
    }

    #[test]
    fn the_wal_stays_bounded_when_only_the_sender_writes() {
        let (_, path) = temp_store("wal");
        let mut sender = Store::open(&path, Synchronous::Normal, Role::Sender).unwrap();
        let body = vec![b'x'; 16 * 1024];
        for n in 0..3000 {
            let tx = format!("tx-{n}");
            let item = NewItem {
                operation: "A",
                endpoint: Endpoint::Async,
                body: &body,
                transaction_id: &tx,
                device_uuid: None,
                customer_ip: None,
                ordering_key: None,
            };
            sender.enqueue(&scope(), &item, 1000).unwrap();
        }
        // Some 70 MB went through the WAL; without checkpoints it would hold all of it.
        let wal = std::fs::metadata(format!("{}-wal", path.display()))
            .unwrap()
            .len();
        assert!(wal < 48 * 1024 * 1024, "WAL of {wal} bytes");
    }

    #[test]
    fn bad_files_are_outbox_errors() {
        let dir = std::env::temp_dir();
        assert!(matches!(
            Store::open(&dir, Synchronous::Normal, Role::Deliverer),
            Err(Error::Outbox { .. })
        ));
        let corrupt = dir.join(format!("mindbox-corrupt-{}.sqlite", std::process::id()));
        std::fs::write(&corrupt, vec![b'x'; 8192]).unwrap();
        match Store::open(&corrupt, Synchronous::Normal, Role::Deliverer) {
            Err(Error::Outbox { path, message }) => {
                assert_eq!(path, corrupt.display().to_string());
                assert!(message.contains("not a database"), "{message}");
            }
            other => panic!("{:?}", other.err()),
        }
        let _ = std::fs::remove_file(corrupt);
    }
}
