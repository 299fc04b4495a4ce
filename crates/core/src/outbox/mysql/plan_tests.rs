//! The plans of a cycle's looks on a server: a look that read every item of the endpoint would
//! slow delivery down as the backlog grows.

use super::rows::candidates_sql;
use super::store::{MysqlStore, open};
use super::tests::{Scratch, URL_VAR, server};
use crate::endpoint::Endpoint;
use crate::outbox::item::{NewItem, Scope};
use mysql::Row;
use mysql::prelude::Queryable;

#[test]
fn the_look_for_an_earlier_item_of_a_key_probes_the_keys_index() {
    let Some(location) = server(URL_VAR) else {
        return;
    };
    let scratch = Scratch::new(location);
    let mut store = MysqlStore::open(&scratch.location).unwrap();
    let scope = Scope {
        endpoint_id: "shop".into(),
        base_url: "http://127.0.0.1:1".into(),
    };
    // A backlog as a shop's outage leaves it: most items of a key of their own.
    for n in 0..2000 {
        let tx = format!("tx-{n}");
        let key = format!("customer:{}", n % 1500);
        let item = NewItem {
            operation: "A",
            endpoint: Endpoint::Async,
            body: b"{}",
            transaction_id: &tx,
            device_uuid: None,
            customer_ip: None,
            ordering_key: Some(&key),
            hold: None,
            delay_ms: 0,
            snapshot: None,
        };
        store.enqueue(&scope, &item, 1000 + n).unwrap();
    }
    // Its statistics are the new table's, as after an outage's backlog filled it at once: the
    // server refreshes them in the background, too late for the drain.
    let (mut conn, _) = open(&scratch.location).unwrap();
    let plan: Vec<Row> = conn
        .exec(
            format!("EXPLAIN {}", candidates_sql(&scratch.tables)),
            ("shop", "http://127.0.0.1:1", 5000, 5000, 9),
        )
        .unwrap();
    let used: Vec<(Option<String>, Option<String>)> = plan
        .into_iter()
        .map(|mut row| (row.take("select_type"), row.take("key")))
        .collect();
    let probe = used
        .iter()
        .find(|(kind, _)| kind.as_deref() == Some("DEPENDENT SUBQUERY"));
    assert_eq!(
        probe.and_then(|(_, key)| key.as_deref()),
        Some("items_key"),
        "{used:?}"
    );
}
