//! One offer: read from the caller's array with Mindbox's rules applied, then written as YML.
//! Keys are the YML element names (`group_id`, `oldprice`, `categoryId`, …), `param` a map of
//! parameter name ⇒ value or list of values.

use super::fields::{Fields, Label, Listed, text};
use super::xml;
use crate::error::{Error, Result};
use crate::normalize;
use quick_xml::Writer;
use serde_json::Value;
use std::borrow::Cow;
use std::collections::HashSet;
use std::io::{self, Write};

/// Mindbox's limits (next-wave.md §1.1): a longer id makes the offer useless, so it is skipped;
/// a longer description would keep the product out of Mindbox, so it is cut.
pub(super) const MAX_ID: usize = 200;
pub(super) const MAX_DESCRIPTION: usize = 10_000;

const FIELDS: [&str; 14] = [
    "id",
    "available",
    "group_id",
    "url",
    "price",
    "oldprice",
    "currencyId",
    "categoryId",
    "picture",
    "name",
    "vendor",
    "vendorCode",
    "description",
    "param",
];

/// What an offer may refer to: the currencies and categories written before it.
pub(super) struct Known<'s> {
    pub(super) currencies: &'s HashSet<String>,
    pub(super) categories: &'s HashSet<String>,
}

pub(super) enum Read<'a> {
    Offer(Box<Offer<'a>>),
    IdTooLong,
}

pub(super) struct Offer<'a> {
    pub(super) id: Cow<'a, str>,
    available: bool,
    group_id: Option<Cow<'a, str>>,
    url: Option<Cow<'a, str>>,
    price: Option<String>,
    oldprice: Option<String>,
    currency_id: Option<Cow<'a, str>>,
    category_ids: Vec<Listed<'a>>,
    pictures: Vec<Listed<'a>>,
    name: Option<Cow<'a, str>>,
    vendor: Option<Cow<'a, str>>,
    vendor_code: Option<Cow<'a, str>>,
    description: Option<Cow<'a, str>>,
    pub(super) description_cut: bool,
    params: Vec<(&'a str, String)>,
}

pub(super) fn read<'a>(value: &'a Value, label: Label<'a>, known: &Known<'_>) -> Result<Read<'a>> {
    let f = Fields::of(value, "offers", Some(label), &FIELDS)?;
    let id = f.required("id")?;
    if xml::length(&id) > MAX_ID {
        return Ok(Read::IdTooLong);
    }
    match read_fields(&f, id.clone(), known) {
        Ok(offer) => Ok(Read::Offer(Box::new(offer))),
        Err(Error::InvalidArgument { path, message }) => Err(Error::InvalidArgument {
            path,
            message: format!("{message} (offer \"{id}\")"),
        }),
        Err(other) => Err(other),
    }
}

fn read_fields<'a>(f: &Fields<'a>, id: Cow<'a, str>, known: &Known<'_>) -> Result<Offer<'a>> {
    let price = money(f, "price")?;
    let oldprice = money(f, "oldprice")?;
    let currency_id = f.text("currencyId")?;
    match &currency_id {
        Some(c) if !known.currencies.contains(&**c) => {
            return Err(Error::invalid(
                f.at("currencyId"),
                format!("{c} is not among the currencies written by currencies()"),
            ));
        }
        None if price.is_some() => {
            return Err(Error::invalid(
                f.at("currencyId"),
                "is required with a price",
            ));
        }
        _ => {}
    }
    let category_ids = f.texts("categoryId")?;
    if category_ids.is_empty() {
        return Err(Error::invalid(
            f.at("categoryId"),
            "is required (one or a list)",
        ));
    }
    if let Some(c) = category_ids
        .iter()
        .find(|c| !known.categories.contains(&*c.text))
    {
        return Err(Error::invalid(
            f.at_listed("categoryId", c),
            format!(
                "{} is not among the categories written by categories()",
                c.text
            ),
        ));
    }
    let (description, description_cut) = match f.text("description")? {
        Some(d) => cut_description(d),
        None => (None, false),
    };
    Ok(Offer {
        id,
        available: f.flag("available", true)?,
        group_id: f.text("group_id")?,
        url: f.text("url")?,
        price,
        oldprice,
        currency_id,
        category_ids,
        pictures: f.texts("picture")?,
        name: f.text("name")?,
        vendor: f.text("vendor")?,
        vendor_code: f.text("vendorCode")?,
        description,
        description_cut,
        params: params(f)?,
    })
}

/// Prices go by the rule order lines go by (2 decimals, never negative), so the feed and the
/// orders agree on a product's price.
fn money(f: &Fields<'_>, key: &str) -> Result<Option<String>> {
    let Some(value) = f.get(key) else {
        return Ok(None);
    };
    let mut value = value.clone();
    let rounded = normalize::decimal(&mut value, "", 2).map(|()| match &value {
        Value::Number(n) => Some(xml::number_text(n)),
        _ => None,
    });
    match rounded {
        Ok(Some(text)) => Ok(Some(text)),
        Ok(None) => Err(Error::invalid(f.at(key), "must be a number")),
        Err(e) => Err(Error::invalid(f.at(key), message_of(e))),
    }
}

fn message_of(e: Error) -> String {
    match e {
        Error::InvalidArgument { message, .. } => message,
        other => other.to_string(),
    }
}

fn cut_description(d: Cow<'_, str>) -> (Option<Cow<'_, str>>, bool) {
    match d {
        Cow::Borrowed(s) => {
            let (kept, cut) = xml::cut(s, MAX_DESCRIPTION);
            (Some(Cow::Borrowed(kept)), cut)
        }
        Cow::Owned(s) => {
            let (kept, cut) = xml::cut(&s, MAX_DESCRIPTION);
            (Some(Cow::Owned(kept.to_string())), cut)
        }
    }
}

/// `param`: name ⇒ value, or ⇒ a list of values joined with `|` as Mindbox reads multi-values.
/// Names are kept exactly as given: they are what the shop's staff see in Mindbox.
fn params<'a>(f: &Fields<'a>) -> Result<Vec<(&'a str, String)>> {
    let map = match f.get("param") {
        None => return Ok(Vec::new()),
        Some(Value::Array(list)) if list.is_empty() => return Ok(Vec::new()),
        Some(Value::Object(map)) => map,
        Some(_) => {
            return Err(Error::invalid(
                f.at("param"),
                "must be an array of parameter name => value (one value or a list)",
            ));
        }
    };
    let mut params = Vec::with_capacity(map.len());
    for (name, value) in map {
        let path = || format!("{}.{name}", f.at("param"));
        if name.trim().is_empty() {
            return Err(Error::invalid(
                path(),
                "a parameter's name may not be empty",
            ));
        }
        let (values, listed) = match value {
            Value::Array(list) => (list.as_slice(), true),
            one => (std::slice::from_ref(one), false),
        };
        let mut joined = String::new();
        for (i, v) in values.iter().enumerate().filter(|(_, v)| !v.is_null()) {
            let t = match v {
                Value::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
                v if listed => text(v, || format!("{}[{i}]", path()))?,
                v => text(v, path)?,
            };
            if !t.is_empty() {
                if !joined.is_empty() {
                    joined.push('|');
                }
                joined.push_str(&t);
            }
        }
        if !joined.is_empty() {
            params.push((name.as_str(), joined));
        }
    }
    Ok(params)
}

impl Offer<'_> {
    pub(super) fn write<W: Write>(&self, w: &mut Writer<W>) -> io::Result<()> {
        let available = if self.available { "true" } else { "false" };
        match &self.group_id {
            Some(group) => xml::open(
                w,
                "offer",
                &[
                    ("id", &self.id),
                    ("available", available),
                    ("group_id", group),
                ],
            )?,
            None => xml::open(w, "offer", &[("id", &self.id), ("available", available)])?,
        }
        optional(w, "url", self.url.as_deref())?;
        optional(w, "price", self.price.as_deref())?;
        optional(w, "oldprice", self.oldprice.as_deref())?;
        optional(w, "currencyId", self.currency_id.as_deref())?;
        for category in &self.category_ids {
            xml::element(w, "categoryId", &[], &category.text)?;
        }
        for picture in &self.pictures {
            xml::element(w, "picture", &[], &picture.text)?;
        }
        optional(w, "name", self.name.as_deref())?;
        optional(w, "vendor", self.vendor.as_deref())?;
        optional(w, "vendorCode", self.vendor_code.as_deref())?;
        optional(w, "description", self.description.as_deref())?;
        for (name, value) in &self.params {
            xml::element(w, "param", &[("name", name)], value)?;
        }
        xml::close(w, "offer")
    }
}

fn optional<W: Write>(w: &mut Writer<W>, tag: &str, value: Option<&str>) -> io::Result<()> {
    match value {
        Some(text) => xml::element(w, tag, &[], text),
        None => Ok(()),
    }
}
