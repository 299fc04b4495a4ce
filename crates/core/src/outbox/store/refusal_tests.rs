//! A refused key on either backend: one probe at a time when it is due, waits that grow after
//! each refused probe, the same schedule for every holder with that key, and an end to it all
//! when Mindbox takes the key.

use super::test_support::*;

on_both!(
    a_refused_key_sends_one_probe_when_due_and_waits_longer_after_each_refusal,
    a_new_holder_with_the_refused_key_waits_for_the_same_probe,
    a_call_that_mindbox_answers_ends_the_refusal,
);

const FIRST: u64 = 1_000;
const REFUSED: Option<KeyVerdict> = Some(KeyVerdict::Refused {
    first_probe_ms: FIRST,
});

/// A cycle of `who` at `now`, telling the outbox what Mindbox said of the key since the last.
fn cycle(
    store: &mut Store,
    who: &str,
    now: u64,
    settle: &[Settle],
    verdict: Option<KeyVerdict>,
) -> Cycled {
    store
        .cycle(&Cycle {
            scope: &scope(),
            holder: who,
            lease_ms: 60_000,
            pace_us: 0,
            now,
            want: 8,
            settle,
            release_backoff: false,
            key_fp: "key",
            key_refused: verdict,
        })
        .unwrap()
}

/// An item Mindbox answered 401: it waits for the key's probe, as the deliverer settles it.
fn refused_again(id: i64, now: u64) -> Settle {
    Settle::Retry {
        id,
        attempts: 0,
        at: now + FIRST,
        failure: Failure {
            http_status: 401,
            ..Failure::default()
        },
        hold: None,
    }
}

fn a_refused_key_sends_one_probe_when_due_and_waits_longer_after_each_refusal(kind: Kind) {
    let Some((mut store, _)) = temp_store(kind, "probes") else {
        return;
    };
    for _ in 0..3 {
        add(&mut store, "A", None, 1_000);
    }
    let volley = ids(&cycle(&mut store, "me", 1_000, &[], None));
    assert_eq!(volley.len(), 3);
    // The whole volley is refused: one refusal, its probe a first interval later.
    let settle: Vec<Settle> = volley.iter().map(|id| refused_again(*id, 1_050)).collect();
    let c = cycle(&mut store, "me", 1_050, &settle, REFUSED);
    assert_eq!((ids(&c), c.next), (vec![], Next::Refused(2_050)));
    assert_eq!(
        cycle(&mut store, "me", 1_100, &[], REFUSED).next,
        Next::Refused(2_050),
        "a late refusal of the same volley"
    );
    assert_eq!(
        cycle(&mut store, "me", 2_000, &[], None).next,
        Next::Refused(2_050)
    );
    let mut now = 2_050;
    let mut waits = Vec::new();
    for _ in 0..5 {
        let probe = cycle(&mut store, "me", now, &[], None);
        assert_eq!(ids(&probe).len(), 1, "one probe at {now}");
        // Until its answer, nothing else, and no second probe: its answer may never come.
        let waiting = cycle(&mut store, "me", now + 10, &[], None);
        assert!(ids(&waiting).is_empty());
        assert!(matches!(waiting.next, Next::Refused(t) if t > now));
        let answered = cycle(
            &mut store,
            "me",
            now + 20,
            &[refused_again(ids(&probe)[0], now + 20)],
            REFUSED,
        );
        let Next::Refused(next) = answered.next else {
            panic!("{answered:?}");
        };
        waits.push(next - (now + 20));
        now = next;
    }
    assert_eq!(waits, [2, 4, 5, 5, 5].map(|n| n * FIRST));
    let stats_probe = store.refusal(&scope(), "key").unwrap().unwrap().probe_at;
    assert_eq!(stats_probe, now);
    let probe = ids(&cycle(&mut store, "me", now, &[], None));
    let taken = cycle(
        &mut store,
        "me",
        now + 20,
        &[Settle::Done(probe[0])],
        Some(KeyVerdict::Taken),
    );
    assert_eq!(ids(&taken).len(), 2, "the rest goes at once");
    assert_eq!(store.refusal(&scope(), "key").unwrap(), None);
}

fn a_new_holder_with_the_refused_key_waits_for_the_same_probe(kind: Kind) {
    let Some((mut store, path)) = temp_store(kind, "probe_takeover") else {
        return;
    };
    let mut other = Store::open(&path, Synchronous::Normal, Role::Deliverer).unwrap();
    for _ in 0..3 {
        add(&mut store, "A", None, 1_000);
    }
    let first = ids(&cycle(&mut store, "gone", 1_000, &[], None));
    let settle: Vec<Settle> = first.iter().map(|id| refused_again(*id, 1_050)).collect();
    cycle(&mut store, "gone", 1_050, &settle, REFUSED);
    store.release_lease(&scope(), "gone").unwrap();
    // Before, a new holder sent everything at once with the refused key.
    let c = cycle(&mut other, "new", 1_100, &[], None);
    assert_eq!((ids(&c), c.next), (vec![], Next::Refused(2_050)));
    assert_eq!(ids(&cycle(&mut other, "new", 2_050, &[], None)).len(), 1);
}

fn a_call_that_mindbox_answers_ends_the_refusal(kind: Kind) {
    let Some((mut store, _)) = temp_store(kind, "probe_call") else {
        return;
    };
    for _ in 0..3 {
        add(&mut store, "A", None, 1_000);
    }
    assert!(
        !store.key_taken(&scope(), "key", 1_000).unwrap(),
        "none to end"
    );
    let first = ids(&cycle(&mut store, "me", 1_000, &[], None));
    let settle: Vec<Settle> = first.iter().map(|id| refused_again(*id, 1_050)).collect();
    cycle(&mut store, "me", 1_050, &settle, REFUSED);
    assert!(store.key_taken(&scope(), "key", 1_100).unwrap());
    assert_eq!(store.refusal(&scope(), "key").unwrap(), None);
    assert_eq!(ids(&cycle(&mut store, "me", 1_100, &[], None)).len(), 3);
}
