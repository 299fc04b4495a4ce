//! The snapshots' table, added to tables of version 4 with their pending items (the logic's own
//! tests run on both backends in `store::snapshot_tests`).

use super::schema::{VERSION, version};
use super::store::open;
use super::tests::{Scratch, URL_VAR, server};
use mysql::prelude::Queryable;

#[test]
fn version_4_tables_get_snapshots_and_keep_their_items() {
    let Some(location) = server(URL_VAR) else {
        return;
    };
    let scratch = Scratch::new(location);
    let t = &scratch.tables;
    // Version 4 is version 5 without the snapshots.
    let (mut conn, _) = open(&scratch.location).unwrap();
    conn.query_drop(format!("DROP TABLE `{}`", t.snapshots))
        .unwrap();
    conn.query_drop(format!(
        "UPDATE `{}` SET value = 4 WHERE name = 'schema_version'",
        t.meta
    ))
    .unwrap();
    conn.query_drop(format!(
        "INSERT INTO `{}` (endpoint_id, base_url, operation, endpoint, body, transaction_id,
             ordering_key, created_at, next_attempt_at, updated_at, not_before)
         VALUES ('shop', 'u', 'A', 'sync', x'7B7D', 't', 'order:1', 1, 1, 1, 5)",
        t.items
    ))
    .unwrap();
    drop(conn);

    let (mut conn, _) = open(&scratch.location).unwrap();
    assert_eq!(version(&mut conn, t).unwrap(), Some(VERSION));
    let pending: Option<i64> = conn
        .query_first(format!(
            "SELECT COUNT(*) FROM `{}` WHERE status = 'pending' AND not_before = 5",
            t.items
        ))
        .unwrap();
    assert_eq!(pending, Some(1));
    conn.query_drop(format!(
        "INSERT INTO `{}` (endpoint_id, base_url, name, value, saved_at, item_id, transaction_id)
         VALUES ('shop', 'u', 'o:1', x'7B7D', 1, 1, 't')",
        t.snapshots
    ))
    .unwrap();
}
