//! What only a server shows of held points and withdrawal: the plan of a sum of holds, and a
//! withdrawal between a deliverer's look at the candidates and its claim.

use super::rows::MysqlRows;
use super::store::{MysqlStore, held_sql, open};
use super::tests::{Scratch, URL_VAR, server};
use crate::endpoint::Endpoint;
use crate::outbox::hold::Hold;
use crate::outbox::item::{NewItem, Scope};
use crate::outbox::rows::Rows;
use mysql::prelude::Queryable;
use mysql::{Row, TxOpts};

fn scope() -> Scope {
    Scope {
        endpoint_id: "shop".into(),
        base_url: "http://127.0.0.1:1".into(),
    }
}

fn item<'a>(tx: &'a str, hold: Option<&'a Hold>) -> NewItem<'a> {
    NewItem {
        operation: "A",
        endpoint: Endpoint::Async,
        body: b"{}",
        transaction_id: tx,
        device_uuid: None,
        customer_ip: None,
        ordering_key: None,
        hold,
        delay_ms: 0,
        snapshot: None,
    }
}

#[test]
fn a_sum_of_holds_is_one_look_at_its_index() {
    let Some(location) = server(URL_VAR) else {
        return;
    };
    let scratch = Scratch::new(location);
    let mut store = MysqlStore::open(&scratch.location).unwrap();
    for n in 0..20 {
        let hold = Hold {
            key: format!("customer:{}", n % 5),
            cents: 100,
        };
        let tx = format!("tx-{n}");
        let held = item(&tx, (n % 2 == 0).then_some(&hold));
        store.enqueue(&scope(), &held, 1000).unwrap();
    }
    assert_eq!(store.held_cents(&scope(), "customer:0").unwrap(), 200);
    let (mut conn, _) = open(&scratch.location).unwrap();
    let plan: Vec<Row> = conn
        .exec(
            format!("EXPLAIN {}", held_sql(&scratch.tables)),
            ("shop", "http://127.0.0.1:1", "customer:0"),
        )
        .unwrap();
    let used: Vec<(Option<String>, Option<String>)> = plan
        .into_iter()
        .map(|mut row| (row.take("key"), row.take("Extra")))
        .collect();
    assert_eq!(used.len(), 1, "{used:?}");
    assert_eq!(used[0].0.as_deref(), Some("items_hold"), "{used:?}");
    assert!(
        used[0].1.as_deref().unwrap_or("").contains("Using index"),
        "the index alone answers: {used:?}"
    );
}

#[test]
fn an_item_withdrawn_after_a_deliverer_saw_it_is_not_claimed() {
    let Some(location) = server(URL_VAR) else {
        return;
    };
    let scratch = Scratch::new(location);
    let mut shop = MysqlStore::open(&scratch.location).unwrap();
    shop.enqueue(&scope(), &item("cancel", None), 1000).unwrap();
    let (mut conn, tables) = open(&scratch.location).unwrap();
    let mut tx = conn.start_transaction(TxOpts::default()).unwrap();
    let mut rows = MysqlRows {
        q: &mut tx,
        tables: &tables,
        locking: true,
    };
    // The deliverer's snapshot still has the item after the shop took it back.
    let seen = rows.candidates(&scope(), 1000, 8).unwrap();
    assert_eq!(seen.len(), 1);
    assert!(shop.withdraw(&scope(), "cancel", 1000).unwrap());
    let claimed = rows.claim(seen[0].id, "me", 4000).unwrap();
    assert!(
        claimed.is_err(),
        "a withdrawn item was claimed: {claimed:?}"
    );
}
