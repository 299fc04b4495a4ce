//! What the store's tests share: a fresh outbox on either backend, and the moves of a test.

pub(super) use super::*;
pub(super) use crate::endpoint::Endpoint;
pub(super) use crate::outbox::location::Place;
pub(super) use crate::outbox::{
    Failure, Hold, Location, NewItem, Role, Scope, Synchronous, pacing_key,
};

#[derive(Debug, Clone, Copy)]
pub(super) enum Kind {
    File,
    Mysql,
}

/// A fresh outbox: a file of its own, or tables of their own (a prefix per test and run) in the
/// test MariaDB that scripts/test.sh starts (`MINDBOX_TEST_MYSQL_URL`); `None` without one.
pub(super) fn temp_store(kind: Kind, name: &str) -> Option<(Store, Location)> {
    let location = match kind {
        Kind::File => Location(Place::File(
            crate::private::test_dir(&format!("store-{name}")).join("outbox.sqlite"),
        )),
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
        hold: None,
        delay_ms: 0,
        snapshot: None,
    }
}

pub(super) fn add_to(
    store: &mut Store,
    scope: &Scope,
    operation: &str,
    key: Option<&str>,
    now: u64,
) -> i64 {
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

pub(super) fn retry(id: i64, at: u64, hold: Option<(String, u64)>) -> Settle {
    Settle::Retry {
        id,
        attempts: 1,
        at,
        failure: Failure::default(),
        hold,
    }
}
