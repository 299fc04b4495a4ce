//! The parts of the feed before its offers: the shop's header, its currencies and categories.
//! Each is read whole and checked (`read_…`) before any of it is written (`write_…`).

use super::fields::{Fields, Label, items};
use super::input::{FeedInput, FeedValue};
use super::text::Text;
use super::xml;
use crate::error::{Error, Result};
use crate::normalize;
use std::collections::HashSet;
use std::time::SystemTime;

/// The shop's `name`, `company` and `url`.
pub(super) struct Shop<'a>([Text<'a>; 3]);

pub(super) fn read_shop<'a, T: FeedInput<'a>>(shop: T) -> Result<Shop<'a>> {
    let f = Fields::of(shop, "shop", None, &["name", "company", "url"])?;
    Ok(Shop([f.required(0)?, f.required(1)?, f.required(2)?]))
}

/// The XML declaration, `yml_catalog` and the shop's header.
pub(super) fn write_shop(out: &mut Vec<u8>, shop: &Shop<'_>, now: SystemTime) {
    xml::declaration(out);
    xml::open(out, "yml_catalog", &[("date", &xml::catalog_date(now))]);
    xml::open(out, "shop", &[]);
    for (tag, text) in ["name", "company", "url"].iter().zip(&shop.0) {
        xml::element(out, tag, &[], text);
    }
}

/// `currency@id@rate`. The rate is written as given, never rounded: the official modules cut
/// it to an integer (next-wave.md §1.2).
pub(super) type Currency<'a> = (Text<'a>, Text<'a>);

/// A batch of currencies, checked against those written before, which it joins.
pub(super) fn read_currencies<'a, T: FeedInput<'a>>(
    list: T,
    seen: &mut HashSet<String>,
) -> Result<Vec<Currency<'a>>> {
    let mut batch = Vec::new();
    for (label, item) in items(list, "currencies")? {
        let f = Fields::of(item, "currencies", Some(label), &["id", "rate"])?;
        let id = f.required(0)?;
        let rate = rate(&f)?;
        batch.push((label, id, rate));
    }
    let mut added = HashSet::new();
    for (label, id, _) in &batch {
        if seen.contains(&**id) || !added.insert(&**id) {
            return Err(duplicate("currencies", *label, id));
        }
    }
    seen.extend(batch.iter().map(|(_, id, _)| id.to_string()));
    Ok(batch.into_iter().map(|(_, id, rate)| (id, rate)).collect())
}

pub(super) fn write_currencies(out: &mut Vec<u8>, batch: &[Currency<'_>]) {
    for (id, rate) in batch {
        xml::empty(out, "currency", &[("id", id), ("rate", rate)]);
    }
}

/// A positive number, or a text that reads as one (then written as read: "80,5" is 80.5).
fn rate<'a, T: FeedInput<'a>>(f: &Fields<'a, T, 2>) -> Result<Text<'a>> {
    let rate = match f.get(1) {
        FeedValue::Int(i) if *i > 0 => Some(Text::int(*i)),
        FeedValue::Float(n) if n.is_finite() && *n > 0.0 => Some(Text::float(*n)),
        FeedValue::Str(s) => normalize::parse_decimal(s)
            .filter(|n| n.is_finite() && *n > 0.0)
            .map(Text::float),
        _ => None,
    };
    rate.ok_or_else(|| Error::invalid(f.at(1), "must be a positive number"))
}

/// `category@id@parentId`, the name as text. A parent may come after its children (a shop
/// lists its sections in its own order), so parents are not checked against the ids.
/// `id`, `parentId`, `name`.
pub(super) type Category<'a> = (Text<'a>, Option<Text<'a>>, Text<'a>);

/// A batch of categories, checked against those written before, which it joins.
pub(super) fn read_categories<'a, T: FeedInput<'a>>(
    list: T,
    seen: &mut HashSet<String>,
) -> Result<Vec<Category<'a>>> {
    let mut batch = Vec::new();
    for (label, item) in items(list, "categories")? {
        let f = Fields::of(item, "categories", Some(label), &["id", "parentId", "name"])?;
        batch.push((label, f.required(0)?, f.text(1)?, f.required(2)?));
    }
    let mut added = HashSet::new();
    for (label, id, _, _) in &batch {
        if seen.contains(&**id) || !added.insert(&**id) {
            return Err(duplicate("categories", *label, id));
        }
    }
    seen.extend(batch.iter().map(|(_, id, _, _)| id.to_string()));
    Ok(batch
        .into_iter()
        .map(|(_, id, parent, name)| (id, parent, name))
        .collect())
}

pub(super) fn write_categories(out: &mut Vec<u8>, batch: &[Category<'_>]) {
    for (id, parent, name) in batch {
        match parent {
            Some(parent) => {
                xml::element(out, "category", &[("id", id), ("parentId", parent)], name)
            }
            None => xml::element(out, "category", &[("id", id)], name),
        }
    }
}

fn duplicate(section: &str, label: Label<'_>, id: &str) -> Error {
    Error::invalid(
        format!("{section}[{label}].id"),
        format!("{id} was written already: ids are unique"),
    )
}
