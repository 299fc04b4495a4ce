use super::*;
use rusqlite::params;
use std::os::unix::fs::PermissionsExt;

#[test]
fn a_version_1_file_is_migrated_with_its_items() {
    let path = crate::private::test_dir("schema-v1").join("outbox.sqlite");
    {
        let old = Connection::open(&path).unwrap();
        old.execute_batch(V1).unwrap();
        old.execute_batch("PRAGMA user_version = 1").unwrap();
        old.execute(
            "INSERT INTO items (endpoint_id, base_url, operation, endpoint, body, transaction_id,
                ordering_key, created_at, next_attempt_at, updated_at)
             VALUES ('shop', 'u', 'A', 'async', x'7B7D', 't', 'k', 1, 1, 1)",
            params![],
        )
        .unwrap();
    }
    let conn = open(&path, Synchronous::Normal, Role::Deliverer).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    let index: String = conn
        .query_row(
            "SELECT sql FROM sqlite_master WHERE name = 'items_key'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let items: i64 = conn
        .query_row("SELECT COUNT(*) FROM items", [], |r| r.get(0))
        .unwrap();
    assert_eq!((version, items), (VERSION, 1));
    assert!(
        index.contains("endpoint_id, base_url, ordering_key"),
        "{index}"
    );
    // An item sent before delays and holds is due as it was and holds nothing.
    let (not_before, hold_key, hold_cents): (i64, Option<String>, i64) = conn
        .query_row(
            "SELECT not_before, hold_key, hold_cents FROM items",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((not_before, hold_key, hold_cents), (0, None, 0));
}

#[test]
fn a_key_refused_before_probes_were_scheduled_is_probed_at_once() {
    let path = crate::private::test_dir("schema-v4").join("outbox.sqlite");
    {
        let old = Connection::open(&path).unwrap();
        for step in [V1, V2, V3, V4, "PRAGMA user_version = 4"] {
            old.execute_batch(step).unwrap();
        }
        old.execute(
            "INSERT INTO credentials (lease_name, key_fp, refused_at) VALUES ('l', 'k', 5)",
            params![],
        )
        .unwrap();
    }
    let conn = open(&path, Synchronous::Normal, Role::Deliverer).unwrap();
    let row: (i64, i64, i64, i64) = conn
        .query_row(
            "SELECT refused_at, probe_interval, probed_at, probe_at FROM credentials",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(row, (5, 60_000, 0, 0));
}

#[test]
fn a_version_5_file_gets_the_bulk_budget_beside_its_items() {
    let path = crate::private::test_dir("schema-v5").join("outbox.sqlite");
    {
        let old = Connection::open(&path).unwrap();
        for step in [V1, V2, V3, V4, V5, "PRAGMA user_version = 5"] {
            old.execute_batch(step).unwrap();
        }
        old.execute(
            "INSERT INTO items (endpoint_id, base_url, operation, endpoint, body, transaction_id,
                created_at, next_attempt_at, updated_at)
             VALUES ('shop', 'u', 'A', 'async', x'7B7D', 't', 1, 1, 1)",
            params![],
        )
        .unwrap();
    }
    let conn = open(&path, Synchronous::Normal, Role::Sender).unwrap();
    let (version, items): (i64, i64) = conn
        .query_row(
            "SELECT (SELECT user_version FROM pragma_user_version), (SELECT COUNT(*) FROM items)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((version, items), (VERSION, 1));
    conn.execute_batch(
        "INSERT INTO bulk_budget (name) VALUES ('n');
         INSERT INTO bulk_slots (name, taken_at, transaction_id) VALUES ('n', 1, 't');
         INSERT INTO bulk_attempts (name, transaction_id, failures, updated_at) VALUES ('n', 't', 1, 1);",
    )
    .unwrap();
}

#[test]
fn a_version_6_file_gets_snapshots_beside_its_pending_items() {
    let path = crate::private::test_dir("schema-v6").join("outbox.sqlite");
    {
        let old = Connection::open(&path).unwrap();
        for step in [V1, V2, V3, V4, V5, V6, "PRAGMA user_version = 6"] {
            old.execute_batch(step).unwrap();
        }
        old.execute(
            "INSERT INTO items (endpoint_id, base_url, operation, endpoint, body, transaction_id,
                ordering_key, created_at, next_attempt_at, updated_at, not_before)
             VALUES ('shop', 'u', 'A', 'sync', x'7B7D', 't', 'order:1', 1, 1, 1, 5)",
            params![],
        )
        .unwrap();
    }
    let conn = open(&path, Synchronous::Normal, Role::Sender).unwrap();
    let (version, pending): (i64, i64) = conn
        .query_row(
            "SELECT (SELECT user_version FROM pragma_user_version),
                    (SELECT COUNT(*) FROM items WHERE status = 'pending' AND not_before = 5)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((version, pending), (VERSION, 1));
    conn.execute_batch(
        "INSERT INTO snapshots (endpoint_id, base_url, key, value, saved_at, item_id, transaction_id)
         VALUES ('shop', 'u', 'o:1', x'7B7D', 1, 1, 't');",
    )
    .unwrap();
}

#[test]
fn a_file_of_a_newer_version_is_refused() {
    let path = crate::private::test_dir("schema-newer").join("outbox.sqlite");
    drop(open(&path, Synchronous::Normal, Role::Sender).unwrap());
    Connection::open(&path)
        .unwrap()
        .execute_batch(&format!("PRAGMA user_version = {}", VERSION + 1))
        .unwrap();
    match open(&path, Synchronous::Normal, Role::Sender) {
        Err(Error::Outbox { message, .. }) => {
            assert!(message.contains("newer version"), "{message}")
        }
        other => panic!("expected an outbox error, got {other:?}"),
    }
}

#[test]
fn an_outbox_others_could_read_or_write_is_refused() {
    let open_at = |p: &Path| open(p, Synchronous::Normal, Role::Sender).map(drop);
    let err = |p: &Path| match open_at(p) {
        Err(Error::Outbox { message, .. }) => message,
        other => panic!("expected an outbox error, got {other:?}"),
    };
    assert!(err(&std::env::temp_dir().join("mindbox-anyone.sqlite")).contains("every user"));
    let dir = crate::private::test_dir("schema-private");
    let planted = dir.join("planted.sqlite");
    std::fs::write(&planted, b"").unwrap();
    std::fs::set_permissions(&planted, std::fs::Permissions::from_mode(0o666)).unwrap();
    assert!(err(&planted).contains("writable by other users"));
    let wal_planted = dir.join("wal.sqlite");
    std::fs::write(format!("{}-wal", wal_planted.display()), b"").unwrap();
    std::fs::set_permissions(
        format!("{}-wal", wal_planted.display()),
        std::fs::Permissions::from_mode(0o666),
    )
    .unwrap();
    assert!(err(&wal_planted).contains("-wal is writable by other users"));

    // SAFETY: umask only changes this process's file creation mask.
    let old = unsafe { libc::umask(0) };
    let fine = dir.join("outbox.sqlite");
    let conn = open(&fine, Synchronous::Normal, Role::Sender).unwrap();
    conn.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .unwrap();
    unsafe { libc::umask(old) };
    for file in [
        fine.clone(),
        PathBuf::from(format!("{}-wal", fine.display())),
    ] {
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", file.display());
    }
    let secure: i64 = conn
        .query_row("PRAGMA secure_delete", [], |r| r.get(0))
        .unwrap();
    assert_eq!(secure, 1);
}

#[test]
fn a_cached_statement_is_not_prepared_again_for_new_values() {
    let path = crate::private::test_dir("schema-qpsg").join("outbox.sqlite");
    let conn = open(&path, Synchronous::Normal, Role::Deliverer).unwrap();
    // The shape of the deliverer's queries: a time bound to each run, a limit, a partial index.
    let sql = "SELECT id FROM items WHERE endpoint_id = ?1 AND status = 'pending'
                 AND next_attempt_at <= ?2 AND (claim_expires_at IS NULL OR claim_expires_at <= ?2)
               ORDER BY next_attempt_at, id LIMIT ?3";
    for now in 1..5_i64 {
        let mut stmt = conn.prepare_cached(sql).unwrap();
        let rows = stmt.query_map(params!["shop", now, now], |r| r.get::<_, i64>(0));
        assert_eq!(rows.unwrap().count(), 0);
        let claimers = "SELECT DISTINCT claimed_by FROM items
                        WHERE claimed_by IS NOT NULL AND claim_expires_at > ?1";
        let mut other = conn.prepare_cached(claimers).unwrap();
        assert_eq!(
            other
                .query_map([now], |r| r.get::<_, String>(0))
                .unwrap()
                .count(),
            0
        );
        assert_eq!(stmt.get_status(rusqlite::StatementStatus::RePrepare), 0);
        assert_eq!(other.get_status(rusqlite::StatementStatus::RePrepare), 0);
    }
}

#[test]
fn the_claims_are_looked_up_by_their_own_index_however_deep_the_outbox() {
    use crate::outbox::sqlite::rows::{CLAIMERS, NEXT_TIMES};
    let path = crate::private::test_dir("schema-claims-plan").join("outbox.sqlite");
    let conn = open(&path, Synchronous::Normal, Role::Deliverer).unwrap();
    for sql in [CLAIMERS, NEXT_TIMES] {
        let plan: Vec<String> = conn
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .unwrap()
            .query_map(params!["shop", "https://api.mindbox.ru", 1], |r| {
                r.get::<_, String>(3)
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert!(
            plan.iter().any(|step| step.contains("items_claimed")),
            "{sql}: {plan:?}"
        );
        assert!(
            !plan
                .iter()
                .any(|step| step.ends_with("items_due (endpoint_id=? AND base_url=?)")),
            "a scan of every item of the endpoint: {plan:?}"
        );
    }
}

#[test]
fn a_new_file_gets_small_pages_and_an_older_file_keeps_its_own() {
    let dir = crate::private::test_dir("schema-pages");
    let pages = |conn: &Connection| -> (i64, i64) {
        let size = conn.query_row("PRAGMA page_size", [], |r| r.get(0));
        let checkpoint = conn.query_row("PRAGMA wal_autocheckpoint", [], |r| r.get(0));
        (size.unwrap(), checkpoint.unwrap())
    };
    let new = dir.join("new.sqlite");
    assert_eq!(
        pages(&open(&new, Synchronous::Normal, Role::Deliverer).unwrap()),
        (2048, (4 << 20) / 2072)
    );
    let old = dir.join("old.sqlite");
    Connection::open(&old)
        .unwrap()
        .execute_batch("PRAGMA journal_mode = WAL; CREATE TABLE t (x)")
        .unwrap();
    // The checkpoints come at the same size of WAL, whatever its pages.
    assert_eq!(
        pages(&open(&old, Synchronous::Normal, Role::Sender).unwrap()),
        (4096, (32 << 20) / 4120)
    );
}
