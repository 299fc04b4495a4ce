//! The parts of the feed before its offers: the shop's header, its currencies and categories.
//! Each is read whole and checked before any of it is written.

use super::fields::{Fields, Label, items};
use super::xml;
use crate::error::{Error, Result};
use serde_json::Value;
use std::collections::HashSet;
use std::time::SystemTime;

/// The XML declaration, `yml_catalog` and the shop's `name`, `company` and `url`.
pub(super) fn shop(out: &mut Vec<u8>, shop: &Value, now: SystemTime) -> Result<()> {
    let f = Fields::of(shop, "shop", None, &["name", "company", "url"])?;
    let (name, company, url) = (
        f.required("name")?,
        f.required("company")?,
        f.required("url")?,
    );
    out.extend_from_slice(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<yml_catalog");
    xml::attribute(out, "date", &xml::catalog_date(now));
    out.extend_from_slice(b">\n<shop>\n");
    xml::element(out, "name", &name);
    xml::element(out, "company", &company);
    xml::element(out, "url", &url);
    Ok(())
}

/// `currency@id@rate`. The rate is written as given, never rounded: the official modules cut
/// it to an integer (next-wave.md §1.2).
pub(super) fn currencies(
    out: &mut Vec<u8>,
    list: &Value,
    seen: &mut HashSet<String>,
) -> Result<()> {
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
    for (_, id, rate) in &batch {
        out.extend_from_slice(b"<currency");
        xml::attribute(out, "id", id);
        xml::attribute(out, "rate", rate);
        out.extend_from_slice(b"/>\n");
        seen.insert(id.to_string());
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
pub(super) fn categories(
    out: &mut Vec<u8>,
    list: &Value,
    seen: &mut HashSet<String>,
) -> Result<()> {
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
    for (_, id, parent, name) in &batch {
        out.extend_from_slice(b"<category");
        xml::attribute(out, "id", id);
        if let Some(parent) = parent {
            xml::attribute(out, "parentId", parent);
        }
        out.push(b'>');
        xml::escape_into(out, name);
        out.extend_from_slice(b"</category>\n");
        seen.insert(id.to_string());
    }
    Ok(())
}

fn duplicate(section: &str, label: Label<'_>, id: &str) -> Error {
    Error::invalid(
        format!("{section}[{label}].id"),
        format!("{id} was written already: ids are unique"),
    )
}
