//! The CSV reading of an import, end to end from the body's bytes to the staged rows.

use super::body::{self, TooLarge, gzip};
use super::customers::Customer;
use super::orders::Order;
use super::read::{Dialect, Parsed, Staged, read};
use super::task::Status;
use super::{Config, Kind};

const SEMICOLON: Dialect = Dialect {
    delimiter: b';',
    qualifier: b'"',
};

fn parse(kind: Kind, dialect: Dialect, bytes: &[u8]) -> Parsed {
    read(bytes, kind, dialect, &Config::default()).unwrap()
}

fn customers(parsed: &Parsed) -> &[Customer] {
    match &parsed.staged {
        Staged::Customers(rows) => rows,
        Staged::Orders(_) => panic!("orders"),
    }
}

fn orders(parsed: &Parsed) -> &[Order] {
    match &parsed.staged {
        Staged::Orders(rows) => rows,
        Staged::Customers(_) => panic!("customers"),
    }
}

#[test]
fn quoted_fields_keep_delimiters_qualifiers_and_line_breaks() {
    let csv = "\u{feff}websiteID;FirstName;LastName\r\n\
               1;\"Anna; Maria\";\"O\"\"Brien\"\r\n\
               \r\n\
               2;\"two\r\nlines\";\" spaced \"\n";
    let parsed = parse(Kind::Customers, SEMICOLON, csv.as_bytes());
    assert_eq!(parsed.report.status, Status::Done);
    assert_eq!((parsed.report.rows, parsed.report.accepted), (2, 2));
    let rows = customers(&parsed);
    assert_eq!(rows[0].first_name.as_deref(), Some("Anna; Maria"));
    assert_eq!(rows[0].last_name.as_deref(), Some("O\"Brien"));
    assert_eq!(rows[1].first_name.as_deref(), Some("two\r\nlines"));
    assert_eq!(rows[1].last_name.as_deref(), Some(" spaced "));
}

#[test]
fn the_requests_delimiter_and_qualifier_are_used() {
    let dialect = Dialect {
        delimiter: b',',
        qualifier: b'\'',
    };
    let csv = "websiteID,FirstName\n1,'a,b'\n";
    let parsed = parse(Kind::Customers, dialect, csv.as_bytes());
    assert_eq!(customers(&parsed)[0].first_name.as_deref(), Some("a,b"));
}

#[test]
fn bad_rows_are_rejected_by_number_and_the_rest_imported() {
    let mut csv = b"OrderIdsWebsiteID;OrderLineProductIdswebsite;OrderLineQuantity;\
OrderLinePriceOfLine;OrderLineStatus\n\
A;p1;1;10;Paid\n\
A;p2;1\n\
B;;1;10;Paid\n"
        .to_vec();
    csv.extend_from_slice(b"C;p\xff;1;10;Paid\nD;p1;2;20.50;Paid\n");
    let parsed = parse(Kind::Orders, SEMICOLON, &csv);
    let report = &parsed.report;
    assert_eq!((report.rows, report.accepted, report.rejected), (5, 2, 3));
    let errors: Vec<(u64, &str)> = report
        .errors
        .iter()
        .map(|e| (e.row, e.message.as_str()))
        .collect();
    assert_eq!(errors[0], (2, "the row has 3 cells, the header 5"));
    assert_eq!(errors[1].0, 3);
    assert!(errors[1].1.contains("no product id"));
    assert_eq!(
        errors[2],
        (4, "OrderLineProductIdswebsite: the cell is not UTF-8")
    );
    let rows = orders(&parsed);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1].lines[0].price_of_line, 20.5);
}

#[test]
fn a_file_without_a_known_header_fails_whole() {
    for (csv, named) in [
        ("", "no header row"),
        ("websiteID;Foo\n1;x\n", "unknown column 'Foo'"),
        ("websiteid\n1\n", "unknown column 'websiteid'"),
    ] {
        let parsed = parse(Kind::Customers, SEMICOLON, csv.as_bytes());
        let report = &parsed.report;
        assert_eq!(report.status, Status::Failed, "{csv:?}");
        assert_eq!((report.rows, report.accepted), (0, 0));
        assert_eq!(report.errors[0].row, 0);
        assert!(report.errors[0].message.contains(named), "{report:?}");
        assert!(customers(&parsed).is_empty());
    }
    let header_only = parse(Kind::Customers, SEMICOLON, b"websiteID;Email\r\n");
    assert_eq!(header_only.report.status, Status::Done);
    assert_eq!(header_only.report.rows, 0);
}

#[test]
fn gzip_bodies_are_read_and_limited() {
    let csv = format!("websiteID;Email\n{}", "1;a@b.ru\n".repeat(100));
    let packed = gzip(csv.as_bytes());
    let config = Config::default();
    let parsed = read(
        body::open(&packed[..], true, 2000),
        Kind::Customers,
        SEMICOLON,
        &config,
    )
    .unwrap();
    assert_eq!(parsed.report.accepted, 100);

    let limit = csv.len() as u64 - 1;
    let over = read(
        body::open(&packed[..], true, limit),
        Kind::Customers,
        SEMICOLON,
        &config,
    );
    assert_eq!(
        over.unwrap_err(),
        TooLarge {
            limit,
            decompressed: true
        }
    );
    // A bad header does not hide a body over the limit.
    let bad = format!("Nope\n{}", "x\n".repeat(100));
    let over = read(
        body::open(bad.as_bytes(), false, 50),
        Kind::Customers,
        SEMICOLON,
        &config,
    );
    assert!(over.is_err());

    let broken = read(
        body::open(&b"websiteID\n1\n"[..], true, 1000),
        Kind::Customers,
        SEMICOLON,
        &config,
    )
    .unwrap();
    assert_eq!(broken.report.status, Status::Failed);
    assert!(broken.report.errors[0].message.contains("cannot be read"));

    let mut cut = packed.clone();
    cut.truncate(packed.len() - 12);
    let cut = read(
        body::open(&cut[..], true, 1000),
        Kind::Customers,
        SEMICOLON,
        &config,
    )
    .unwrap();
    assert_eq!(cut.report.status, Status::Failed, "{:?}", cut.report);
}
