//! The writer: rows and columns, options; the helpers the part tests share. The parts are read
//! back with the csv crate and flate2.

use super::*;
use crate::private::test_dir;
use serde_json::{Value, json};
use std::fs;
use std::io::Read as _;

pub(super) const NO_OPTIONS: Option<&Value> = None;

pub(super) fn open(dir: &Path, columns: Value, options: Value) -> CsvWriter {
    CsvWriter::open(dir, "orders", &columns, Some(&options)).unwrap()
}

pub(super) fn order_columns() -> Value {
    json!({"OrderIdsWebsiteID": "text", "OrderLineQuantity": "quantity", "OrderLinePriceOfLine": "money"})
}

/// `n` order lines from `first` on, as lists.
pub(super) fn lines(first: u64, n: u64) -> Value {
    Value::Array(
        (first..first + n)
            .map(|i| json!([format!("order-{i}"), i % 7 + 1, i as f64 * 1.5]))
            .collect(),
    )
}

/// A part's text, gunzipped when it is gzip.
pub(super) fn text(path: &str) -> String {
    let bytes = fs::read(path).unwrap();
    if path.ends_with(".gz") {
        let mut text = String::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_string(&mut text)
            .unwrap();
        text
    } else {
        String::from_utf8(bytes).unwrap()
    }
}

/// A part's records, the header first, read by the csv crate as Mindbox is told to read them.
pub(super) fn records(path: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .from_reader(text(path).as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

pub(super) fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

pub(super) fn invalid(result: Result<Option<CsvPart>>) -> (String, String) {
    match result {
        Err(Error::InvalidArgument { path, message }) => (path, message),
        other => panic!("{other:?}"),
    }
}

#[test]
fn writes_a_header_and_rows_listed_or_keyed() {
    let dir = test_dir("csv-rows");
    let mut w = open(&dir, order_columns(), json!({}));
    assert!(fs::exists(dir.join(".orders-0001.csv.tmp")).unwrap());
    let rows = json!([
        ["A-1", 2, 100.5],
        {"OrderLinePriceOfLine": "7,5", "OrderIdsWebsiteID": " A;2"},
        {}
    ]);
    assert_eq!(w.write(&rows).unwrap(), None);
    let part = w.finish().unwrap().unwrap();
    assert_eq!(part.part, 1);
    assert_eq!(part.path, dir.join("orders-0001.csv").display().to_string());
    assert_eq!(part.rows, 3);
    assert_eq!(
        text(&part.path),
        "OrderIdsWebsiteID;OrderLineQuantity;OrderLinePriceOfLine\r\nA-1;2;100.5\r\n\" A;2\";;7.5\r\n;;\r\n"
    );
    assert_eq!(part.bytes, fs::metadata(&part.path).unwrap().len());
    assert!(
        uuid::Uuid::parse_str(&part.transaction_id)
            .unwrap()
            .get_version_num()
            == 4
    );
    assert_eq!(files(&dir), ["orders-0001.csv"]);
    assert!(w.write(&rows).is_err(), "closed after finish");
}

#[test]
fn a_list_of_names_is_all_text_and_a_lone_empty_field_is_qualified() {
    let dir = test_dir("csv-names");
    let mut w = CsvWriter::open(&dir, "c", &json!(["Email"]), NO_OPTIONS).unwrap();
    w.write(&json!([["a@b.ru"], [null], {"Email": 5}])).unwrap();
    let part = w.finish().unwrap().unwrap();
    assert_eq!(text(&part.path), "Email\r\na@b.ru\r\n\"\"\r\n5\r\n");
    assert_eq!(records(&part.path).len(), 4);
}

#[test]
fn a_bad_row_refuses_the_whole_batch_naming_row_and_column() {
    let dir = test_dir("csv-bad-row");
    let mut w = open(&dir, order_columns(), json!({"control": "refuse"}));
    w.write(&lines(0, 2)).unwrap();
    for (rows, path, message) in [
        (
            json!([["A", 1, 1], ["B", 1, -1]]),
            "rows[1].OrderLinePriceOfLine",
            "negative",
        ),
        (
            json!([["A", 1, 1], {"Nope": 1}]),
            "rows[1].Nope",
            "not a column",
        ),
        (json!([["A", 1]]), "rows[0]", "has 2 values for 3 columns"),
        (
            json!([["A", 1, 1, 4, 5]]),
            "rows[0]",
            "has 5 values for 3 columns",
        ),
        (
            json!([{"OrderIdsWebsiteID": [1]}]),
            "rows[0].OrderIdsWebsiteID",
            "not an array",
        ),
        (
            json!([{"OrderIdsWebsiteID": "a\nb"}]),
            "rows[0].OrderIdsWebsiteID",
            "U+000A",
        ),
        (json!(["A"]), "rows[0]", "must be an array"),
        (
            json!({"x": ["A", 1, 1], "y": "B"}),
            "rows[y]",
            "must be an array",
        ),
        (json!("rows"), "rows", "array of rows"),
    ] {
        let (p, m) = invalid(w.write(&rows));
        assert_eq!(p, path, "{rows}");
        assert!(m.contains(message), "{rows}: {m}");
    }
    let part = w.finish().unwrap().unwrap();
    assert_eq!(part.rows, 2);
    assert_eq!(records(&part.path).len(), 3);
}

/// Parts as large as the limit lets them be, never larger, in bytes as written.
#[test]
fn bad_options_columns_and_prefixes_are_named() {
    let dir = test_dir("csv-bad-options");
    let path = |columns: Value, options: Value, prefix: &str| match CsvWriter::open(
        &dir,
        prefix,
        &columns,
        Some(&options),
    ) {
        Err(Error::InvalidArgument { path, .. }) => path,
        other => panic!("{columns} {options} {prefix}: {:?}", other.map(|_| ())),
    };
    let columns = order_columns();
    for (options, expected) in [
        (json!({"part": 0}), "options.part"),
        (json!({"maxBytes": "1"}), "options.maxBytes"),
        (json!({"maxRows": -1}), "options.maxRows"),
        (json!({"gzip": 1}), "options.gzip"),
        (json!({"delimiter": ";;"}), "options.delimiter"),
        (json!({"delimiter": "a"}), "options.delimiter"),
        (json!({"delimiter": "."}), "options.delimiter"),
        (json!({"qualifier": "\t"}), "options.qualifier"),
        (json!({"qualifier": ";"}), "options.qualifier"),
        (json!({"control": "drop"}), "options.control"),
        (json!({"sizeLimit": 1}), "options.sizeLimit"),
        (json!([1]), "options"),
    ] {
        assert_eq!(
            path(columns.clone(), options.clone(), "p"),
            expected,
            "{options}"
        );
    }
    for (columns, expected) in [
        (json!({"A": "decimal"}), "columns.A"),
        (json!({"A": 1}), "columns.A"),
        (json!([]), "columns"),
        (json!(["A", 5]), "columns[1]"),
        (json!(["A", "A"]), "columns.A"),
        (json!(["A\nB"]), "columns.A\nB"),
        (json!([" "]), "columns"),
    ] {
        assert_eq!(path(columns.clone(), json!({}), "p"), expected, "{columns}");
    }
    for prefix in ["", ".hidden", "a/b", "a b"] {
        assert_eq!(
            path(columns.clone(), json!({}), prefix),
            "prefix",
            "{prefix}"
        );
    }
    assert!(files(&dir).is_empty());
}

#[test]
fn a_tab_separated_part_with_other_options() {
    let dir = test_dir("csv-tab");
    let options = json!({"delimiter": "\t", "qualifier": "'", "part": 12});
    let mut w = open(&dir, json!(["a b", "it's"]), options);
    w.write(&json!([["x\ty", "q;\"r\""]])).unwrap();
    let part = w.finish().unwrap().unwrap();
    assert!(part.path.ends_with("orders-0012.csv"));
    assert_eq!(text(&part.path), "a b\t'it''s'\r\nx y\tq;\"r\"\r\n");
}

/// A large batch is written in two halves on two cores: the same file as in small batches, and
/// the first error in the batch's order, whichever half it is in.
#[test]
fn a_large_batch_in_two_halves_is_written_as_in_one_piece() {
    let dir = test_dir("csv-halves");
    let rows = lines(0, 1000);
    let mut whole = open(&dir, order_columns(), json!({"part": 1}));
    whole.write(&rows).unwrap();
    let whole = whole.finish().unwrap().unwrap();
    let mut pieces = open(&dir, order_columns(), json!({"part": 2}));
    for chunk in rows.as_array().unwrap().chunks(10) {
        pieces.write(&json!(chunk)).unwrap();
    }
    let pieces = pieces.finish().unwrap().unwrap();
    assert_eq!(
        fs::read(&whole.path).unwrap(),
        fs::read(&pieces.path).unwrap()
    );
    for bad in [&[100][..], &[900], &[900, 100], &[0, 999]] {
        let mut rows = rows.clone();
        for &i in bad {
            rows[i][2] = json!(-1);
        }
        let mut w = open(&dir, order_columns(), json!({"part": 3}));
        let (path, _) = invalid(w.write(&rows));
        let first = bad.iter().min().unwrap();
        assert_eq!(path, format!("rows[{first}].OrderLinePriceOfLine"));
        assert_eq!(
            w.finish().unwrap(),
            None,
            "nothing of the batch was written"
        );
    }
}
