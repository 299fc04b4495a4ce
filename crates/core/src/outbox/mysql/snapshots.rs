//! Snapshots in MySQL, and the insert of the item that carries one, in the transaction
//! `store::snapshots` opened. The upsert locks the key's row (or its gap) until the transaction
//! ends, so that two nodes saving one order's snapshot follow each other.

use super::rows::MysqlRows;
use super::schema::ms;
use super::store::insert_item;
use crate::outbox::item::{NewItem, Scope};
use crate::outbox::rows::{Fallible, SnapshotRow, SnapshotRows};
use mysql::prelude::Queryable;

type Read = (String, Vec<u8>, i64, Option<i64>, Option<String>);
/// A row of a move's page: the endpoint's id and base URL, then as `Read`.
type Moving = (
    String,
    String,
    String,
    Vec<u8>,
    i64,
    Option<i64>,
    Option<String>,
);

fn row((key, value, saved_at, item_id, transaction_id): Read) -> SnapshotRow {
    SnapshotRow {
        key,
        value,
        saved_at: saved_at.max(0) as u64,
        item_id,
        transaction_id,
    }
}

impl<Q: Queryable> SnapshotRows for MysqlRows<'_, Q> {
    fn insert_item(&mut self, scope: &Scope, item: &NewItem<'_>, now: u64) -> Fallible<i64> {
        Ok(insert_item(self.q, self.tables, scope, item, now)?)
    }

    fn snapshot(&mut self, scope: &Scope, key: &str) -> Fallible<Option<SnapshotRow>> {
        let found: Option<Read> = self.q.exec_first(
            format!(
                "SELECT name, value, saved_at, item_id, transaction_id FROM {}
                 WHERE endpoint_id = ? AND base_url = ? AND name = ?",
                self.tables.snapshots
            ),
            (&scope.endpoint_id, &scope.base_url, key),
        )?;
        Ok(found.map(row))
    }

    fn put_snapshot(&mut self, scope: &Scope, row: &SnapshotRow, keep_later: bool) -> Fallible<()> {
        // MySQL assigns left to right: `saved_at` last, so that the others compare with the old.
        let update = if keep_later {
            "value = IF(VALUES(saved_at) >= saved_at, VALUES(value), value),
             item_id = IF(VALUES(saved_at) >= saved_at, VALUES(item_id), item_id),
             transaction_id = IF(VALUES(saved_at) >= saved_at, VALUES(transaction_id), transaction_id),
             saved_at = GREATEST(saved_at, VALUES(saved_at))"
        } else {
            "value = VALUES(value), item_id = VALUES(item_id),
             transaction_id = VALUES(transaction_id), saved_at = VALUES(saved_at)"
        };
        let params: Vec<mysql::Value> = vec![
            scope.endpoint_id.as_str().into(),
            scope.base_url.as_str().into(),
            row.key.as_str().into(),
            row.value.as_slice().into(),
            ms(row.saved_at).into(),
            row.item_id.into(),
            row.transaction_id.as_deref().into(),
        ];
        self.q.exec_drop(
            format!(
                "INSERT INTO {} (endpoint_id, base_url, name, value, saved_at, item_id, transaction_id)
                 VALUES (?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE {update}",
                self.tables.snapshots
            ),
            params,
        )?;
        Ok(())
    }

    fn forget_snapshot(
        &mut self,
        scope: &Scope,
        key: &str,
        saved_at: Option<u64>,
    ) -> Fallible<bool> {
        let deleted = self.q.exec_iter(
            format!(
                "DELETE FROM {} WHERE endpoint_id = ? AND base_url = ? AND name = ?
                     AND (? IS NULL OR saved_at = ?)",
                self.tables.snapshots
            ),
            (
                &scope.endpoint_id,
                &scope.base_url,
                key,
                saved_at.map(ms),
                saved_at.map(ms),
            ),
        )?;
        Ok(deleted.affected_rows() > 0)
    }

    fn carrier(&mut self, scope: &Scope, transaction_id: &str) -> Fallible<Option<(i64, bool)>> {
        // `items_tx` finds the item; a transactionId sent again has more than one.
        let found: Option<(i64, bool)> = self.q.exec_first(
            format!(
                "SELECT id, status = 'failed' FROM {}
                 WHERE transaction_id = ? AND endpoint_id = ? AND base_url = ?
                 ORDER BY status = 'failed', id DESC LIMIT 1",
                self.tables.items
            ),
            (transaction_id, &scope.endpoint_id, &scope.base_url),
        )?;
        Ok(found)
    }

    fn snapshot_page(&mut self, limit: usize) -> Fallible<Vec<(Scope, SnapshotRow)>> {
        let rows: Vec<Moving> = self.q.exec(
            format!(
                "SELECT endpoint_id, base_url, name, value, saved_at, item_id, transaction_id
                     FROM {} ORDER BY endpoint_id, base_url, name LIMIT ?",
                self.tables.snapshots
            ),
            (limit as u64,),
        )?;
        Ok(rows
            .into_iter()
            .map(
                |(endpoint_id, base_url, key, value, saved_at, item_id, tx)| {
                    let scope = Scope {
                        endpoint_id,
                        base_url,
                    };
                    (scope, row((key, value, saved_at, item_id, tx)))
                },
            )
            .collect())
    }
}
