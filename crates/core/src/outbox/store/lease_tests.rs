//! The endpoint's lease on either backend: a live holder is respected, a dead or silent one is
//! replaced and its claims freed.

use super::test_support::*;

on_both!(
    a_live_holders_lease_is_respected_until_it_expires,
    a_dead_holder_gives_up_its_lease_and_claims_at_once,
    a_holder_on_another_node_that_falls_silent_is_replaced,
);

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

/// A cycle of `who` with a lease of a minute, as the default is.
fn long_lease(store: &mut Store, who: &str, now: u64) -> Cycled {
    store
        .cycle(&Cycle {
            scope: &scope(),
            holder: who,
            lease_ms: 60_000,
            pace_us: 0,
            now,
            want: 8,
            settle: &[],
            release_backoff: false,
            key_fp: "key",
            key_refused: None,
        })
        .unwrap()
}

/// The holder runs on another node, whose processes cannot be looked up here. On MySQL its
/// heartbeat tells: alive while it writes, gone 5 s after it stopped, long before its minute-long
/// lease ends, and what it had claimed goes with it. A SQLite file has no other nodes: such a
/// holder keeps its lease until it runs out.
fn a_holder_on_another_node_that_falls_silent_is_replaced(kind: Kind) {
    let Some((mut store, path)) = temp_store(kind, "silent") else {
        return;
    };
    let mut near = Store::open(&path, Synchronous::Normal, Role::Deliverer).unwrap();
    let id = add(&mut store, "A", Some("k"), 1000);
    let far = "far-node:4242:77:00";
    assert_eq!(ids(&long_lease(&mut store, far, 1000)), vec![id]);
    // Still cycling, with the item in hand: its heartbeat goes on.
    assert!(long_lease(&mut store, far, 3000).claimed.is_empty());
    // A heartbeat renews the lease too; without one it runs from its start.
    let expires = match kind {
        Kind::Mysql => 63_000,
        Kind::File => 61_000,
    };
    assert_eq!(
        long_lease(&mut near, "near", 7000).next,
        Next::NotHolder(expires)
    );
    let after_silence = long_lease(&mut near, "near", 8500);
    match kind {
        Kind::Mysql => {
            assert_eq!(ids(&after_silence), vec![id]);
            assert_eq!(after_silence.claimed[0].item.attempts, 0);
        }
        Kind::File => assert_eq!(after_silence.next, Next::NotHolder(expires)),
    }
}
