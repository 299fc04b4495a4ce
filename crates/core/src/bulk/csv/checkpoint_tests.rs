//! Checkpoints: a part carried on by writer after writer as one writer would have written it,
//! what came after a checkpoint dropped, and a checkpoint that no longer holds refused.

use super::tests::{files, lines, open, order_columns, records};
use super::*;
use crate::private::test_dir;
use serde_json::{Value, json};
use std::fs;
use std::io::Write as _;

fn token(at: &CsvCheckpoint) -> Value {
    json!({"part": at.part, "rows": at.rows, "bytes": at.bytes, "gzip": at.gzip,
        "crc": at.crc, "plainBytes": at.plain_bytes})
}

fn with(options: &Value, extra: Value) -> Value {
    let mut options = options.clone();
    for (k, v) in extra.as_object().unwrap() {
        options[k] = v.clone();
    }
    options
}

/// 60 batches of 5 lines, by one writer or by a writer every `step` batches, each carrying on
/// the last one's checkpoint from a file that holds more than it (a process killed writing).
fn written(name: &str, options: &Value, step: Option<usize>) -> Vec<CsvPart> {
    let dir = test_dir(name);
    let mut sealed = Vec::new();
    let mut w = open(&dir, order_columns(), options.clone());
    for batch in 0..60u64 {
        sealed.extend(w.write(&lines(batch * 5, 5)).unwrap());
        if step.is_some_and(|step| batch as usize % step == step - 1) {
            let Some(at) = w.checkpoint().unwrap() else {
                continue;
            };
            drop(w);
            let ext = if at.gzip { ".csv.gz" } else { ".csv" };
            let temp = dir.join(format!(".orders-{:04}{ext}.tmp", at.part));
            let mut file = fs::OpenOptions::new().append(true).open(temp).unwrap();
            file.write_all(b"order-99999;1;").unwrap();
            w = open(
                &dir,
                order_columns(),
                with(options, json!({"resume": token(&at)})),
            );
        }
    }
    sealed.extend(w.finish().unwrap());
    assert_eq!(files(&dir).len(), sealed.len(), "no temporary file left");
    sealed
}

#[test]
fn parts_carried_on_from_checkpoints_are_the_parts_of_one_run() {
    let options = json!({"maxBytes": 1000});
    let whole = written("csv-checkpoint-whole", &options, None);
    let stepped = written("csv-checkpoint-steps", &options, Some(7));
    assert!(whole.len() > 3);
    assert_eq!(whole.len(), stepped.len());
    for (one, other) in whole.iter().zip(&stepped) {
        assert_eq!(
            (one.part, one.rows, one.bytes),
            (other.part, other.rows, other.bytes)
        );
        assert_eq!(fs::read(&one.path).unwrap(), fs::read(&other.path).unwrap());
    }
}

#[test]
fn gzip_parts_carried_on_from_checkpoints_hold_every_row_once_with_a_true_trailer() {
    let options = json!({"maxBytes": 700, "gzip": true});
    let stepped = written("csv-checkpoint-gzip", &options, Some(3));
    assert!(stepped.len() > 3);
    let mut next = 0;
    for part in &stepped {
        assert!(part.bytes <= 700, "{part:?}");
        assert_eq!(part.bytes, fs::metadata(&part.path).unwrap().len());
        // Read through flate2's GzDecoder, which checks the CRC and size in the trailer.
        let records = records(&part.path);
        assert_eq!(records[0][0], "OrderIdsWebsiteID");
        assert_eq!(records.len() as u64, part.rows + 1);
        for record in &records[1..] {
            assert_eq!(record[0], format!("order-{next}"));
            next += 1;
        }
    }
    assert_eq!(next, 300);
}

#[test]
fn a_checkpoint_is_kept_when_the_writer_is_dropped_and_removed_by_abort() {
    let dir = test_dir("csv-checkpoint-keep");
    let mut w = open(&dir, order_columns(), json!({}));
    assert_eq!(
        w.checkpoint().unwrap(),
        None,
        "no rows, nothing to carry on"
    );
    w.write(&lines(0, 2)).unwrap();
    let at = w.checkpoint().unwrap().unwrap();
    assert_eq!((at.part, at.rows, at.gzip), (1, 2, false));
    drop(w);
    assert_eq!(files(&dir), [".orders-0001.csv.tmp"]);
    let mut w = open(&dir, order_columns(), json!({"resume": token(&at)}));
    w.abort();
    assert!(files(&dir).is_empty());
    assert!(w.checkpoint().is_err(), "closed");
}

#[test]
fn a_checkpoint_that_no_longer_holds_is_refused() {
    let dir = test_dir("csv-checkpoint-refused");
    let mut w = open(&dir, order_columns(), json!({"part": 4}));
    w.write(&lines(0, 3)).unwrap();
    let at = w.checkpoint().unwrap().unwrap();
    drop(w);
    let temp = dir.join(".orders-0004.csv.tmp");
    let resume =
        |extra: Value| CsvWriter::open(&dir, "orders", &order_columns(), Some(&extra)).map(|_| ());
    let invalid = |extra: Value| match resume(extra) {
        Err(Error::InvalidArgument { path, message }) => (path, message),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        invalid(json!({"resume": token(&at), "gzip": true})).0,
        "options.gzip"
    );
    assert!(
        invalid(json!({"resume": token(&at), "part": 3}))
            .1
            .contains("in part 4")
    );
    assert_eq!(
        invalid(json!({"resume": token(&at), "maxRows": 2})).0,
        "options.resume"
    );
    let mut partial = token(&at);
    partial.as_object_mut().unwrap().remove("crc");
    assert!(invalid(json!({"resume": partial})).1.contains("crc"));
    assert_eq!(
        invalid(json!({"resume": with(&token(&at), json!({"crc": -1}))})).0,
        "options.resume.crc"
    );
    assert_eq!(
        fs::metadata(&temp).unwrap().len(),
        at.bytes,
        "left as it was"
    );

    let cut = fs::OpenOptions::new().write(true).open(&temp).unwrap();
    cut.set_len(at.bytes - 1).unwrap();
    match resume(json!({"resume": token(&at)})) {
        Err(Error::Csv { path, message }) => {
            assert_eq!(path, temp.display().to_string());
            assert!(message.contains("write the part again"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    fs::remove_file(&temp).unwrap();
    assert!(matches!(
        resume(json!({"resume": token(&at)})),
        Err(Error::Csv { message, .. }) if message.contains("cannot reopen")
    ));
    // Written again from where the part began, as without a checkpoint.
    let mut w = open(&dir, order_columns(), json!({"part": 4, "resume": null}));
    w.write(&lines(0, 3)).unwrap();
    assert_eq!(w.finish().unwrap().unwrap().rows, 3);
}
