//! The outbox as a file: full disks, WAL growth, files that are not outboxes, rows that are not items.

use super::test_support::*;
use crate::error::Error;

#[test]
fn a_full_disk_is_an_outbox_error() {
    let (mut store, path) = temp_file_store("full");
    // SQLite reports a capped file exactly as it reports a full disk.
    store
        .conn()
        .execute_batch("PRAGMA max_page_count = 12")
        .unwrap();
    let body = vec![b'x'; 4096];
    let result = (0..100).try_for_each(|n| {
        let tx = format!("tx-{n}");
        store
            .enqueue(&scope(), &item("A", &tx, &body), 1000)
            .map(drop)
    });
    match result {
        Err(Error::Outbox { path: p, message }) => {
            assert_eq!(p, path.display().to_string());
            assert!(message.contains("full"), "{message}");
        }
        other => panic!("expected an outbox error, got {other:?}"),
    }
}

#[test]
fn the_wal_stays_bounded_when_only_the_sender_writes() {
    let (_, path) = temp_file_store("wal");
    let mut sender = Store::open(&path, Synchronous::Normal, Role::Sender).unwrap();
    let path = path.file().unwrap().to_path_buf();
    let body = vec![b'x'; 16 * 1024];
    for n in 0..3000 {
        let tx = format!("tx-{n}");
        sender
            .enqueue(&scope(), &item("A", &tx, &body), 1000)
            .unwrap();
    }
    // Some 70 MB went through the WAL; without checkpoints it would hold all of it.
    let wal = std::fs::metadata(format!("{}-wal", path.display()))
        .unwrap()
        .len();
    assert!(wal < 48 * 1024 * 1024, "WAL of {wal} bytes");
}

#[test]
fn bad_files_are_outbox_errors() {
    let dir = crate::private::test_dir("bad-files");
    assert!(matches!(
        Store::open(
            &Location(Place::File(dir.clone())),
            Synchronous::Normal,
            Role::Deliverer
        ),
        Err(Error::Outbox { .. })
    ));
    let corrupt = dir.join(format!("mindbox-corrupt-{}.sqlite", std::process::id()));
    std::fs::write(&corrupt, vec![b'x'; 8192]).unwrap();
    match Store::open(
        &Location(Place::File(corrupt.clone())),
        Synchronous::Normal,
        Role::Deliverer,
    ) {
        Err(Error::Outbox { path, message }) => {
            assert_eq!(path, corrupt.display().to_string());
            assert!(message.contains("not a database"), "{message}");
        }
        other => panic!("{:?}", other.err()),
    }
    let _ = std::fs::remove_file(corrupt);
}

#[test]
fn a_malformed_row_is_parked_with_its_reason_and_the_others_still_go() {
    let (mut store, _) = temp_file_store("malformed");
    let broken = add(&mut store, "A", None, 1000);
    let fine = add(&mut store, "A", None, 1000);
    // What a hand edit or a bad restore leaves: a number where the body was.
    store
        .conn()
        .execute("UPDATE items SET body = 42 WHERE id = ?1", [broken])
        .unwrap();
    assert_eq!(ids(&run(&mut store, "me", 1000, 8, 0, &[])), vec![fine]);
    let parked = store.failed(&scope(), 10, 0).unwrap();
    assert_eq!(parked.len(), 1);
    assert_eq!(parked[0].id, broken);
    assert!(
        parked[0].failure.message.contains("malformed outbox row")
            && parked[0].failure.message.contains("body"),
        "{}",
        parked[0].failure.message
    );
    // Even a row with nothing readable lists.
    store
        .conn()
        .execute(
            "UPDATE items SET operation = x'00ff', transaction_id = 7 WHERE id = ?1",
            [broken],
        )
        .unwrap();
    assert_eq!(store.failed(&scope(), 10, 0).unwrap()[0].operation, "");
}
