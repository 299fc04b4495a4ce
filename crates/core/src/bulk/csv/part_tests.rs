//! Parts: cut under the limits (bytes and rows, plain and gzip) between batches, sealed, resumed
//! at a number; a batch too large and a file that cannot be written.

use super::tests::{files, invalid, lines, open, order_columns, records};
use super::*;
use crate::private::test_dir;
use serde_json::json;
use std::fs;
use std::path::PathBuf;

#[test]
fn parts_are_cut_by_rows_between_batches() {
    let dir = test_dir("csv-rows-limit");
    let mut w = open(&dir, order_columns(), json!({"maxRows": 10}));
    let mut sealed = Vec::new();
    for batch in 0..7 {
        sealed.extend(w.write(&lines(batch * 4, 4)).unwrap());
    }
    sealed.extend(w.finish().unwrap());
    let counts: Vec<u64> = sealed.iter().map(|p| p.rows).collect();
    assert_eq!(counts, [8, 8, 8, 4]);
    let numbers: Vec<u64> = sealed.iter().map(|p| p.part).collect();
    assert_eq!(numbers, [1, 2, 3, 4]);
    let mut ids = Vec::new();
    for part in &sealed {
        let records = records(&part.path);
        assert_eq!(records[0][0], "OrderIdsWebsiteID");
        ids.extend(records[1..].iter().map(|r| r[0].clone()));
    }
    let expected: Vec<String> = (0..28).map(|i| format!("order-{i}")).collect();
    assert_eq!(ids, expected);
    let transaction_ids: std::collections::HashSet<&str> =
        sealed.iter().map(|p| p.transaction_id.as_str()).collect();
    assert_eq!(transaction_ids.len(), 4);
}

fn cut_by_bytes(gzip: bool, max_bytes: u64) -> Vec<CsvPart> {
    let dir = test_dir(&format!("csv-bytes-{gzip}"));
    let mut w = open(
        &dir,
        order_columns(),
        json!({"maxBytes": max_bytes, "gzip": gzip}),
    );
    let mut sealed = Vec::new();
    for batch in 0..300 {
        sealed.extend(w.write(&lines(batch * 5, 5)).unwrap());
    }
    sealed.extend(w.finish().unwrap());
    let mut next = 0;
    for part in &sealed {
        assert!(part.bytes <= max_bytes, "{part:?}");
        assert_eq!(part.bytes, fs::metadata(&part.path).unwrap().len());
        let records = records(&part.path);
        assert_eq!(records.len() as u64, part.rows + 1);
        for record in &records[1..] {
            assert_eq!(record[0], format!("order-{next}"));
            next += 1;
        }
    }
    assert_eq!(next, 1500);
    sealed
}

#[test]
fn plain_parts_are_cut_by_bytes_exactly() {
    // The header is 58 bytes, a batch of 5 lines about 130.
    let sealed = cut_by_bytes(false, 1000);
    assert!(sealed.len() > 10);
    for part in &sealed[..sealed.len() - 1] {
        // The next batch would not have fitted: a part is full to within a batch.
        assert!(part.bytes > 1000 - 140, "{part:?}");
    }
    let exact = cut_by_bytes(false, sealed[0].bytes);
    assert_eq!(exact[0].rows, sealed[0].rows);
}

#[test]
fn gzip_parts_are_cut_by_compressed_bytes_and_read_back() {
    let sealed = cut_by_bytes(true, 600);
    assert!(sealed.len() > 3);
    assert!(sealed[0].path.ends_with("orders-0001.csv.gz"));
    assert!(sealed.iter().all(|p| p.rows > 10), "{sealed:?}");
    for part in &sealed[..sealed.len() - 1] {
        assert!(part.bytes > 450, "{part:?}");
    }
}

#[test]
fn a_batch_too_large_for_any_part_is_refused_and_the_writer_goes_on() {
    for gzip in [false, true] {
        let dir = test_dir(&format!("csv-too-large-{gzip}"));
        let mut w = open(
            &dir,
            order_columns(),
            json!({"maxBytes": 400, "maxRows": 50, "gzip": gzip}),
        );
        w.write(&lines(0, 3)).unwrap();
        let (path, message) = invalid(w.write(&lines(3, 51)));
        assert_eq!(path, "rows");
        assert!(message.contains("51 rows"), "{message}");
        // Random digits: as large compressed as not, nearly.
        let noise: String = (0..60)
            .map(|_| uuid::Uuid::new_v4().simple().to_string())
            .collect();
        let big = json!([[noise, 1, 1]]);
        let (_, message) = invalid(w.write(&big));
        assert!(message.contains("bytes with the header row"), "{message}");
        assert!(message.contains("400 bytes"), "{message}");
        // Nothing was sealed on the way, and the part goes on whole.
        w.write(&lines(3, 2)).unwrap();
        let part = w.finish().unwrap().unwrap();
        assert_eq!(part.part, 1);
        assert_eq!(records(&part.path).len(), 6);
    }
}

#[test]
fn the_header_must_fit() {
    let dir = test_dir("csv-header-limit");
    let result = CsvWriter::open(&dir, "p", &order_columns(), Some(&json!({"maxBytes": 20})));
    assert!(
        matches!(result, Err(Error::InvalidArgument { path, .. }) if path == "options.maxBytes")
    );
    assert!(files(&dir).is_empty());
}

#[test]
fn resuming_at_a_part_replaces_what_a_killed_run_left_of_it() {
    let dir = test_dir("csv-resume");
    for stale in [
        "orders-0003.csv",
        ".orders-0003.csv.tmp",
        "orders-0003.csv.gz",
        ".orders-0003.csv.gz.tmp",
        ".orders-0004.csv.tmp",
    ] {
        fs::write(dir.join(stale), "stale").unwrap();
    }
    fs::write(dir.join("orders-0002.csv"), "sealed before").unwrap();
    let mut w = open(&dir, order_columns(), json!({"part": 3, "maxRows": 4}));
    assert_eq!(
        files(&dir),
        [
            ".orders-0003.csv.tmp",
            ".orders-0004.csv.tmp",
            "orders-0002.csv"
        ]
    );
    w.write(&lines(0, 4)).unwrap();
    let sealed = w.write(&lines(4, 2)).unwrap().unwrap();
    assert_eq!(sealed.part, 3);
    let last = w.finish().unwrap().unwrap();
    assert_eq!(last.part, 4);
    assert_eq!(records(&last.path)[1][0], "order-4");
    assert_eq!(
        files(&dir),
        ["orders-0002.csv", "orders-0003.csv", "orders-0004.csv"]
    );
    assert_eq!(
        fs::read_to_string(dir.join("orders-0002.csv")).unwrap(),
        "sealed before"
    );
}

#[test]
fn finish_without_rows_and_abort_leave_no_file() {
    let dir = test_dir("csv-empty");
    let mut w = open(&dir, order_columns(), json!({"gzip": true}));
    assert_eq!(w.write(&json!([])).unwrap(), None);
    assert_eq!(w.finish().unwrap(), None);
    assert!(files(&dir).is_empty());
    let mut w = open(&dir, order_columns(), json!({}));
    w.write(&lines(0, 3)).unwrap();
    w.abort();
    assert!(files(&dir).is_empty());
    assert!(w.finish().is_err());
    drop(open(&dir, order_columns(), json!({})));
    assert!(files(&dir).is_empty());
}

#[test]
fn a_part_that_cannot_be_written_closes_the_writer_naming_the_file() {
    let dir = test_dir("csv-unwritable");
    let mut w = open(&dir, order_columns(), json!({"maxRows": 2}));
    w.write(&lines(0, 2)).unwrap();
    // Part 2 cannot be created: a directory holds its temporary's name.
    let temp: PathBuf = dir.join(".orders-0002.csv.tmp");
    fs::create_dir(&temp).unwrap();
    match w.write(&lines(2, 2)) {
        Err(Error::Csv { path, message }) => {
            assert_eq!(path, temp.display().to_string());
            assert!(message.contains("stale part"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert!(w.write(&lines(4, 1)).is_err(), "closed");
    assert_eq!(files(&dir), [".orders-0002.csv.tmp"]);
}
