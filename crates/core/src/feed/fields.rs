//! Reading the writer's input ([`FeedInput`]): which keys an item may have, which values are
//! text, and the path an error names (`offers[3].categoryId`), built only when there is an
//! error, never for each offer.

use super::input::{FeedInput, FeedKey, FeedValue};
use super::text::Text;
use crate::error::{Error, Result};
use std::fmt;

/// Where an item sits in the caller's list: its position, or its key when the PHP array had
/// keys of its own (after `array_filter()`), so the path names the entry the caller can find.
#[derive(Clone, Copy)]
pub(super) enum Label<'a> {
    Index(i64),
    Key(&'a str),
}

impl fmt::Display for Label<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Label::Index(i) => write!(f, "{i}"),
            Label::Key(k) => f.write_str(k),
        }
    }
}

const BAD_KEY: &str = "has a key that is not valid UTF-8";

/// The items of a list argument with their labels. PHP's empty array may arrive as a map.
pub(super) fn items<'a, T: FeedInput<'a>>(list: T, section: &str) -> Result<Vec<(Label<'a>, T)>> {
    match list.value() {
        FeedValue::List(table) | FeedValue::Map(table) => table
            .entries()
            .map(|(key, item)| match key {
                FeedKey::Index(i) => Ok((Label::Index(i), item)),
                FeedKey::Name(k) => Ok((Label::Key(k), item)),
                FeedKey::Invalid => Err(Error::invalid(section, BAD_KEY)),
            })
            .collect(),
        FeedValue::Invalid(message) => Err(Error::invalid(section, message)),
        _ => Err(Error::invalid(section, "must be a list (an array)")),
    }
}

/// The text of a scalar: a string as it is, a number as the feed writes numbers.
pub(super) fn text<'a, T>(
    value: &FeedValue<'a, T>,
    path: impl FnOnce() -> String,
) -> Result<Text<'a>> {
    match value {
        FeedValue::Str(s) => Ok(Text::Borrowed(s)),
        FeedValue::Int(i) => Ok(Text::int(*i)),
        FeedValue::Float(f) => Ok(Text::float(*f)),
        FeedValue::Invalid(message) => Err(Error::invalid(path(), message.as_str())),
        _ => Err(Error::invalid(path(), "must be a string or a number")),
    }
}

fn base(section: &str, label: Option<Label<'_>>) -> String {
    match label {
        Some(label) => format!("{section}[{label}]"),
        None => section.to_string(),
    }
}

/// A value of a field that may hold a list, with its place in the list (None: not a list).
pub(super) struct Listed<'a> {
    pub(super) text: Text<'a>,
    index: Option<usize>,
}

/// One item of a section (the shop, a currency, a category, an offer), its keys checked. Fields
/// are asked for by their place in the item's `names`; an absent field reads as null.
pub(super) struct Fields<'a, T, const N: usize> {
    values: [FeedValue<'a, T>; N],
    names: &'static [&'static str; N],
    section: &'static str,
    label: Option<Label<'a>>,
}

impl<'a, T: FeedInput<'a>, const N: usize> Fields<'a, T, N> {
    pub(super) fn of(
        item: T,
        section: &'static str,
        label: Option<Label<'a>>,
        names: &'static [&'static str; N],
    ) -> Result<Self> {
        let map = match item.value() {
            FeedValue::Map(map) => map,
            FeedValue::Invalid(message) => {
                return Err(Error::invalid(base(section, label), message));
            }
            _ => {
                return Err(Error::invalid(
                    base(section, label),
                    "must be an array with string keys",
                ));
            }
        };
        let mut fields = Fields {
            values: [const { FeedValue::Null }; N],
            names,
            section,
            label,
        };
        for (key, value) in map.entries() {
            let index;
            let name = match key {
                FeedKey::Name(name) => name,
                FeedKey::Index(i) => {
                    index = i.to_string();
                    &index
                }
                FeedKey::Invalid => return Err(Error::invalid(fields.base(), BAD_KEY)),
            };
            let Some(slot) = names.iter().position(|n| *n == name) else {
                return Err(Error::invalid(
                    fields.at_name(name),
                    format!("is not a field here (known: {})", names.join(", ")),
                ));
            };
            fields.values[slot] = match value.value() {
                FeedValue::Invalid(message) => {
                    return Err(Error::invalid(fields.at(slot), message));
                }
                read => read,
            };
        }
        Ok(fields)
    }

    /// The item's own path: `offers[3]`, `shop`.
    fn base(&self) -> String {
        base(self.section, self.label)
    }

    fn at_name(&self, name: &str) -> String {
        format!("{}.{name}", self.base())
    }

    /// A field's path: `offers[3].name`.
    pub(super) fn at(&self, slot: usize) -> String {
        self.at_name(self.names[slot])
    }

    /// A field's value; null when absent.
    pub(super) fn get(&self, slot: usize) -> &FeedValue<'a, T> {
        &self.values[slot]
    }

    /// A text field; absent, null and empty are all None, as a feed cannot tell them apart.
    pub(super) fn text(&self, slot: usize) -> Result<Option<Text<'a>>> {
        match self.get(slot) {
            FeedValue::Null => Ok(None),
            v => Ok(Some(text(v, || self.at(slot))?).filter(|t| !t.is_empty())),
        }
    }

    pub(super) fn required(&self, slot: usize) -> Result<Text<'a>> {
        self.text(slot)?
            .ok_or_else(|| Error::invalid(self.at(slot), "is required and may not be empty"))
    }

    /// A field that may hold one value or a list of them (`categoryId`, `picture`), into
    /// `texts`; null and empty entries are left out.
    pub(super) fn texts(&self, slot: usize, texts: &mut Vec<Listed<'a>>) -> Result<()> {
        texts.clear();
        let mut add = |value: &FeedValue<'a, T>, index: Option<usize>| {
            let text = text(value, || self.at_index(slot, index))?;
            if !text.is_empty() {
                texts.push(Listed { text, index });
            }
            Ok(())
        };
        match self.get(slot) {
            FeedValue::Null => Ok(()),
            FeedValue::List(list) => list
                .entries()
                .enumerate()
                .map(|(i, (_, v))| (i, v.value()))
                .filter(|(_, v)| !matches!(v, FeedValue::Null))
                .try_for_each(|(i, v)| add(&v, Some(i))),
            one => add(one, None),
        }
    }

    /// The path of one of [`texts`](Self::texts): `offers[3].categoryId[1]`.
    pub(super) fn at_listed(&self, slot: usize, listed: &Listed<'_>) -> String {
        self.at_index(slot, listed.index)
    }

    fn at_index(&self, slot: usize, index: Option<usize>) -> String {
        match index {
            Some(i) => format!("{}[{i}]", self.at(slot)),
            None => self.at(slot),
        }
    }

    pub(super) fn flag(&self, slot: usize, default: bool) -> Result<bool> {
        match self.get(slot) {
            FeedValue::Null => Ok(default),
            FeedValue::Bool(b) => Ok(*b),
            _ => Err(Error::invalid(self.at(slot), "must be true or false")),
        }
    }
}
