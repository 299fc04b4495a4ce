use super::*;

#[derive(Debug, Clone, Copy)]
pub(super) enum Kind {
    File,
    Mysql,
}

/// A fresh outbox: a file of its own, or tables of their own (a prefix per test and run) in the
/// test MariaDB that scripts/test.sh starts (`MINDBOX_TEST_MYSQL_URL`); `None` without one.
pub(super) fn temp_store(kind: Kind, name: &str) -> Option<(Store, Location)> {
    let location = match kind {
        Kind::File => Location::File(
            crate::core::private::test_dir(&format!("store-{name}")).join("outbox.sqlite"),
        ),
        Kind::Mysql => {
            let Ok(url) = std::env::var("MINDBOX_TEST_MYSQL_URL") else {
                eprintln!("MINDBOX_TEST_MYSQL_URL is not set: {name} was not run on MySQL");
                return None;
            };
            let join = if url.contains('?') { '&' } else { '?' };
            let prefix = format!("s{}_{name}_", std::process::id());
            Location::parse(&format!("{url}{join}prefix={prefix}")).unwrap()
        }
    };
    let store = Store::open(&location, Synchronous::Normal, Role::Deliverer).unwrap();
    Some((store, location))
}

pub(super) fn temp_file_store(name: &str) -> (Store, Location) {
    temp_store(Kind::File, name).unwrap()
}

/// Each test named runs on both backends: the logic is one, whatever keeps the rows.
macro_rules! on_both {
    ($($test:ident),* $(,)?) => {$(
        mod $test {
            #[test]
            fn sqlite() {
                super::$test(super::Kind::File)
            }

            #[test]
            fn mysql() {
                super::$test(super::Kind::Mysql)
            }
        }
    )*};
}

on_both!(
    items_of_one_key_go_one_at_a_time_in_order,
    ordering_keys_belong_to_their_endpoint,
    a_retried_item_still_holds_back_its_successors,
    a_recovery_ends_backoffs,
    parked_items_do_not_block_and_can_be_retried,
    a_live_holders_lease_is_respected_until_it_expires,
    a_dead_holder_gives_up_its_lease_and_claims_at_once,
    a_backlog_under_the_rate_limit_is_claimed_ahead_of_its_slots,
    a_429_holds_the_whole_operation,
    scopes_are_separate_and_idle_is_reported,
);

pub(super) fn scope() -> Scope {
    Scope {
        endpoint_id: "shop".into(),
        base_url: "http://127.0.0.1:1".into(),
    }
}

/// An item of `operation` with transaction id `tx`, as the shop's thread makes it.
pub(super) fn item<'a>(operation: &'a str, tx: &'a str, body: &'a [u8]) -> NewItem<'a> {
    NewItem {
        operation,
        endpoint: Endpoint::Async,
        body,
        transaction_id: tx,
        device_uuid: None,
        customer_ip: None,
        ordering_key: None,
    }
}

fn add_to(store: &mut Store, scope: &Scope, operation: &str, key: Option<&str>, now: u64) -> i64 {
    let tx = format!("tx-{operation}-{now}-{}", fastrand::u32(..));
    let item = NewItem {
        ordering_key: key,
        ..item(operation, &tx, b"{}")
    };
    store.enqueue(scope, &item, now).unwrap()
}

pub(super) fn add(store: &mut Store, operation: &str, key: Option<&str>, now: u64) -> i64 {
    add_to(store, &scope(), operation, key, now)
}

/// A cycle of holder `who` at `now` wanting `want` items, settling `settle`.
pub(super) fn run(
    store: &mut Store,
    who: &str,
    now: u64,
    want: usize,
    pace_us: u64,
    settle: &[Settle],
) -> Cycled {
    store
        .cycle(&Cycle {
            scope: &scope(),
            holder: who,
            lease_ms: 3000,
            pace_us,
            now,
            want,
            settle,
            release_backoff: false,
            key_fp: "key",
            key_refused: None,
        })
        .unwrap()
}

pub(super) fn ids(c: &Cycled) -> Vec<i64> {
    c.claimed.iter().map(|c| c.item.id).collect()
}

fn retry(id: i64, at: u64, hold: Option<(String, u64)>) -> Settle {
    Settle::Retry {
        id,
        attempts: 1,
        at,
        failure: Failure::default(),
        hold,
    }
}

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

fn a_live_holders_lease_is_respected_until_it_expires(kind: Kind) {
    let Some((mut store, path)) = temp_store(kind, "lease") else {
        return;
    };
    let mut other = Store::open(&path, Synchronous::Normal, Role::Deliverer).unwrap();
    add(&mut store, "A", None, 1000);
    add(&mut store, "A", None, 1000);
    assert_eq!(run(&mut store, "first", 1000, 1, 0, &[]).claimed.len(), 1);
    assert_eq!(
        run(&mut other, "second", 1500, 8, 0, &[]).next,
        Next::NotHolder(4000)
    );
    // "first" cannot be judged alive or dead: after the lease, its lease and claim are taken.
    let c = run(&mut other, "second", 4000, 8, 0, &[]);
    assert_eq!((c.claimed.len(), c.claimed[0].item.attempts), (2, 0));
    store.release_lease(&scope(), "first").unwrap();
    assert!(matches!(
        run(&mut store, "first", 4001, 8, 0, &[]).next,
        Next::NotHolder(_)
    ));
    other.release_lease(&scope(), "second").unwrap();
    assert!(matches!(
        run(&mut store, "first", 4001, 8, 0, &[]).next,
        Next::At(_)
    ));
}

fn a_dead_holder_gives_up_its_lease_and_claims_at_once(kind: Kind) {
    let Some((mut store, path)) = temp_store(kind, "dead") else {
        return;
    };
    let mut other = Store::open(&path, Synchronous::Normal, Role::Deliverer).unwrap();
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let pid = child.id();
    let start = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            s[s.rfind(')')? + 1..]
                .split_whitespace()
                .nth(19)?
                .parse::<u64>()
                .ok()
        })
        .unwrap_or(1);
    child.wait().unwrap();
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
    let dead = format!("{}:{pid}:{start}:00", host.trim());
    let id = add(&mut store, "A", Some("k"), 1000);
    assert_eq!(ids(&run(&mut store, &dead, 1000, 1, 0, &[])), vec![id]);
    // Long before its lease (3 s) would run out.
    assert_eq!(ids(&run(&mut other, "next", 1001, 8, 0, &[])), vec![id]);
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
