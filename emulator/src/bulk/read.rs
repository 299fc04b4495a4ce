//! Reading an import's CSV as it streams in: the header row names the columns, each later row
//! is checked and kept as the import's change, applied to the stores only once the whole body
//! is known to be within the limits.

use std::io::{self, Read};

use super::Kind;
use super::body::{TooLarge, too_large};
use super::columns::{self, CustomerColumn, OrderColumn};
use super::config::Config;
use super::customers::{self, Customer};
use super::orders::{self, Order};
use super::task::Report;

/// The request's `csvColumnDelimiter` and `csvTextQualifier`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dialect {
    pub delimiter: u8,
    pub qualifier: u8,
}

/// The accepted rows of an import, in file order, not yet applied.
#[derive(Debug, PartialEq)]
pub enum Staged {
    Customers(Vec<Customer>),
    Orders(Vec<Order>),
}

#[derive(Debug)]
pub struct Parsed {
    pub report: Report,
    pub staged: Staged,
}

enum Columns {
    Customers(Vec<CustomerColumn>),
    Orders(Vec<OrderColumn>),
}

/// Reads the whole body. `Err` only when it is over the limit; any other read error (gzip
/// that is not) fails the task, as does a missing or unknown header.
pub fn read(
    source: impl Read,
    kind: Kind,
    dialect: Dialect,
    config: &Config,
) -> Result<Parsed, TooLarge> {
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(dialect.delimiter)
        .quote(dialect.qualifier)
        .from_reader(source);
    let mut record = csv::ByteRecord::new();
    let header = match next(&mut csv, &mut record)? {
        Err(e) => return Ok(failed(format!("the body cannot be read: {e}"), kind)),
        Ok(false) => return Ok(failed("the file has no header row".into(), kind)),
        Ok(true) => header_names(&record),
    };
    let names = match header {
        Ok(names) => names,
        Err(e) => return drained(csv, e, kind),
    };
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let ids = &config.customer_id_names;
    let columns = match kind {
        Kind::Customers => columns::customers(&refs, ids).map(Columns::Customers),
        Kind::Orders => columns::orders(&refs, ids).map(Columns::Orders),
    };
    let columns = match columns {
        Ok(columns) => columns,
        Err(e) => return drained(csv, e, kind),
    };
    let mut parsed = Parsed {
        report: Report::default(),
        staged: empty(kind),
    };
    loop {
        match next(&mut csv, &mut record)? {
            Ok(false) => return Ok(parsed),
            Err(e) => {
                let at = parsed.report.rows;
                return Ok(failed(
                    format!("the body cannot be read after row {at}: {e}"),
                    kind,
                ));
            }
            Ok(true) => {
                parsed.report.rows += 1;
                let row = parsed.report.rows;
                match cells(&record, &names).and_then(|c| parsed.take(&columns, &names, &c, config))
                {
                    Ok(()) => parsed.report.accepted += 1,
                    Err(message) => parsed.report.reject(row, message),
                }
            }
        }
    }
}

impl Parsed {
    fn take(
        &mut self,
        columns: &Columns,
        names: &[String],
        cells: &[&str],
        config: &Config,
    ) -> Result<(), String> {
        let formats = &config.date_formats;
        match (columns, &mut self.staged) {
            (Columns::Customers(c), Staged::Customers(rows)) => {
                rows.push(customers::row(c, names, cells, formats)?)
            }
            (Columns::Orders(c), Staged::Orders(rows)) => {
                rows.push(orders::row(c, names, cells, formats)?)
            }
            _ => unreachable!("the columns and the staged rows are made for the same kind"),
        }
        Ok(())
    }
}

/// The next record: `Ok(Ok(false))` at the end, `Ok(Err)` for a read error that fails the
/// task, `Err` when the body is over the limit.
fn next<R: Read>(
    csv: &mut csv::Reader<R>,
    record: &mut csv::ByteRecord,
) -> Result<Result<bool, io::Error>, TooLarge> {
    match csv.read_byte_record(record) {
        Ok(more) => Ok(Ok(more)),
        Err(e) => {
            let error = match e.into_kind() {
                csv::ErrorKind::Io(io) => io,
                other => io::Error::other(format!("{other:?}")),
            };
            match too_large(&error) {
                Some(t) => Err(t.clone()),
                None => Ok(Err(error)),
            }
        }
    }
}

fn header_names(record: &csv::ByteRecord) -> Result<Vec<String>, String> {
    record
        .iter()
        .enumerate()
        .map(|(i, name)| {
            // A byte-order mark is the encoding's, not the first column's name.
            let name = if i == 0 {
                name.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(name)
            } else {
                name
            };
            String::from_utf8(name.to_vec())
                .map_err(|_| format!("the header's column {} is not UTF-8", i + 1))
        })
        .collect()
}

fn cells<'r>(record: &'r csv::ByteRecord, names: &[String]) -> Result<Vec<&'r str>, String> {
    if record.len() != names.len() {
        return Err(format!(
            "the row has {} cells, the header {}",
            record.len(),
            names.len()
        ));
    }
    record
        .iter()
        .zip(names)
        .map(|(cell, name)| {
            std::str::from_utf8(cell).map_err(|_| format!("{name}: the cell is not UTF-8"))
        })
        .collect()
}

fn empty(kind: Kind) -> Staged {
    match kind {
        Kind::Customers => Staged::Customers(Vec::new()),
        Kind::Orders => Staged::Orders(Vec::new()),
    }
}

fn failed(message: String, kind: Kind) -> Parsed {
    Parsed {
        report: Report::failed(message),
        staged: empty(kind),
    }
}

/// Fails the task for its header, after reading the rest of the body: a body over the limit
/// is refused as such whatever its header.
fn drained<R: Read>(csv: csv::Reader<R>, message: String, kind: Kind) -> Result<Parsed, TooLarge> {
    if let Err(e) = io::copy(&mut csv.into_inner(), &mut io::sink())
        && let Some(t) = too_large(&e)
    {
        return Err(t.clone());
    }
    Ok(failed(message, kind))
}
