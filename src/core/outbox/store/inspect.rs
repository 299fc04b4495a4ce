//! What the outbox holds, as the admin and `outboxStats()` / `failedItems()` show it, and parked
//! items sent back to pending.

use super::{Failure, Scope, Store, exec, one};
use crate::core::error::Result;
use crate::core::outbox::{forksafe, now_ms};
use rusqlite::{OptionalExtension, params};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stats {
    pub pending: i64,
    pub failed: i64,
    pub oldest_pending_at: Option<u64>,
    pub last_error: Option<String>,
    /// The process delivering for the endpoint now, as `host:pid`, if one holds the lease.
    pub deliverer: Option<String>,
    /// Mindbox refused the asking client's key (401, 403): delivery waits for one it takes.
    pub credentials_refused: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FailedItem {
    pub id: i64,
    pub operation: String,
    pub transaction_id: String,
    pub attempts: u32,
    pub failure: Failure,
}

impl Store {
    pub fn stats(&self, scope: &Scope) -> Result<Stats> {
        let _inside = forksafe::enter();
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
            let holder: Option<String> = one(
                &self.conn,
                "SELECT holder FROM leases WHERE name = ?1 AND expires_at > ?2",
                params![scope.lease_name(), now_ms() as i64],
                |r| r.get(0),
            )
            .optional()?;
            Ok(Stats {
                pending,
                failed,
                oldest_pending_at: oldest.map(|t| t as u64),
                last_error,
                deliverer: holder.map(|h| h.splitn(3, ':').take(2).collect::<Vec<_>>().join(":")),
                credentials_refused: false,
            })
        };
        run().map_err(|e| self.fail(e))
    }

    /// Whether Mindbox refused the key of this fingerprint for the endpoint.
    pub fn key_refused(&self, scope: &Scope, key_fp: &str) -> Result<bool> {
        let _inside = forksafe::enter();
        super::lease::key_refused(&self.conn, scope, key_fp).map_err(|e| self.fail(e))
    }

    pub fn failed(&self, scope: &Scope, limit: u32, after_id: i64) -> Result<Vec<FailedItem>> {
        let _inside = forksafe::enter();
        let run = || -> rusqlite::Result<Vec<FailedItem>> {
            let mut stmt = self.conn.prepare(
                "SELECT id, operation, transaction_id, attempts, http_status, mindbox_status,
                        error_id, last_error
                 FROM items WHERE endpoint_id = ?1 AND base_url = ?2 AND status = 'failed'
                   AND id > ?4
                 ORDER BY id LIMIT ?3",
            )?;
            let args = params![scope.endpoint_id, scope.base_url, limit, after_id];
            let rows = stmt.query_map(args, |r| {
                // A malformed row is parked, and shown with what can be read of it.
                let text = |i| r.get::<_, String>(i).unwrap_or_default();
                Ok(FailedItem {
                    id: r.get(0)?,
                    operation: text(1),
                    transaction_id: text(2),
                    attempts: r.get(3).unwrap_or_default(),
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
