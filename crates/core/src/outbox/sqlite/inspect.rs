//! What the outbox file holds, for `outboxStats()`, `failedItems()` and `retryFailed()`.

use crate::outbox::item::{FailedItem, Failure, Scope};
use crate::outbox::rows::Counts;
use rusqlite::{Connection, OptionalExtension, params};

pub(super) fn counts(conn: &Connection, scope: &Scope) -> rusqlite::Result<Counts> {
    conn.prepare_cached(
        "SELECT COUNT(*) FILTER (WHERE status = 'pending'),
                COUNT(*) FILTER (WHERE status = 'failed'),
                MIN(MAX(created_at, not_before)) FILTER (WHERE status = 'pending')
         FROM items WHERE endpoint_id = ?1 AND base_url = ?2",
    )?
    .query_row(params![scope.endpoint_id, scope.base_url], |r| {
        Ok(Counts {
            pending: r.get(0)?,
            failed: r.get(1)?,
            oldest_pending_at: r.get::<_, Option<i64>>(2)?.map(|t| t as u64),
        })
    })
}

pub(super) fn last_error(conn: &Connection, scope: &Scope) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached(
        "SELECT last_error FROM items
         WHERE endpoint_id = ?1 AND base_url = ?2 AND last_error IS NOT NULL
         ORDER BY updated_at DESC, id DESC LIMIT 1",
    )?
    .query_row(params![scope.endpoint_id, scope.base_url], |r| r.get(0))
    .optional()
}

pub(super) fn failed_page(
    conn: &Connection,
    scope: &Scope,
    limit: u32,
    after_id: i64,
) -> rusqlite::Result<Vec<FailedItem>> {
    let mut stmt = conn.prepare(
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
}

pub(super) fn retry(
    conn: &Connection,
    scope: &Scope,
    ids: Option<&[i64]>,
    now: u64,
) -> rusqlite::Result<usize> {
    let sql = "UPDATE items SET status = 'pending', attempts = 0, next_attempt_at = ?3,
                   claimed_by = NULL, claim_expires_at = NULL, updated_at = ?3
               WHERE endpoint_id = ?1 AND base_url = ?2 AND status = 'failed'";
    let Some(ids) = ids else {
        return conn.prepare_cached(sql)?.execute(params![
            scope.endpoint_id,
            scope.base_url,
            now as i64
        ]);
    };
    let mut stmt = conn.prepare(&format!("{sql} AND id = ?4"))?;
    let mut changed = 0;
    for id in ids {
        changed += stmt.execute(params![scope.endpoint_id, scope.base_url, now as i64, id])?;
    }
    Ok(changed)
}
