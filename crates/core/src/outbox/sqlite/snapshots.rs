//! Snapshots in the outbox file, and the insert of the item that carries one, in the transaction
//! `store::snapshots` opened.

use super::file::insert_item;
use super::rows::{Sqlite, exec};
use crate::outbox::item::{NewItem, Scope};
use crate::outbox::rows::{Fallible, SnapshotRow, SnapshotRows};
use rusqlite::{OptionalExtension, params};

const PUT: &str = "INSERT INTO snapshots
        (endpoint_id, base_url, key, value, saved_at, item_id, transaction_id)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
     ON CONFLICT (endpoint_id, base_url, key) DO UPDATE SET value = excluded.value,
         saved_at = excluded.saved_at, item_id = excluded.item_id,
         transaction_id = excluded.transaction_id";

fn row(r: &rusqlite::Row<'_>, first: usize) -> rusqlite::Result<SnapshotRow> {
    Ok(SnapshotRow {
        key: r.get(first)?,
        value: r.get(first + 1)?,
        saved_at: r.get::<_, i64>(first + 2)?.max(0) as u64,
        item_id: r.get(first + 3)?,
        transaction_id: r.get(first + 4)?,
    })
}

impl SnapshotRows for Sqlite<'_> {
    fn insert_item(&mut self, scope: &Scope, item: &NewItem<'_>, now: u64) -> Fallible<i64> {
        Ok(insert_item(self.0, scope, item, now)?)
    }

    fn snapshot(&mut self, scope: &Scope, key: &str) -> Fallible<Option<SnapshotRow>> {
        Ok(self
            .0
            .prepare_cached(
                "SELECT key, value, saved_at, item_id, transaction_id FROM snapshots
                 WHERE endpoint_id = ?1 AND base_url = ?2 AND key = ?3",
            )?
            .query_row(params![scope.endpoint_id, scope.base_url, key], |r| {
                row(r, 0)
            })
            .optional()?)
    }

    fn put_snapshot(&mut self, scope: &Scope, row: &SnapshotRow, keep_later: bool) -> Fallible<()> {
        let keep = if keep_later {
            " WHERE excluded.saved_at >= snapshots.saved_at"
        } else {
            ""
        };
        exec(
            self.0,
            &format!("{PUT}{keep}"),
            params![
                scope.endpoint_id,
                scope.base_url,
                row.key,
                row.value,
                row.saved_at as i64,
                row.item_id,
                row.transaction_id
            ],
        )?;
        Ok(())
    }

    fn forget_snapshot(
        &mut self,
        scope: &Scope,
        key: &str,
        saved_at: Option<u64>,
    ) -> Fallible<bool> {
        let deleted = exec(
            self.0,
            "DELETE FROM snapshots WHERE endpoint_id = ?1 AND base_url = ?2 AND key = ?3
                 AND (?4 IS NULL OR saved_at = ?4)",
            params![
                scope.endpoint_id,
                scope.base_url,
                key,
                saved_at.map(|t| t as i64)
            ],
        )?;
        Ok(deleted > 0)
    }

    fn carrier(&mut self, scope: &Scope, transaction_id: &str) -> Fallible<Option<(i64, bool)>> {
        // `items_tx` finds the item; a transactionId sent again has more than one.
        Ok(self
            .0
            .prepare_cached(
                "SELECT id, status = 'failed' FROM items
                 WHERE transaction_id = ?1 AND endpoint_id = ?2 AND base_url = ?3
                 ORDER BY status = 'failed', id DESC LIMIT 1",
            )?
            .query_row(
                params![transaction_id, scope.endpoint_id, scope.base_url],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    fn snapshot_page(&mut self, limit: usize) -> Fallible<Vec<(Scope, SnapshotRow)>> {
        let mut stmt = self.0.prepare_cached(
            "SELECT endpoint_id, base_url, key, value, saved_at, item_id, transaction_id
             FROM snapshots ORDER BY endpoint_id, base_url, key LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], |r| {
            let scope = Scope {
                endpoint_id: r.get(0)?,
                base_url: r.get(1)?,
            };
            Ok((scope, row(r, 2)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
