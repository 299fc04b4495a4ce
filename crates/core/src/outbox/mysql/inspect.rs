//! What the MySQL outbox holds, for `outboxStats()`, `failedItems()` and `retryFailed()`.

use super::schema::{Tables, ms};
use crate::outbox::item::{FailedItem, Failure, Scope};
use crate::outbox::rows::{Counts, Fallible};
use mysql::prelude::Queryable;

pub(crate) fn counts(q: &mut impl Queryable, t: &Tables, scope: &Scope) -> Fallible<Counts> {
    let row: Option<(Option<i64>, Option<i64>, Option<i64>)> = q.exec_first(
        format!(
            "SELECT SUM(status = 'pending'), SUM(status = 'failed'),
                        MIN(CASE WHEN status = 'pending' THEN GREATEST(created_at, not_before) END)
                 FROM {} WHERE endpoint_id = ? AND base_url = ?",
            t.items
        ),
        (&scope.endpoint_id, &scope.base_url),
    )?;
    let (pending, failed, oldest) = row.unwrap_or((None, None, None));
    Ok(Counts {
        pending: pending.unwrap_or(0),
        failed: failed.unwrap_or(0),
        oldest_pending_at: oldest.map(|t| t as u64),
    })
}

pub(crate) fn last_error(
    q: &mut impl Queryable,
    t: &Tables,
    scope: &Scope,
) -> Fallible<Option<String>> {
    Ok(q.exec_first(
            format!(
                "SELECT last_error FROM {} WHERE endpoint_id = ? AND base_url = ? AND last_error IS NOT NULL
                 ORDER BY updated_at DESC, id DESC LIMIT 1",
                t.items
            ),
            (&scope.endpoint_id, &scope.base_url),
        )?)
}

pub(crate) fn failed_page(
    q: &mut impl Queryable,
    t: &Tables,
    scope: &Scope,
    limit: u32,
    after_id: i64,
) -> Fallible<Vec<FailedItem>> {
    type Parked = (
        i64,
        Option<String>,
        Option<String>,
        Option<u32>,
        Option<u16>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<Parked> = q.exec(
        format!(
            "SELECT id, operation, transaction_id, attempts, http_status, mindbox_status,
                        error_id, last_error
                 FROM {} WHERE endpoint_id = ? AND base_url = ? AND status = 'failed' AND id > ?
                 ORDER BY id LIMIT ?",
            t.items
        ),
        (&scope.endpoint_id, &scope.base_url, after_id, limit),
    )?;
    Ok(rows
        .into_iter()
        .map(
            |(id, operation, transaction_id, attempts, http, status, error_id, message)| {
                FailedItem {
                    id,
                    operation: operation.unwrap_or_default(),
                    transaction_id: transaction_id.unwrap_or_default(),
                    attempts: attempts.unwrap_or_default(),
                    failure: Failure {
                        http_status: http.unwrap_or(0),
                        mindbox_status: status,
                        error_id,
                        message: message.unwrap_or_default(),
                    },
                }
            },
        )
        .collect())
}

pub(crate) fn retry(
    q: &mut impl Queryable,
    t: &Tables,
    scope: &Scope,
    ids: Option<&[i64]>,
    now: u64,
) -> Fallible<usize> {
    let sql = format!(
        "UPDATE {} SET status = 'pending', attempts = 0, next_attempt_at = ?,
                 claimed_by = NULL, claim_expires_at = NULL, updated_at = ?
             WHERE endpoint_id = ? AND base_url = ? AND status = 'failed'",
        t.items
    );
    let args = (ms(now), ms(now), &scope.endpoint_id, &scope.base_url);
    let Some(ids) = ids else {
        let result = q.exec_iter(sql, args)?;
        return Ok(result.affected_rows() as usize);
    };
    let mut changed = 0;
    for id in ids {
        let one = q.exec_iter(
            format!("{sql} AND id = ?"),
            (ms(now), ms(now), &scope.endpoint_id, &scope.base_url, *id),
        )?;
        changed += one.affected_rows() as usize;
    }
    Ok(changed)
}
