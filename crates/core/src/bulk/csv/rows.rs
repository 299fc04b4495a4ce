//! A batch of rows as CSV, in a buffer of the writer's: the whole batch or an error naming the
//! row (its key in the batch) and the column, so that nothing of a bad batch is written.

use super::columns::Columns;
use super::field::Format;
use crate::error::{Error, Result};
use crate::feed::{FeedInput, FeedKey, FeedValue};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;

/// A row's place in the batch, for an error's path: `rows[3]`, or `rows[key]` when the caller's
/// array had keys of its own.
#[derive(Clone, Copy)]
enum Label<'a> {
    Index(i64),
    Key(&'a str),
}

impl Label<'_> {
    fn path(self) -> String {
        match self {
            Label::Index(i) => format!("rows[{i}]"),
            Label::Key(k) => format!("rows[{k}]"),
        }
    }
}

/// A second thread pays from this many rows on: it is started for each batch (tens of
/// microseconds, against half a microsecond for each row).
const SPLIT_FROM: usize = 256;

/// Writes `rows` into `out` (emptied first); returns how many there were. A large batch is
/// written in two halves on two cores, the second into `spare` (kept from batch to batch), then
/// copied after the first; an error is the first in the batch's order, as in one piece.
pub(super) fn batch<'a, T: FeedInput<'a>>(
    rows: T,
    columns: &Columns,
    format: &Format,
    out: &mut Vec<u8>,
    spare: &mut Vec<u8>,
) -> Result<u64> {
    out.clear();
    let entries = match rows.value() {
        FeedValue::List(list) => list.entries(),
        FeedValue::Map(map) => map.entries(),
        _ => return Err(Error::invalid("rows", "must be an array of rows")),
    };
    let items = entries
        .map(|(key, row)| match key {
            FeedKey::Index(i) => Ok((Label::Index(i), row)),
            FeedKey::Name(k) => Ok((Label::Key(k), row)),
            FeedKey::Invalid => Err(Error::invalid("rows", "has a key that is not valid UTF-8")),
        })
        .collect::<Result<Vec<_>>>()?;
    // Asked once: the answer reads the process's cgroup files.
    static CORES: OnceLock<usize> = OnceLock::new();
    let cores = *CORES.get_or_init(|| thread::available_parallelism().map_or(1, usize::from));
    let split = if items.len() >= SPLIT_FROM && cores > 1 {
        items.len() / 2
    } else {
        items.len()
    };
    let (mine, theirs) = items.split_at(split);
    let stop = AtomicBool::new(false);
    let half = |rows: &[(Label<'a>, T)], mut out: Vec<u8>| {
        let written = write(rows, columns, format, &mut out, &stop);
        (written, out)
    };
    if theirs.is_empty() {
        write(mine, columns, format, out, &stop)?;
        return Ok(items.len() as u64);
    }
    let mut buffer = std::mem::take(spare);
    buffer.clear();
    let (second, buffer) = thread::scope(|scope| {
        let other = thread::Builder::new()
            .name("mindbox-csv-half".into())
            .spawn_scoped(scope, || half(theirs, buffer));
        let first = write(mine, columns, format, out, &stop);
        if first.is_err() {
            stop.store(true, Ordering::Relaxed);
        }
        // Joined whatever happened: a scoped thread is, and the batch is not done before it.
        let second = match other {
            Ok(handle) => handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            // No thread to be had: this one writes the second half too.
            Err(_) => half(theirs, Vec::new()),
        };
        first.map(|()| second)
    })?;
    *spare = buffer;
    second?;
    out.extend_from_slice(spare);
    Ok(items.len() as u64)
}

/// Writes rows in order; stops at the first error, or once `stop` is set (the other half
/// failed).
fn write<'a, T: FeedInput<'a>>(
    rows: &[(Label<'a>, T)],
    columns: &Columns,
    format: &Format,
    out: &mut Vec<u8>,
    stop: &AtomicBool,
) -> Result<()> {
    // A keyed row's values, put in column order.
    let mut keyed: Vec<Option<T>> = vec![None; columns.len()];
    for &(label, row) in rows {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let start = out.len();
        match row.value() {
            FeedValue::List(values) => list(values, label, columns, format, out)?,
            FeedValue::Map(values) => {
                keyed.fill(None);
                by_name(values, label, columns, &mut keyed)?;
                for (column, value) in keyed.iter().enumerate() {
                    if column > 0 {
                        out.push(format.delimiter());
                    }
                    if let Some(value) = value {
                        field(*value, column, label, columns, format, out)?;
                    }
                }
            }
            FeedValue::Invalid(message) => return Err(Error::invalid(label.path(), message)),
            _ => {
                return Err(Error::invalid(
                    label.path(),
                    "must be an array: the values in column order, or column => value",
                ));
            }
        }
        if out.len() == start {
            // A row of one empty field would be an empty line, which readers skip.
            out.extend_from_slice(&[format.qualifier(); 2]);
        }
        out.extend_from_slice(b"\r\n");
    }
    Ok(())
}

fn list<'a, T: FeedInput<'a>>(
    values: T,
    label: Label<'_>,
    columns: &Columns,
    format: &Format,
    out: &mut Vec<u8>,
) -> Result<()> {
    let mut count = 0;
    for (column, (_, value)) in values.entries().enumerate() {
        if column >= columns.len() {
            count = column + 1;
            break;
        }
        if column > 0 {
            out.push(format.delimiter());
        }
        field(value, column, label, columns, format, out)?;
        count = column + 1;
    }
    if count != columns.len() {
        let count = if count > columns.len() {
            values.entries().count()
        } else {
            count
        };
        return Err(Error::invalid(
            label.path(),
            format!(
                "has {count} values for {} columns (a list holds one value for each column, in order)",
                columns.len()
            ),
        ));
    }
    Ok(())
}

/// A keyed row's values in column order; a missing column stays empty.
fn by_name<'a, T: FeedInput<'a>>(
    values: T,
    label: Label<'_>,
    columns: &Columns,
    keyed: &mut [Option<T>],
) -> Result<()> {
    for (place, (key, value)) in values.entries().enumerate() {
        let column = match key {
            FeedKey::Name(name) => columns.find(name, place).ok_or_else(|| {
                Error::invalid(
                    format!("{}.{name}", label.path()),
                    "is not a column of this writer",
                )
            })?,
            FeedKey::Index(i) => {
                return Err(Error::invalid(
                    format!("{}[{i}]", label.path()),
                    "is not a column of this writer (a row is a list of all the values, or column => value)",
                ));
            }
            FeedKey::Invalid => {
                return Err(Error::invalid(
                    label.path(),
                    "has a key that is not valid UTF-8",
                ));
            }
        };
        keyed[column] = Some(value);
    }
    Ok(())
}

fn field<'a, T: FeedInput<'a>>(
    value: T,
    column: usize,
    label: Label<'_>,
    columns: &Columns,
    format: &Format,
    out: &mut Vec<u8>,
) -> Result<()> {
    format.value(out, columns.kind(column), value.value(), || {
        format!("{}.{}", label.path(), columns.name(column))
    })
}
