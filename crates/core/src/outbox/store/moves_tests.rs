//! Moving pending items from a node's file into another outbox: a file, or MySQL when the test
//! MariaDB runs.

use super::test_support::*;
use crate::clock::now_ms;
use crate::outbox::rows::Movable;

on_both!(
    order_transaction_ids_and_keys_survive_the_move,
    parked_items_stay_behind,
    a_live_deliverer_refuses_the_move_unless_forced,
    a_second_run_moves_nothing,
    holds_and_delays_survive_the_move,
);

/// The source file and the target of a test, `None` when the target's backend is not at hand.
fn outboxes(kind: Kind, name: &str) -> Option<(Store, Store)> {
    let (target, _) = temp_store(kind, name)?;
    let (source, _) = temp_file_store(&format!("{name}-{kind:?}-source"));
    Some((source, target))
}

fn pending(store: &mut Store) -> Vec<Movable> {
    store
        .read(|rows| rows.pending_page(0, 1000))
        .unwrap()
        .into_iter()
        .map(|item| item.unwrap_or_else(|bad| panic!("item {}: {}", bad.id, bad.why)))
        .collect()
}

fn moved(report: &MoveReport, scope: &Scope) -> (usize, i64) {
    report
        .iter()
        .find(|m| m.scope == *scope)
        .map_or((0, 0), |m| (m.moved, m.parked))
}

fn order_transaction_ids_and_keys_survive_the_move(kind: Kind) {
    let Some((mut source, mut target)) = outboxes(kind, "mv_order") else {
        return;
    };
    let other = Scope {
        endpoint_id: "other-site".into(),
        base_url: scope().base_url,
    };
    // Already in the target: the moved items come after it.
    let earlier = NewItem {
        ordering_key: Some("customer:0"),
        ..item("Earlier", "earlier", b"{}")
    };
    let earlier = target.enqueue(&scope(), &earlier, 500).unwrap();
    for n in 0..7u64 {
        let key = format!("customer:{}", n % 2);
        let tx = format!("tx-{n}");
        let body = format!("{{\"n\":{n}}}");
        let item = NewItem {
            ordering_key: Some(&key),
            device_uuid: Some("device"),
            customer_ip: (n == 3).then_some("10.0.0.1"),
            endpoint: if n == 5 {
                Endpoint::Sync
            } else {
                Endpoint::Async
            },
            ..item("Op", &tx, body.as_bytes())
        };
        let on = if n == 4 { other.clone() } else { scope() };
        source.enqueue(&on, &item, 1000 + n).unwrap();
    }
    // An item that failed once keeps its attempt.
    let first = pending(&mut source)[0].id;
    run(&mut source, "me", 1000, 1, 0, &[]);
    run(&mut source, "me", 1000, 0, 0, &[retry(first, 1500, None)]);
    let before = pending(&mut source);

    let report = source.move_pending(&mut target, "mover", false, 3).unwrap();
    assert_eq!(moved(&report, &scope()), (6, 0));
    assert_eq!(moved(&report, &other), (1, 0));
    assert!(pending(&mut source).is_empty());

    let after = pending(&mut target);
    assert_eq!(after[0].operation, "Earlier");
    let after = &after[1..];
    assert!(after.windows(2).all(|w| w[0].id < w[1].id));
    assert!(after[0].id > pending(&mut target)[0].id);
    let without_id = |items: &[Movable]| -> Vec<Movable> {
        items
            .iter()
            .map(|i| Movable { id: 0, ..i.clone() })
            .collect()
    };
    assert_eq!(without_id(after), without_id(&before));
    assert_eq!(after[0].attempts, 1);
    assert_eq!(after[0].transaction_id, "tx-0");

    // Delivered from the target, each key in the source's order, after what the target had.
    let claimed = |c: Cycled| -> Vec<String> {
        c.claimed
            .into_iter()
            .map(|c| c.item.transaction_id)
            .collect()
    };
    let now = now_ms();
    assert_eq!(
        claimed(run(&mut target, "there", now, 8, 0, &[])),
        ["earlier", "tx-1"]
    );
    let done = [Settle::Done(earlier)];
    assert_eq!(
        claimed(run(&mut target, "there", now, 8, 0, &done)),
        ["tx-0"]
    );
}

fn parked_items_stay_behind(kind: Kind) {
    let Some((mut source, mut target)) = outboxes(kind, "mv_parked") else {
        return;
    };
    let parked = add(&mut source, "A", Some("k"), 1000);
    add(&mut source, "A", Some("k"), 1000);
    run(&mut source, "me", 1000, 1, 0, &[]);
    let park = Settle::Park {
        id: parked,
        attempts: 1,
        failure: Failure::default(),
    };
    run(&mut source, "me", 1000, 0, 0, &[park]);

    let report = source
        .move_pending(&mut target, "mover", false, 10)
        .unwrap();
    assert_eq!(moved(&report, &scope()), (1, 1));
    let failed = source.failed(&scope(), 10, 0).unwrap();
    assert_eq!(failed.iter().map(|f| f.id).collect::<Vec<_>>(), [parked]);
    assert_eq!(pending(&mut target).len(), 1);
    assert_eq!(target.stats(&scope()).unwrap().failed, 0);
}

fn a_live_deliverer_refuses_the_move_unless_forced(kind: Kind) {
    let Some((mut source, mut target)) = outboxes(kind, "mv_lease") else {
        return;
    };
    add(&mut source, "A", None, 1000);
    add(&mut source, "A", None, 1000);
    // A holder this process cannot judge dead: live until its lease runs out.
    let c = run(&mut source, "elsewhere:1:100:00", now_ms(), 1, 0, &[]);
    assert_eq!(c.claimed.len(), 1);

    let refused = source
        .move_pending(&mut target, "mover", false, 10)
        .unwrap_err();
    assert!(refused.to_string().contains("stop delivery"), "{refused}");
    assert!(refused.to_string().contains("elsewhere:1"), "{refused}");
    assert_eq!(
        (pending(&mut source).len(), pending(&mut target).len()),
        (2, 0)
    );

    // Forced, the claimed item goes too: if the holder sends it as well, Mindbox answers
    // TransactionAlreadyProcessed to the second send.
    let report = source.move_pending(&mut target, "mover", true, 10).unwrap();
    assert_eq!(moved(&report, &scope()), (2, 0));
    assert_eq!(pending(&mut target).len(), 2);
    // The move gave up the lease it took.
    assert_eq!(source.stats(&scope()).unwrap().deliverer, None);
}

fn a_second_run_moves_nothing(kind: Kind) {
    let Some((mut source, mut target)) = outboxes(kind, "mv_again") else {
        return;
    };
    for _ in 0..5 {
        add(&mut source, "A", Some("k"), 1000);
    }
    let first = source.move_pending_to(&mut target, false).unwrap();
    assert_eq!(moved(&first, &scope()), (5, 0));
    let second = source.move_pending_to(&mut target, false).unwrap();
    assert_eq!(moved(&second, &scope()), (0, 0));
    assert_eq!(pending(&mut target).len(), 5);
}

fn holds_and_delays_survive_the_move(kind: Kind) {
    let Some((mut source, mut target)) = outboxes(kind, "mv_hold") else {
        return;
    };
    let now = now_ms();
    let hold = Hold::from_value(
        &serde_json::json!({"key": "customer:1", "amount": 150}),
        "h",
    )
    .unwrap();
    let held = NewItem {
        hold: Some(&hold),
        ..item("Held", "held", b"{}")
    };
    source.enqueue(&scope(), &held, now).unwrap();
    let delayed = NewItem {
        delay_ms: 600_000,
        ..item("Delayed", "delayed", b"{}")
    };
    source.enqueue(&scope(), &delayed, now).unwrap();

    source
        .move_pending(&mut target, "mover", false, 10)
        .unwrap();
    assert_eq!(target.held_points(&scope(), "customer:1").unwrap(), 150.0);
    assert_eq!(source.held_points(&scope(), "customer:1").unwrap(), 0.0);
    // The delayed item still waits for its time in the target.
    let later = now_ms();
    let c = run(&mut target, "there", later, 8, 0, &[]);
    assert_eq!(c.claimed.len(), 1);
    assert_eq!(c.claimed[0].item.operation, "Held");
    let done = [Settle::Done(c.claimed[0].item.id)];
    let c = run(&mut target, "there", later, 8, 0, &done);
    assert_eq!((c.claimed, c.next), (vec![], Next::At(now + 600_000)));
}

#[test]
fn an_unreadable_row_is_parked_in_the_source() {
    let (mut source, _) = temp_file_store("moves-malformed");
    let (mut target, _) = temp_file_store("moves-malformed-target");
    add(&mut source, "A", None, 1000);
    source
        .conn()
        .execute("UPDATE items SET endpoint = 'elsewhere'", [])
        .unwrap();
    add(&mut source, "B", None, 1000);
    let report = source
        .move_pending(&mut target, "mover", false, 10)
        .unwrap();
    assert_eq!(moved(&report, &scope()), (1, 1));
    let failed = source.failed(&scope(), 10, 0).unwrap();
    assert!(
        failed[0].failure.message.contains("elsewhere"),
        "{failed:?}"
    );
    assert_eq!(pending(&mut target)[0].operation, "B");
}

#[test]
fn an_outbox_is_not_moved_into_itself() {
    let (mut source, location) = temp_file_store("moves-itself");
    add(&mut source, "A", None, 1000);
    let mut same = Store::open(&location, Synchronous::Normal, Role::Deliverer).unwrap();
    let refused = source.move_pending_to(&mut same, false).unwrap_err();
    assert!(refused.to_string().contains("same outbox"), "{refused}");
    assert_eq!(pending(&mut source).len(), 1);
}
