//! Reading the writer's input, one JSON value per call (the extension converts PHP arrays to
//! it): which keys a part may have, which values are text, and the path an error names
//! (`offers[3].categoryId`), built only when there is an error, never for each offer.

use super::xml;
use crate::error::{Error, Result};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::fmt;

/// Where an item sits in the caller's list: its position, or its key when the PHP array had
/// keys of its own (after `array_filter()`), so the path names the entry the caller can find.
#[derive(Clone, Copy)]
pub(super) enum Label<'a> {
    Index(usize),
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

/// The items of a list argument with their labels. PHP's empty array arrives as an empty object.
pub(super) fn items<'a>(value: &'a Value, section: &str) -> Result<Vec<(Label<'a>, &'a Value)>> {
    match value {
        Value::Array(list) => Ok(list
            .iter()
            .enumerate()
            .map(|(i, v)| (Label::Index(i), v))
            .collect()),
        Value::Object(map) => Ok(map.iter().map(|(k, v)| (Label::Key(k), v)).collect()),
        _ => Err(Error::invalid(section, "must be a list (an array)")),
    }
}

/// The text of a scalar: a string as it is, a number as the feed writes numbers.
pub(super) fn text<'a>(value: &'a Value, path: impl FnOnce() -> String) -> Result<Cow<'a, str>> {
    match value {
        Value::String(s) => Ok(Cow::Borrowed(s)),
        Value::Number(n) => Ok(Cow::Owned(xml::number_text(n))),
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
    pub(super) text: Cow<'a, str>,
    index: Option<usize>,
}

/// One item of a section (the shop, a currency, a category, an offer), its keys checked.
pub(super) struct Fields<'a> {
    map: &'a Map<String, Value>,
    section: &'static str,
    label: Option<Label<'a>>,
}

impl<'a> Fields<'a> {
    pub(super) fn of(
        value: &'a Value,
        section: &'static str,
        label: Option<Label<'a>>,
        known: &[&str],
    ) -> Result<Self> {
        let Value::Object(map) = value else {
            return Err(Error::invalid(
                base(section, label),
                "must be an array with string keys",
            ));
        };
        let fields = Fields {
            map,
            section,
            label,
        };
        if let Some(key) = fields.map.keys().find(|k| !known.contains(&k.as_str())) {
            return Err(Error::invalid(
                fields.at(key),
                format!("is not a field here (known: {})", known.join(", ")),
            ));
        }
        Ok(fields)
    }

    /// The item's own path: `offers[3]`, `shop`.
    fn base(&self) -> String {
        base(self.section, self.label)
    }

    /// A field's path: `offers[3].name`.
    pub(super) fn at(&self, key: &str) -> String {
        format!("{}.{key}", self.base())
    }

    /// A field's value; null counts as absent.
    pub(super) fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// A text field; absent, null and empty are all None, as a feed cannot tell them apart.
    pub(super) fn text(&self, key: &str) -> Result<Option<Cow<'a, str>>> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => Ok(Some(text(v, || self.at(key))?).filter(|t| !t.is_empty())),
        }
    }

    pub(super) fn required(&self, key: &str) -> Result<Cow<'a, str>> {
        self.text(key)?
            .ok_or_else(|| Error::invalid(self.at(key), "is required and may not be empty"))
    }

    /// A field that may hold one value or a list of them (`categoryId`, `picture`); null and
    /// empty entries are left out.
    pub(super) fn texts(&self, key: &str) -> Result<Vec<Listed<'a>>> {
        let (values, listed) = match self.get(key) {
            None => return Ok(Vec::new()),
            Some(Value::Array(list)) => (list.as_slice(), true),
            Some(one) => (std::slice::from_ref(one), false),
        };
        let mut texts = Vec::with_capacity(values.len());
        for (i, v) in values.iter().enumerate().filter(|(_, v)| !v.is_null()) {
            let index = listed.then_some(i);
            let text = text(v, || self.at_index(key, index))?;
            if !text.is_empty() {
                texts.push(Listed { text, index });
            }
        }
        Ok(texts)
    }

    /// The path of one of [`texts`](Self::texts): `offers[3].categoryId[1]`.
    pub(super) fn at_listed(&self, key: &str, listed: &Listed<'_>) -> String {
        self.at_index(key, listed.index)
    }

    fn at_index(&self, key: &str, index: Option<usize>) -> String {
        match index {
            Some(i) => format!("{}[{i}]", self.at(key)),
            None => self.at(key),
        }
    }

    pub(super) fn flag(&self, key: &str, default: bool) -> Result<bool> {
        match self.get(key) {
            None => Ok(default),
            Some(Value::Bool(b)) => Ok(*b),
            Some(_) => Err(Error::invalid(self.at(key), "must be true or false")),
        }
    }
}
