use super::test_support::*;

on_both!(
    items_of_one_key_go_one_at_a_time_in_order,
    ordering_keys_belong_to_their_endpoint,
    a_retried_item_still_holds_back_its_successors,
    a_recovery_ends_backoffs,
    parked_items_do_not_block_and_can_be_retried,
    a_backlog_under_the_rate_limit_is_claimed_ahead_of_its_slots,
    a_429_holds_the_whole_operation,
    scopes_are_separate_and_idle_is_reported,
    a_claim_without_a_limit_tells_when_more_wait,
);

fn items_of_one_key_go_one_at_a_time_in_order(kind: Kind) {
    let Some((mut store, _)) = temp_store(kind, "order") else {
        return;
    };
    let a1 = add(&mut store, "A", Some("k"), 1000);
    let a2 = add(&mut store, "A", Some("k"), 1000);
    let b1 = add(&mut store, "A", Some("other"), 1000);
    // a2 waits for a1, which is in flight; the other key does not.
    assert_eq!(ids(&run(&mut store, "me", 1000, 8, 0, &[])), vec![a1, b1]);
    assert!(ids(&run(&mut store, "me", 1000, 8, 0, &[])).is_empty());
    assert_eq!(
        ids(&run(&mut store, "me", 1000, 8, 0, &[Settle::Done(a1)])),
        vec![a2]
    );
}

fn ordering_keys_belong_to_their_endpoint(kind: Kind) {
    let Some((mut store, _)) = temp_store(kind, "keyscope") else {
        return;
    };
    let other = Scope {
        endpoint_id: "other-site".into(),
        base_url: scope().base_url,
    };
    add_to(&mut store, &other, "A", Some("customer:7"), 1000);
    let mine = add(&mut store, "A", Some("customer:7"), 1000);
    // The other site's pending item of the same customer holds nothing of this one back.
    assert_eq!(ids(&run(&mut store, "me", 1000, 8, 0, &[])), vec![mine]);
}

fn a_retried_item_still_holds_back_its_successors(kind: Kind) {
    let Some((mut store, _)) = temp_store(kind, "retry") else {
        return;
    };
    let first = add(&mut store, "A", Some("k"), 1000);
    add(&mut store, "A", Some("k"), 1000);
    run(&mut store, "me", 1000, 1, 0, &[]);
    let c = run(&mut store, "me", 1000, 8, 0, &[retry(first, 5000, None)]);
    assert_eq!((ids(&c), c.next), (vec![], Next::At(5000)));
    assert_eq!(ids(&run(&mut store, "me", 5000, 1, 0, &[])), vec![first]);
}

fn a_recovery_ends_backoffs(kind: Kind) {
    let Some((mut store, _)) = temp_store(kind, "recover") else {
        return;
    };
    let first = add(&mut store, "A", None, 1000);
    let second = add(&mut store, "A", None, 1000);
    run(&mut store, "me", 1000, 2, 0, &[]);
    let c = run(
        &mut store,
        "me",
        1000,
        8,
        0,
        &[Settle::Done(first), retry(second, 900_000, None)],
    );
    assert_eq!(c.next, Next::At(900_000));
    assert_eq!(store.stats(&scope()).unwrap().pending, 1);
    let c = store
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
    assert_eq!(ids(&c), vec![second]);
}

fn parked_items_do_not_block_and_can_be_retried(kind: Kind) {
    let Some((mut store, _)) = temp_store(kind, "park") else {
        return;
    };
    let first = add(&mut store, "A", Some("k"), 1000);
    let second = add(&mut store, "A", Some("k"), 1000);
    run(&mut store, "me", 1000, 1, 0, &[]);
    let failure = Failure {
        http_status: 400,
        mindbox_status: Some("ProtocolError".into()),
        error_id: Some("e".into()),
        message: "bad".into(),
    };
    let park = Settle::Park {
        id: first,
        attempts: 1,
        failure: failure.clone(),
    };
    assert_eq!(
        ids(&run(&mut store, "me", 1000, 1, 0, &[park])),
        vec![second]
    );
    let failed = store.failed(&scope(), 10, 0).unwrap();
    assert_eq!((failed.len(), &failed[0].failure), (1, &failure));
    assert!(
        store.failed(&scope(), 10, first).unwrap().is_empty(),
        "the next page"
    );
    let stats = store.stats(&scope()).unwrap();
    assert_eq!((stats.pending, stats.failed), (1, 1));
    assert_eq!(stats.last_error.as_deref(), Some("bad"));
    assert_eq!(store.retry_failed(&scope(), Some(&[999]), 2000).unwrap(), 0);
    assert_eq!(
        store.retry_failed(&scope(), Some(&[first]), 2000).unwrap(),
        1
    );
    assert_eq!(store.stats(&scope()).unwrap().failed, 0);
}

#[test]
fn waiting_and_idle_cycles_write_nothing() {
    let (mut store, path) = temp_file_store("quiet");
    let mut watcher = Store::open(&path, Synchronous::Normal, Role::Sender).unwrap();
    let first = add(&mut store, "A", Some("k"), 1000);
    add(&mut store, "A", Some("k"), 1000);
    run(&mut store, "me", 1000, 8, 0, &[]);
    watcher.changed_since_last_look().unwrap();
    for now in 1001..1100 {
        assert!(run(&mut store, "me", now, 8, 0, &[]).claimed.is_empty());
    }
    assert!(
        !watcher.changed_since_last_look().unwrap(),
        "polls took no write"
    );
    run(&mut store, "me", 1100, 8, 0, &[Settle::Done(first)]);
    assert!(watcher.changed_since_last_look().unwrap());
}

fn a_backlog_under_the_rate_limit_is_claimed_ahead_of_its_slots(kind: Kind) {
    let Some((mut store, _)) = temp_store(kind, "pace") else {
        return;
    };
    for _ in 0..5 {
        add(&mut store, "A", None, 1000);
    }
    add(&mut store, "B", None, 1000);
    // 40 ms apart: three of A fit into the 100 ms lookahead, B has its own grid.
    let c = run(&mut store, "me", 1000, 8, 40_000, &[]);
    let slots: Vec<(String, u64)> = c
        .claimed
        .iter()
        .map(|c| (c.item.operation.clone(), c.send_at_us))
        .collect();
    assert_eq!(
        slots,
        vec![
            ("A".into(), 1_000_000),
            ("A".into(), 1_040_000),
            ("A".into(), 1_080_000),
            ("B".into(), 1_000_000)
        ]
    );
    assert_eq!(c.next, Next::At(1120));
    assert_eq!(run(&mut store, "me", 1050, 8, 40_000, &[]).claimed.len(), 1);
}

fn a_429_holds_the_whole_operation(kind: Kind) {
    let Some((mut store, _)) = temp_store(kind, "hold") else {
        return;
    };
    let first = add(&mut store, "A", None, 1000);
    add(&mut store, "A", None, 1000);
    run(&mut store, "me", 1000, 1, 0, &[]);
    let key = pacing_key(&scope(), "A", Endpoint::Async);
    let c = run(
        &mut store,
        "me",
        1000,
        8,
        0,
        &[retry(first, 3000, Some((key, 3000)))],
    );
    assert_eq!((ids(&c), c.next), (vec![], Next::At(3000)));
}

fn scopes_are_separate_and_idle_is_reported(kind: Kind) {
    let Some((mut store, _)) = temp_store(kind, "scope") else {
        return;
    };
    assert_eq!(run(&mut store, "me", 1000, 8, 0, &[]).next, Next::Idle);
    let other = Scope {
        endpoint_id: "other-site".into(),
        base_url: scope().base_url,
    };
    add_to(&mut store, &other, "A", None, 1000);
    assert_eq!(run(&mut store, "me", 1000, 8, 0, &[]).next, Next::Idle);
    assert_eq!(store.stats(&other).unwrap().pending, 1);
}

fn a_claim_without_a_limit_tells_when_more_wait(kind: Kind) {
    let Some((mut store, _)) = temp_store(kind, "more") else {
        return;
    };
    let all: Vec<i64> = (0..3).map(|_| add(&mut store, "A", None, 1000)).collect();
    // The look takes only what it wants and one more: that one must still say "more, now"
    // rather than a wait for a later time.
    let c = run(&mut store, "me", 1000, 2, 0, &[]);
    assert_eq!((ids(&c), c.next), (all[..2].to_vec(), Next::More));
    let c = run(&mut store, "me", 1000, 2, 0, &[]);
    assert_eq!(ids(&c), all[2..].to_vec());
    assert_ne!(c.next, Next::More);
}
