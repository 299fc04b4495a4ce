//! Points held by items until Mindbox answers them, delayed items, and withdrawal.

use super::test_support::*;
use serde_json::json;

on_both!(
    holds_last_until_mindbox_answers,
    a_delayed_item_waits_and_holds_back_its_key,
    only_items_not_in_hand_are_withdrawn,
);

/// An item sent at `now` as `send()` writes it: holding `hold` (key, amount) and waiting
/// `delay_ms`.
fn add_item(
    store: &mut Store,
    tx: &str,
    hold: Option<(&str, f64)>,
    ordering_key: Option<&str>,
    delay_ms: u64,
    now: u64,
) -> i64 {
    let hold = hold.map(|(key, amount)| {
        Hold::from_value(&json!({"key": key, "amount": amount}), "hold").unwrap()
    });
    let item = NewItem {
        ordering_key,
        hold: hold.as_ref(),
        delay_ms,
        ..item("A", tx, b"{}")
    };
    store.enqueue(&scope(), &item, now).unwrap()
}

fn park(id: i64) -> Settle {
    Settle::Park {
        id,
        attempts: 1,
        failure: Failure {
            http_status: 400,
            message: "refused".into(),
            ..Failure::default()
        },
    }
}

fn holds_last_until_mindbox_answers(kind: Kind) {
    let Some((mut store, _)) = temp_store(kind, "held") else {
        return;
    };
    let first = add_item(&mut store, "a", Some(("customer:1", 100.5)), None, 0, 1000);
    let second = add_item(&mut store, "b", Some(("customer:1", 49.25)), None, 0, 1000);
    let third = add_item(&mut store, "c", Some(("customer:2", 7.0)), None, 0, 1000);
    let fourth = add_item(&mut store, "d", None, None, 0, 1000);
    add_item(
        &mut store,
        "e",
        Some(("customer:1", 5.0)),
        None,
        60_000,
        1000,
    );
    // Another site's hold under the same key is not this endpoint's.
    let other = Scope {
        endpoint_id: "other-site".into(),
        base_url: scope().base_url,
    };
    let elsewhere = Hold::from_value(&json!({"key": "customer:1", "amount": 1000}), "h").unwrap();
    let foreign = NewItem {
        hold: Some(&elsewhere),
        ..item("A", "f", b"{}")
    };
    store.enqueue(&other, &foreign, 1000).unwrap();
    let held = |store: &mut Store| store.held_points(&scope(), "customer:1").unwrap();

    assert_eq!(held(&mut store), 154.75, "pending and delayed");
    assert_eq!(store.held_points(&scope(), "customer:2").unwrap(), 7.0);
    assert_eq!(store.held_points(&scope(), "customer:3").unwrap(), 0.0);
    assert_eq!(store.held_points(&other, "customer:1").unwrap(), 1000.0);
    assert_eq!(ids(&run(&mut store, "me", 1000, 8, 0, &[])).len(), 4);
    assert_eq!(held(&mut store), 154.75, "in flight");
    run(&mut store, "me", 1000, 0, 0, &[retry(first, 5000, None)]);
    assert_eq!(held(&mut store), 154.75, "waiting for a retry");
    let done = [second, third, fourth].map(Settle::Done);
    run(&mut store, "me", 1000, 0, 0, &done);
    assert_eq!(held(&mut store), 105.5, "delivered");
    assert_eq!(ids(&run(&mut store, "me", 5000, 1, 0, &[])), vec![first]);
    run(&mut store, "me", 5000, 0, 0, &[park(first)]);
    assert_eq!(held(&mut store), 5.0, "parked");
    assert_eq!(store.retry_failed(&scope(), None, 6000).unwrap(), 1);
    assert_eq!(held(&mut store), 105.5, "sent again");
}

fn a_delayed_item_waits_and_holds_back_its_key(kind: Kind) {
    let Some((mut store, _)) = temp_store(kind, "delay") else {
        return;
    };
    let delayed = add_item(&mut store, "cancel", None, Some("order:1"), 900_000, 1000);
    // Pending, and waiting from its time on, not from when it was written.
    let stats = store.stats(&scope()).unwrap();
    assert_eq!((stats.pending, stats.oldest_pending_at), (1, Some(901_000)));
    let after = add_item(&mut store, "update", None, Some("order:1"), 0, 1000);
    let free = add_item(&mut store, "other", None, Some("order:2"), 0, 1000);
    assert_eq!(ids(&run(&mut store, "me", 1000, 8, 0, &[])), vec![free]);
    let c = run(&mut store, "me", 1000, 8, 0, &[Settle::Done(free)]);
    assert_eq!((ids(&c), c.next), (vec![], Next::At(901_000)));
    // Mindbox back after an outage brings retries forward, never a delay.
    let recovered = store
        .cycle(&Cycle {
            scope: &scope(),
            holder: "me",
            lease_ms: 3000,
            pace_us: 0,
            now: 2000,
            want: 8,
            settle: &[],
            release_backoff: true,
            key_fp: "key",
            key_refused: None,
        })
        .unwrap();
    assert_eq!(
        (ids(&recovered), recovered.next),
        (vec![], Next::At(901_000))
    );
    assert_eq!(
        ids(&run(&mut store, "me", 901_000, 8, 0, &[])),
        vec![delayed]
    );
    let c = run(&mut store, "me", 901_000, 8, 0, &[Settle::Done(delayed)]);
    assert_eq!(ids(&c), vec![after]);
}

fn only_items_not_in_hand_are_withdrawn(kind: Kind) {
    let Some((mut store, _)) = temp_store(kind, "withdraw") else {
        return;
    };
    let parked = add_item(&mut store, "parked", Some(("c", 10.0)), None, 0, 1000);
    let delivered = add_item(&mut store, "delivered", None, None, 0, 1000);
    add_item(&mut store, "flying", None, None, 0, 1000);
    assert_eq!(run(&mut store, "me", 1000, 3, 0, &[]).claimed.len(), 3);
    run(
        &mut store,
        "me",
        1000,
        0,
        0,
        &[park(parked), Settle::Done(delivered)],
    );
    add_item(&mut store, "pending", None, None, 0, 1000);
    add_item(
        &mut store,
        "delayed",
        Some(("c", 5.0)),
        Some("k"),
        60_000,
        1000,
    );
    let behind = add_item(&mut store, "behind", None, Some("k"), 0, 1000);
    let other = Scope {
        endpoint_id: "other-site".into(),
        base_url: scope().base_url,
    };
    store
        .enqueue(&other, &item("A", "pending", b"{}"), 1000)
        .unwrap();

    let mut withdraw = |tx: &str, now: u64| store.withdraw(&scope(), tx, now).unwrap();
    assert!(!withdraw("flying", 1000), "in flight");
    assert!(!withdraw("delivered", 1000));
    assert!(!withdraw("unknown", 1000));
    assert!(withdraw("pending", 1000));
    assert!(!withdraw("pending", 1000), "already withdrawn");
    assert!(withdraw("parked", 1000));
    assert!(withdraw("delayed", 1000));
    // The claim of a holder that hung past its lease protects nothing.
    assert!(withdraw("flying", 4000));
    assert_eq!(store.held_points(&scope(), "c").unwrap(), 0.0);
    // What waited behind the withdrawn item goes now; the other site's item stays.
    assert_eq!(ids(&run(&mut store, "me", 4000, 8, 0, &[])), vec![behind]);
    let stats = store.stats(&scope()).unwrap();
    assert_eq!((stats.pending, stats.failed), (1, 0));
    assert_eq!(store.stats(&other).unwrap().pending, 1);
}
