//! The parts of the feed before its offers: the shop's header, its currencies and categories.
//! Each is read whole and checked (`read_…`) before any of it is written (`write_…`).

use super::fields::{Fields, Label, items};
use super::xml;
use crate::error::{Error, Result};
use quick_xml::Writer;
use serde_json::Value;
use std::borrow::Cow;
use std::collections::HashSet;
use std::io::{self, Write};
use std::time::SystemTime;

/// The shop's `name`, `company` and `url`.
pub(super) struct Shop<'a>([Cow<'a, str>; 3]);

pub(super) fn read_shop(shop: &Value) -> Result<Shop<'_>> {
    let f = Fields::of(shop, "shop", None, &["name", "company", "url"])?;
    Ok(Shop([
        f.required("name")?,
        f.required("company")?,
        f.required("url")?,
    ]))
}

/// The XML declaration, `yml_catalog` and the shop's header.
pub(super) fn write_shop<W: Write>(
    w: &mut Writer<W>,
    shop: &Shop<'_>,
    now: SystemTime,
) -> io::Result<()> {
    xml::declaration(w)?;
    xml::open(w, "yml_catalog", &[("date", &xml::catalog_date(now))])?;
    xml::open(w, "shop", &[])?;
    for (tag, text) in ["name", "company", "url"].iter().zip(&shop.0) {
        xml::element(w, tag, &[], text)?;
    }
    Ok(())
}

/// `currency@id@rate`. The rate is written as given, never rounded: the official modules cut
/// it to an integer (next-wave.md §1.2).
pub(super) type Currency<'a> = (Cow<'a, str>, String);

/// A batch of currencies, checked against those written before, which it joins.
pub(super) fn read_currencies<'a>(
    list: &'a Value,
    seen: &mut HashSet<String>,
) -> Result<Vec<Currency<'a>>> {
    let mut batch = Vec::new();
    for (label, item) in items(list, "currencies")? {
        let f = Fields::of(item, "currencies", Some(label), &["id", "rate"])?;
        let id = f.required("id")?;
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

pub(super) fn write_currencies<W: Write>(
    w: &mut Writer<W>,
    batch: &[Currency<'_>],
) -> io::Result<()> {
    for (id, rate) in batch {
        xml::empty(w, "currency", &[("id", id), ("rate", rate)])?;
    }
    Ok(())
}

fn rate(f: &Fields<'_>) -> Result<String> {
    let value = f.get("rate");
    let n = match value {
        Some(Value::Number(n)) => n.as_f64(),
        Some(Value::String(s)) => s.trim().replace(',', ".").parse::<f64>().ok(),
        _ => None,
    };
    match (n, value) {
        (Some(n), Some(Value::Number(number))) if n.is_finite() && n > 0.0 => {
            Ok(xml::number_text(number))
        }
        (Some(n), _) if n.is_finite() && n > 0.0 => Ok(n.to_string()),
        _ => Err(Error::invalid(f.at("rate"), "must be a positive number")),
    }
}

/// `category@id@parentId`, the name as text. A parent may come after its children (a shop
/// lists its sections in its own order), so parents are not checked against the ids.
/// `id`, `parentId`, `name`.
pub(super) type Category<'a> = (Cow<'a, str>, Option<Cow<'a, str>>, Cow<'a, str>);

/// A batch of categories, checked against those written before, which it joins.
pub(super) fn read_categories<'a>(
    list: &'a Value,
    seen: &mut HashSet<String>,
) -> Result<Vec<Category<'a>>> {
    let mut batch = Vec::new();
    for (label, item) in items(list, "categories")? {
        let f = Fields::of(item, "categories", Some(label), &["id", "parentId", "name"])?;
        batch.push((
            label,
            f.required("id")?,
            f.text("parentId")?,
            f.required("name")?,
        ));
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

pub(super) fn write_categories<W: Write>(
    w: &mut Writer<W>,
    batch: &[Category<'_>],
) -> io::Result<()> {
    for (id, parent, name) in batch {
        match parent {
            Some(parent) => xml::element(w, "category", &[("id", id), ("parentId", parent)], name)?,
            None => xml::element(w, "category", &[("id", id)], name)?,
        }
    }
    Ok(())
}

fn duplicate(section: &str, label: Label<'_>, id: &str) -> Error {
    Error::invalid(
        format!("{section}[{label}].id"),
        format!("{id} was written already: ids are unique"),
    )
}
