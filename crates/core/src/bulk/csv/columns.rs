//! The columns of a CSV: their names (the header row of every part, and the keys of a keyed row)
//! and the kind of value each holds.

use super::field::Format;
use crate::error::{Error, Result};
use crate::feed::{FeedInput, FeedKey, FeedValue};
use std::collections::HashMap;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Kind {
    Text,
    Money,
    Quantity,
    Phone,
    Email,
    Integer,
    Boolean,
}

const KINDS: [(&str, Kind); 7] = [
    ("text", Kind::Text),
    ("money", Kind::Money),
    ("quantity", Kind::Quantity),
    ("phone", Kind::Phone),
    ("email", Kind::Email),
    ("integer", Kind::Integer),
    ("boolean", Kind::Boolean),
];

pub(super) struct Columns {
    names: Vec<String>,
    kinds: Vec<Kind>,
    places: HashMap<String, usize>,
}

impl Columns {
    /// `name => kind`, or a list of names (all text).
    pub(super) fn read<'a, T: FeedInput<'a>>(columns: T) -> Result<Columns> {
        let mut read = Columns {
            names: Vec::new(),
            kinds: Vec::new(),
            places: HashMap::new(),
        };
        let entries = match columns.value() {
            FeedValue::List(list) => list.entries(),
            FeedValue::Map(map) => map.entries(),
            _ => return Err(Error::invalid("columns", "must be an array")),
        };
        for (key, value) in entries {
            let (name, kind) = match (key, value.value()) {
                (FeedKey::Index(_), FeedValue::Str(name)) => (name, Kind::Text),
                (FeedKey::Name(name), FeedValue::Str(kind)) => (name, kind_named(name, kind)?),
                (FeedKey::Name(name), _) => {
                    return Err(Error::invalid(
                        format!("columns.{name}"),
                        format!("must be a kind: {}", kind_list()),
                    ));
                }
                (FeedKey::Index(i), _) => {
                    return Err(Error::invalid(
                        format!("columns[{i}]"),
                        "must be a column's name (a string)",
                    ));
                }
                (FeedKey::Invalid, _) => {
                    return Err(Error::invalid(
                        "columns",
                        "has a name that is not valid UTF-8",
                    ));
                }
            };
            read.add(name, kind)?;
        }
        if read.names.is_empty() {
            return Err(Error::invalid("columns", "must name at least one column"));
        }
        Ok(read)
    }

    fn add(&mut self, name: &str, kind: Kind) -> Result<()> {
        let path = || format!("columns.{name}");
        if name.trim().is_empty() {
            return Err(Error::invalid(
                "columns",
                "a column's name may not be empty",
            ));
        }
        if name.chars().any(char::is_control) {
            return Err(Error::invalid(
                path(),
                "a column's name may not hold control characters",
            ));
        }
        if self
            .places
            .insert(name.to_string(), self.names.len())
            .is_some()
        {
            return Err(Error::invalid(path(), "is named twice"));
        }
        self.names.push(name.to_string());
        self.kinds.push(kind);
        Ok(())
    }

    pub(super) fn len(&self) -> usize {
        self.names.len()
    }

    pub(super) fn name(&self, column: usize) -> &str {
        &self.names[column]
    }

    pub(super) fn kind(&self, column: usize) -> Kind {
        self.kinds[column]
    }

    /// The column of a keyed row's key; `guess` is tried first, as rows usually list their
    /// columns in order.
    pub(super) fn find(&self, name: &str, guess: usize) -> Option<usize> {
        if self.names.get(guess).is_some_and(|n| n == name) {
            return Some(guess);
        }
        self.places.get(name).copied()
    }

    /// The header row: the names, qualified as any text is.
    pub(super) fn header(&self, format: &Format) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        for (i, name) in self.names.iter().enumerate() {
            if i > 0 {
                out.push(format.delimiter());
            }
            format.text(&mut out, name, || format!("columns.{name}"))?;
        }
        out.extend_from_slice(b"\r\n");
        Ok(out)
    }
}

fn kind_named(column: &str, kind: &str) -> Result<Kind> {
    KINDS
        .iter()
        .find(|(name, _)| *name == kind)
        .map(|(_, k)| *k)
        .ok_or_else(|| {
            Error::invalid(
                format!("columns.{column}"),
                format!("'{kind}' is not a kind: {}", kind_list()),
            )
        })
}

fn kind_list() -> String {
    let names: Vec<&str> = KINDS.iter().map(|(name, _)| *name).collect();
    names.join(", ")
}
