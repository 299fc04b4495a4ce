//! A batch of rows as CSV, in a buffer of the writer's: the whole batch or an error naming the
//! row (its key in the batch) and the column, so that nothing of a bad batch is written.

use super::columns::Columns;
use super::field::Format;
use crate::error::{Error, Result};
use crate::feed::{FeedInput, FeedKey, FeedValue};

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

/// Writes `rows` into `out` (emptied first); returns how many there were.
pub(super) fn batch<'a, T: FeedInput<'a>>(
    rows: T,
    columns: &Columns,
    format: &Format,
    out: &mut Vec<u8>,
) -> Result<u64> {
    out.clear();
    let entries = match rows.value() {
        FeedValue::List(list) => list.entries(),
        FeedValue::Map(map) => map.entries(),
        _ => return Err(Error::invalid("rows", "must be an array of rows")),
    };
    // A keyed row's values, put in column order.
    let mut keyed: Vec<Option<T>> = vec![None; columns.len()];
    let mut count = 0;
    for (key, row) in entries {
        let label = match key {
            FeedKey::Index(i) => Label::Index(i),
            FeedKey::Name(k) => Label::Key(k),
            FeedKey::Invalid => {
                return Err(Error::invalid("rows", "has a key that is not valid UTF-8"));
            }
        };
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
        count += 1;
    }
    Ok(count)
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
