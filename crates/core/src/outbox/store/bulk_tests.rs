//! The bulk imports' budget on either backend, shared by every connection to the outbox.

use super::test_support::*;
use crate::clock::now_ms;
use std::sync::{Arc, Barrier};

on_both!(
    two_connections_share_the_hourly_budget,
    a_429_gives_the_slot_back_and_blocks_every_connection,
    a_429_without_retry_after_waits_for_the_oldest_slot_and_a_minute_at_least,
    failed_attempts_are_counted_per_transaction_until_answered,
    racing_reservations_never_take_more_than_the_limit,
    stats_show_the_hour_and_the_block,
);

const HOUR: u64 = 3_600_000;
const T0: u64 = 1_000_000_000;

fn other(path: &Location) -> Store {
    Store::open(path, Synchronous::Normal, Role::Sender).unwrap()
}

fn two_connections_share_the_hourly_budget(kind: Kind) {
    let Some((mut a, path)) = temp_store(kind, "bulk_share") else {
        return;
    };
    let mut b = other(&path);
    let s = scope();
    assert!(matches!(
        a.bulk_reserve(&s, "t1", 2, T0).unwrap(),
        Reservation::Taken(_)
    ));
    assert!(matches!(
        b.bulk_reserve(&s, "t2", 2, T0 + 10).unwrap(),
        Reservation::Taken(_)
    ));
    // A repeat of a transactionId counts as any other import.
    for store in [&mut a, &mut b] {
        assert_eq!(
            store.bulk_reserve(&s, "t1", 2, T0 + 20).unwrap(),
            Reservation::Spent { until: T0 + HOUR }
        );
    }
    // Another endpoint has a budget of its own.
    let elsewhere = Scope {
        endpoint_id: "other-site".into(),
        ..scope()
    };
    assert!(matches!(
        b.bulk_reserve(&elsewhere, "t3", 2, T0 + 20).unwrap(),
        Reservation::Taken(_)
    ));
    // The oldest slot frees an hour after it was taken, the next ten milliseconds later.
    assert!(matches!(
        b.bulk_reserve(&s, "t3", 2, T0 + HOUR).unwrap(),
        Reservation::Taken(_)
    ));
    assert_eq!(
        a.bulk_reserve(&s, "t4", 2, T0 + HOUR + 9).unwrap(),
        Reservation::Spent {
            until: T0 + HOUR + 10
        }
    );
    assert!(matches!(
        a.bulk_reserve(&s, "t4", 2, T0 + HOUR + 10).unwrap(),
        Reservation::Taken(_)
    ));
}

fn a_429_gives_the_slot_back_and_blocks_every_connection(kind: Kind) {
    let Some((mut a, path)) = temp_store(kind, "bulk_block") else {
        return;
    };
    let mut b = other(&path);
    let s = scope();
    let Reservation::Taken(slot) = a.bulk_reserve(&s, "t1", 5, T0).unwrap() else {
        panic!("no slot");
    };
    let Reservation::Taken(in_flight) = b.bulk_reserve(&s, "t2", 5, T0).unwrap() else {
        panic!("no slot");
    };
    let until = a.bulk_too_many(&s, slot, Some(120_000), T0 + 500).unwrap();
    assert_eq!(until, T0 + 120_500);
    // A shorter Retry-After of a request that was in flight meanwhile does not shorten it.
    assert_eq!(
        b.bulk_too_many(&s, in_flight, Some(1_000), T0 + 600)
            .unwrap(),
        until
    );
    assert_eq!(
        b.bulk_reserve(&s, "t3", 5, T0 + 700).unwrap(),
        Reservation::Blocked { until }
    );
    assert_eq!(
        a.bulk_reserve(&s, "t3", 5, until - 1).unwrap(),
        Reservation::Blocked { until }
    );
    // Once it is over, all five slots are there: the refused import made no task.
    for n in 0..5 {
        let tx = format!("t{n}");
        assert!(matches!(
            b.bulk_reserve(&s, &tx, 5, until + n).unwrap(),
            Reservation::Taken(_)
        ));
    }
    assert!(matches!(
        a.bulk_reserve(&s, "t9", 5, until + 9).unwrap(),
        Reservation::Spent { .. }
    ));
}

fn a_429_without_retry_after_waits_for_the_oldest_slot_and_a_minute_at_least(kind: Kind) {
    let Some((mut store, _)) = temp_store(kind, "bulk_noretry") else {
        return;
    };
    let s = scope();
    let Reservation::Taken(alone) = store.bulk_reserve(&s, "t1", 60, T0).unwrap() else {
        panic!("no slot");
    };
    assert_eq!(
        store.bulk_too_many(&s, alone, None, T0).unwrap(),
        T0 + 60_000
    );
    store.bulk_reserve(&s, "t2", 60, T0 + 60_000).unwrap();
    let Reservation::Taken(late) = store.bulk_reserve(&s, "t3", 60, T0 + 600_000).unwrap() else {
        panic!("no slot");
    };
    assert_eq!(
        store.bulk_too_many(&s, late, None, T0 + 600_000).unwrap(),
        T0 + 60_000 + HOUR
    );
}

fn failed_attempts_are_counted_per_transaction_until_answered(kind: Kind) {
    let Some((mut a, path)) = temp_store(kind, "bulk_failed") else {
        return;
    };
    let mut b = other(&path);
    let s = scope();
    assert_eq!(a.bulk_failed(&s, "t1", T0).unwrap(), 1);
    assert_eq!(b.bulk_failed(&s, "t1", T0 + 1).unwrap(), 2);
    assert_eq!(b.bulk_failed(&s, "t2", T0 + 2).unwrap(), 1);
    assert_eq!(a.bulk_failed(&s, "t1", T0 + 3).unwrap(), 3);
    b.bulk_answered(&s, "t1").unwrap();
    assert_eq!(a.bulk_failed(&s, "t1", T0 + 4).unwrap(), 1);
    assert_eq!(a.bulk_failed(&s, "t2", T0 + 5).unwrap(), 2);
    // A transactionId nobody tried again for a month is forgotten.
    let later = T0 + 31 * 24 * HOUR;
    a.bulk_reserve(&s, "t3", 60, later).unwrap();
    assert_eq!(a.bulk_failed(&s, "t2", later).unwrap(), 1);
}

fn racing_reservations_never_take_more_than_the_limit(kind: Kind) {
    let Some((_, path)) = temp_store(kind, "bulk_race") else {
        return;
    };
    const RACERS: usize = 6;
    let start = Arc::new(Barrier::new(RACERS));
    let racers: Vec<_> = (0..RACERS)
        .map(|n| {
            let (path, start) = (path.clone(), start.clone());
            std::thread::spawn(move || {
                let mut store = other(&path);
                start.wait();
                store
                    .bulk_reserve(&scope(), &format!("t{n}"), 3, T0)
                    .unwrap()
            })
        })
        .collect();
    let taken = racers
        .into_iter()
        .map(|r| r.join().unwrap())
        .filter(|r| matches!(r, Reservation::Taken(_)))
        .count();
    assert_eq!(taken, 3);
}

fn stats_show_the_hour_and_the_block(kind: Kind) {
    let Some((mut store, _)) = temp_store(kind, "bulk_stats") else {
        return;
    };
    let s = scope();
    let now = now_ms();
    let stats = store.stats(&s).unwrap();
    assert_eq!(
        (stats.bulk_imports_last_hour, stats.bulk_blocked_until),
        (0, None)
    );
    store.bulk_reserve(&s, "t1", 60, now - HOUR).unwrap();
    store.bulk_reserve(&s, "t2", 60, now - 1000).unwrap();
    let Reservation::Taken(slot) = store.bulk_reserve(&s, "t3", 60, now).unwrap() else {
        panic!("no slot");
    };
    let stats = store.stats(&s).unwrap();
    assert_eq!(
        (stats.bulk_imports_last_hour, stats.bulk_blocked_until),
        (2, None)
    );
    let until = store.bulk_too_many(&s, slot, Some(3_600_000), now).unwrap();
    let stats = store.stats(&s).unwrap();
    assert_eq!(
        (stats.bulk_imports_last_hour, stats.bulk_blocked_until),
        (1, Some(until))
    );
}
