//! Snapshots: stored with their item in one transaction, read with where it stands, saved alone,
//! forgotten, and moved into another outbox.

use super::test_support::*;
use crate::outbox::{SavedSnapshot, Snapshot, SnapshotDelivery};
use serde_json::{Value, json};

on_both!(
    a_snapshot_is_stored_with_its_item_and_replaced_by_the_next,
    where_its_item_stands_is_read_from_the_item,
    a_snapshot_saved_alone_has_no_item_and_can_be_forgotten,
    an_enqueue_that_fails_stores_no_snapshot,
    a_snapshot_that_cannot_be_stored_takes_its_item_with_it,
    snapshots_move_with_the_items,
);

fn snapshot(key: &str, value: Value) -> Snapshot {
    Snapshot::new(key, "key", &value, "value").unwrap()
}

/// An item `tx` carrying `key`'s snapshot of `value`, sent at `now`.
fn send(store: &mut Store, on: &Scope, tx: &str, key: &str, value: Value, now: u64) -> i64 {
    let snapshot = snapshot(key, value);
    let item = NewItem {
        ordering_key: Some(key),
        snapshot: Some(&snapshot),
        ..item("Website.UpdateOrder", tx, b"{}")
    };
    store.enqueue(on, &item, now).unwrap()
}

fn read(store: &mut Store, key: &str) -> Option<SavedSnapshot> {
    store.snapshot(&scope(), key).unwrap()
}

fn stands(store: &mut Store, key: &str) -> (Option<i64>, SnapshotDelivery) {
    let found = read(store, key).unwrap();
    (found.item_id, found.delivery)
}

fn a_snapshot_is_stored_with_its_item_and_replaced_by_the_next(kind: Kind) {
    let Some((mut store, _)) = temp_store(kind, "snap_replace") else {
        return;
    };
    let lines = json!({"lines": {"7": {"quantity": 2, "price": 150.5}}, "status": "N"});
    let first = send(&mut store, &scope(), "a", "s1:order:1", lines.clone(), 1000);
    let other = send(&mut store, &scope(), "b", "s1:order:2", json!([]), 1000);
    assert_eq!(
        read(&mut store, "s1:order:1"),
        Some(SavedSnapshot {
            value: lines,
            saved_at: 1000,
            item_id: Some(first),
            transaction_id: Some("a".into()),
            delivery: SnapshotDelivery::Pending,
        })
    );
    let next = send(
        &mut store,
        &scope(),
        "c",
        "s1:order:1",
        json!({"v": 2}),
        2000,
    );
    let found = read(&mut store, "s1:order:1").unwrap();
    assert_eq!(
        (found.value, found.saved_at, found.item_id),
        (json!({"v": 2}), 2000, Some(next))
    );
    assert_eq!(found.transaction_id.as_deref(), Some("c"));
    assert_eq!(
        stands(&mut store, "s1:order:2"),
        (Some(other), SnapshotDelivery::Pending)
    );
    assert_eq!(
        store.stats(&scope()).unwrap().pending,
        3,
        "every item stays"
    );
    assert_eq!(read(&mut store, "s1:order:3"), None);
    // Another site's snapshots are its own.
    let elsewhere = Scope {
        endpoint_id: "other-site".into(),
        ..scope()
    };
    assert_eq!(store.snapshot(&elsewhere, "s1:order:1").unwrap(), None);
    send(
        &mut store,
        &elsewhere,
        "d",
        "s1:order:1",
        json!({"v": 3}),
        3000,
    );
    assert_eq!(
        read(&mut store, "s1:order:1").unwrap().value,
        json!({"v": 2})
    );
}

fn where_its_item_stands_is_read_from_the_item(kind: Kind) {
    let Some((mut store, _)) = temp_store(kind, "snap_stands") else {
        return;
    };
    let delivered = send(&mut store, &scope(), "a", "o:1", json!({}), 1000);
    let parked = send(&mut store, &scope(), "b", "o:2", json!({}), 1000);
    assert_eq!(ids(&run(&mut store, "me", 1000, 8, 0, &[])).len(), 2);
    assert_eq!(
        stands(&mut store, "o:1"),
        (Some(delivered), SnapshotDelivery::Pending),
        "in flight"
    );
    let park = Settle::Park {
        id: parked,
        attempts: 1,
        failure: Failure::default(),
    };
    run(
        &mut store,
        "me",
        1000,
        0,
        0,
        &[Settle::Done(delivered), park],
    );
    assert_eq!(
        stands(&mut store, "o:1"),
        (Some(delivered), SnapshotDelivery::Delivered)
    );
    assert_eq!(
        stands(&mut store, "o:2"),
        (Some(parked), SnapshotDelivery::Failed)
    );
    assert_eq!(store.retry_failed(&scope(), None, 2000).unwrap(), 1);
    assert_eq!(
        stands(&mut store, "o:2"),
        (Some(parked), SnapshotDelivery::Pending),
        "sent again"
    );
    // The same transactionId sent again while the first is parked: the one that may still go counts.
    run(&mut store, "me", 2000, 8, 0, &[]);
    let park = Settle::Park {
        id: parked,
        attempts: 2,
        failure: Failure::default(),
    };
    run(&mut store, "me", 2000, 0, 0, &[park]);
    let again = send(&mut store, &scope(), "b", "o:2", json!({}), 3000);
    assert_eq!(
        stands(&mut store, "o:2"),
        (Some(again), SnapshotDelivery::Pending)
    );
}

fn a_snapshot_saved_alone_has_no_item_and_can_be_forgotten(kind: Kind) {
    let Some((mut store, _)) = temp_store(kind, "snap_alone") else {
        return;
    };
    send(&mut store, &scope(), "a", "o:1", json!({"v": 1}), 1000);
    store
        .save_snapshot(&scope(), &snapshot("o:1", json!({"v": 2})), 2000)
        .unwrap();
    assert_eq!(
        read(&mut store, "o:1"),
        Some(SavedSnapshot {
            value: json!({"v": 2}),
            saved_at: 2000,
            item_id: None,
            transaction_id: None,
            delivery: SnapshotDelivery::Delivered,
        })
    );
    assert_eq!(
        store.stats(&scope()).unwrap().pending,
        1,
        "its item still goes"
    );
    store.forget_snapshot(&scope(), "o:1").unwrap();
    assert_eq!(read(&mut store, "o:1"), None);
    store.forget_snapshot(&scope(), "o:1").unwrap();
}

fn an_enqueue_that_fails_stores_no_snapshot(kind: Kind) {
    let Some((mut store, _)) = temp_store(kind, "snap_noitem") else {
        return;
    };
    send(&mut store, &scope(), "a", "o:1", json!({"v": 1}), 1000);
    // An items table the insert cannot write to.
    store.execute(
        "ALTER TABLE {p}items RENAME TO {p}items_away; CREATE TABLE {p}items (id INTEGER PRIMARY KEY)",
    );
    let replacement = snapshot("o:1", json!({"v": 2}));
    let first = snapshot("o:2", json!({"v": 1}));
    for carried in [&replacement, &first] {
        let item = NewItem {
            snapshot: Some(carried),
            ..item("Website.UpdateOrder", "b", b"{}")
        };
        assert!(store.enqueue(&scope(), &item, 2000).is_err());
    }
    store.execute("DROP TABLE {p}items; ALTER TABLE {p}items_away RENAME TO {p}items");
    let kept = read(&mut store, "o:1").unwrap();
    assert_eq!((kept.value, kept.saved_at), (json!({"v": 1}), 1000));
    assert_eq!(read(&mut store, "o:2"), None);
}

fn a_snapshot_that_cannot_be_stored_takes_its_item_with_it(kind: Kind) {
    let Some((mut store, _)) = temp_store(kind, "snap_nosnap") else {
        return;
    };
    send(&mut store, &scope(), "a", "o:1", json!({}), 1000);
    store.execute(
        "ALTER TABLE {p}snapshots RENAME TO {p}snapshots_away; CREATE TABLE {p}snapshots (x INTEGER)",
    );
    let carried = snapshot("o:1", json!({"v": 2}));
    let carrier = NewItem {
        snapshot: Some(&carried),
        ..item("Website.UpdateOrder", "b", b"{}")
    };
    assert!(store.enqueue(&scope(), &carrier, 2000).is_err());
    let stats = store.stats(&scope()).unwrap();
    assert_eq!((stats.pending, stats.failed), (1, 0), "only the first item");
    // Without a snapshot, the same item goes in as ever.
    store
        .enqueue(&scope(), &item("A", "c", b"{}"), 2000)
        .unwrap();
    assert_eq!(store.stats(&scope()).unwrap().pending, 2);
}

fn snapshots_move_with_the_items(kind: Kind) {
    let Some((mut target, _)) = temp_store(kind, "snap_move") else {
        return;
    };
    let (mut source, _) = temp_file_store(&format!("snap-move-{kind:?}-source"));
    let pending = send(&mut source, &scope(), "a", "o:1", json!({"n": 1}), 1000);
    let delivered = send(&mut source, &scope(), "b", "o:2", json!({"n": 2}), 1000);
    let parked = send(&mut source, &scope(), "c", "o:3", json!({"n": 3}), 1000);
    assert_eq!(ids(&run(&mut source, "me", 1000, 8, 0, &[])).len(), 3);
    let park = Settle::Park {
        id: parked,
        attempts: 1,
        failure: Failure::default(),
    };
    let settled = [Settle::Release(pending), Settle::Done(delivered), park];
    run(&mut source, "me", 1000, 0, 0, &settled);
    source.release_lease(&scope(), "me").unwrap();
    let save = |store: &mut Store, key: &str, n: i64, at: u64| {
        store
            .save_snapshot(&scope(), &snapshot(key, json!({"n": n})), at)
            .unwrap()
    };
    // Saved in the target since the shop switched to it: later, so it stays.
    save(&mut source, "o:4", 4, 1000);
    save(&mut target, "o:4", 40, 5000);
    // Saved in the target earlier: the source's is the later one.
    save(&mut target, "o:5", 50, 10);
    save(&mut source, "o:5", 5, 1000);

    let report = source.move_pending_to(&mut target, false).unwrap();
    assert_eq!((report[0].moved, report[0].parked), (1, 1));
    let moved_item = target.read(|rows| rows.pending_page(0, 10)).unwrap();
    let Ok(moved_item) = &moved_item[0] else {
        panic!("the moved item cannot be read");
    };
    let value = |store: &mut Store, key: &str| read(store, key).map(|s| s.value);
    assert_eq!(
        read(&mut target, "o:1").unwrap().delivery,
        SnapshotDelivery::Pending
    );
    assert_eq!(
        read(&mut target, "o:1").unwrap().item_id,
        Some(moved_item.id)
    );
    assert_eq!(
        stands(&mut target, "o:2"),
        (Some(delivered), SnapshotDelivery::Delivered)
    );
    assert_eq!(stands(&mut target, "o:3").1, SnapshotDelivery::Delivered);
    assert_eq!(value(&mut target, "o:4"), Some(json!({"n": 40})));
    assert_eq!(value(&mut target, "o:5"), Some(json!({"n": 5})));
    for key in ["o:1", "o:2", "o:3", "o:4", "o:5"] {
        assert_eq!(read(&mut source, key), None, "{key} left the source");
    }
}
