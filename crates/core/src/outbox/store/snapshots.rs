//! Snapshots (`outbox::snapshot`) on either backend: one stored with the item that carries it in
//! one transaction, or alone; read back with where that item stands; forgotten; moved with the
//! pending items into another outbox.
//!
//! Where the item stands is read from the items themselves, by its transactionId, rather than
//! kept beside the snapshot: no delivery, parking or retry has to touch snapshots, and an item
//! moved into another outbox (with a new id, the same transactionId) is still found.

use super::backend::Store;
use crate::error::Result;
use crate::outbox::item::{NewItem, Scope};
use crate::outbox::rows::{Fallible, SnapshotRow};
use crate::outbox::snapshot::{SavedSnapshot, Snapshot, SnapshotDelivery};

/// Snapshots per transaction of a move.
const MOVE_BATCH: usize = 500;

impl Store {
    /// Writes the item and its snapshot in one transaction: both or neither.
    pub(super) fn enqueue_with_snapshot(
        &mut self,
        scope: &Scope,
        item: &NewItem<'_>,
        snapshot: &Snapshot,
        now: u64,
    ) -> Result<i64> {
        self.write(|rows| {
            let id = rows.insert_item(scope, item, now)?;
            let row = SnapshotRow {
                key: snapshot.key.clone(),
                value: snapshot.value.clone(),
                saved_at: now,
                item_id: Some(id),
                transaction_id: Some(item.transaction_id.to_string()),
            };
            rows.put_snapshot(scope, &row, false)?;
            Ok(id)
        })
    }

    /// Stores a snapshot with no item: nothing to tell Mindbox, it knows this already.
    pub(crate) fn save_snapshot(
        &mut self,
        scope: &Scope,
        snapshot: &Snapshot,
        now: u64,
    ) -> Result<()> {
        let row = SnapshotRow {
            key: snapshot.key.clone(),
            value: snapshot.value.clone(),
            saved_at: now,
            item_id: None,
            transaction_id: None,
        };
        self.write(|rows| rows.put_snapshot(scope, &row, false))
    }

    pub(crate) fn forget_snapshot(&mut self, scope: &Scope, key: &str) -> Result<()> {
        self.write(|rows| rows.forget_snapshot(scope, key, None).map(drop))
    }

    /// The key's snapshot, and where the item that carried it stands, in one consistent read.
    pub(crate) fn snapshot(&mut self, scope: &Scope, key: &str) -> Result<Option<SavedSnapshot>> {
        self.read(|rows| {
            let Some(row) = rows.snapshot(scope, key)? else {
                return Ok(None);
            };
            let carrier = match &row.transaction_id {
                Some(tx) => rows.carrier(scope, tx)?,
                None => None,
            };
            Ok(Some(saved(row, carrier)?))
        })
    }

    /// Moves every snapshot into `target`, a batch at a time, after the pending items they may
    /// name. One saved in `target` later than the moved one stays there (the shop already writes
    /// to it). A snapshot saved again in this outbox meanwhile is not deleted but moved again
    /// with the next batch. One whose item stays parked in this outbox reads as delivered in
    /// `target`, which does not have that item: the move's report counts parked items.
    pub(super) fn move_snapshots_to(&mut self, target: &mut Store) -> Result<()> {
        loop {
            let page = self.read(|rows| rows.snapshot_page(MOVE_BATCH))?;
            if page.is_empty() {
                return Ok(());
            }
            target.write(|rows| {
                page.iter()
                    .try_for_each(|(scope, row)| rows.put_snapshot(scope, row, true))
            })?;
            let deleted = self.write(|rows| {
                let mut deleted = 0;
                for (scope, row) in &page {
                    deleted +=
                        usize::from(rows.forget_snapshot(scope, &row.key, Some(row.saved_at))?);
                }
                Ok(deleted)
            })?;
            // A whole batch saved again while it moved is no progress a loop may count on.
            if deleted == 0 {
                return Err(self.error("snapshots keep being saved while they move: stop the shop's writes to this outbox first"));
            }
        }
    }
}

/// A stored row as the caller sees it: its value, and its item where it stands now.
fn saved(row: SnapshotRow, carrier: Option<(i64, bool)>) -> Fallible<SavedSnapshot> {
    let value = serde_json::from_slice(&row.value)
        .map_err(|e| format!("the snapshot {} cannot be read: {e}", row.key))?;
    let (item_id, delivery) = match carrier {
        Some((id, false)) => (Some(id), SnapshotDelivery::Pending),
        Some((id, true)) => (Some(id), SnapshotDelivery::Failed),
        None => (row.item_id, SnapshotDelivery::Delivered),
    };
    Ok(SavedSnapshot {
        value,
        saved_at: row.saved_at,
        item_id,
        transaction_id: row.transaction_id,
        delivery,
    })
}
