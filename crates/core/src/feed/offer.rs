//! One offer: read from the caller's array with Mindbox's rules applied, then written as YML.
//! Keys are the YML element names (`group_id`, `oldprice`, `categoryId`, …), `param` a map of
//! parameter name ⇒ value or list of values. Nothing is copied: the offer's texts are the
//! caller's strings, and its lists are kept in vectors the batch reuses.

use super::fields::{Fields, Label, Listed, text};
use super::input::{FeedInput, FeedKey, FeedValue};
use super::text::Text;
use super::xml;
use crate::error::{Error, Result};
use crate::normalize;
use std::collections::HashSet;
use std::ops::Range;

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
// Their places in FIELDS.
const ID: usize = 0;
const AVAILABLE: usize = 1;
const GROUP_ID: usize = 2;
const URL: usize = 3;
const PRICE: usize = 4;
const OLDPRICE: usize = 5;
const CURRENCY_ID: usize = 6;
const CATEGORY_ID: usize = 7;
const PICTURE: usize = 8;
const NAME: usize = 9;
const VENDOR: usize = 10;
const VENDOR_CODE: usize = 11;
const DESCRIPTION: usize = 12;
const PARAM: usize = 13;

/// What an offer may refer to: the currencies and categories written before it.
pub(super) struct Known<'s> {
    pub(super) currencies: &'s HashSet<String>,
    pub(super) categories: &'s HashSet<String>,
}

/// An offer's lists, emptied for each offer of a batch and filled again.
#[derive(Default)]
pub(super) struct Lists<'a> {
    categories: Vec<Listed<'a>>,
    pictures: Vec<Listed<'a>>,
    /// Each parameter's name and its values' place in `values`.
    params: Vec<(Text<'a>, Range<usize>)>,
    values: Vec<Text<'a>>,
}

pub(super) struct Offer<'a> {
    pub(super) id: Text<'a>,
    available: bool,
    group_id: Option<Text<'a>>,
    url: Option<Text<'a>>,
    price: Option<Text<'a>>,
    oldprice: Option<Text<'a>>,
    currency_id: Option<Text<'a>>,
    name: Option<Text<'a>>,
    vendor: Option<Text<'a>>,
    vendor_code: Option<Text<'a>>,
    description: Option<Text<'a>>,
    pub(super) description_cut: bool,
}

/// The offer, or None when its id is too long for Mindbox (it is skipped, and counted).
pub(super) fn read<'a, T: FeedInput<'a>>(
    item: T,
    label: Label<'a>,
    known: &Known<'_>,
    lists: &mut Lists<'a>,
) -> Result<Option<Offer<'a>>> {
    let f = Fields::of(item, "offers", Some(label), &FIELDS)?;
    let id = f.required(ID)?;
    if xml::longer_than(&id, MAX_ID) {
        return Ok(None);
    }
    match read_fields(&f, id.clone(), known, lists) {
        Ok(offer) => Ok(Some(offer)),
        Err(Error::InvalidArgument { path, message }) => Err(Error::InvalidArgument {
            path,
            message: format!("{message} (offer \"{}\")", &*id),
        }),
        Err(other) => Err(other),
    }
}

fn read_fields<'a, T: FeedInput<'a>>(
    f: &Fields<'a, T, 14>,
    id: Text<'a>,
    known: &Known<'_>,
    lists: &mut Lists<'a>,
) -> Result<Offer<'a>> {
    let price = money(f, PRICE)?;
    let oldprice = money(f, OLDPRICE)?;
    let currency_id = f.text(CURRENCY_ID)?;
    match &currency_id {
        Some(c) if !known.currencies.contains(&**c) => {
            return Err(Error::invalid(
                f.at(CURRENCY_ID),
                format!(
                    "{} is not among the currencies written by currencies()",
                    &**c
                ),
            ));
        }
        None if price.is_some() => {
            return Err(Error::invalid(
                f.at(CURRENCY_ID),
                "is required with a price",
            ));
        }
        _ => {}
    }
    f.texts(CATEGORY_ID, &mut lists.categories)?;
    if lists.categories.is_empty() {
        return Err(Error::invalid(
            f.at(CATEGORY_ID),
            "is required (one or a list)",
        ));
    }
    if let Some(c) = lists
        .categories
        .iter()
        .find(|c| !known.categories.contains(&*c.text))
    {
        return Err(Error::invalid(
            f.at_listed(CATEGORY_ID, c),
            format!(
                "{} is not among the categories written by categories()",
                &*c.text
            ),
        ));
    }
    let (description, description_cut) = match f.text(DESCRIPTION)? {
        Some(d) => cut_description(d),
        None => (None, false),
    };
    let available = f.flag(AVAILABLE, true)?;
    let group_id = f.text(GROUP_ID)?;
    let url = f.text(URL)?;
    f.texts(PICTURE, &mut lists.pictures)?;
    let name = f.text(NAME)?;
    let vendor = f.text(VENDOR)?;
    let vendor_code = f.text(VENDOR_CODE)?;
    params(f, lists)?;
    Ok(Offer {
        id,
        available,
        group_id,
        url,
        price,
        oldprice,
        currency_id,
        name,
        vendor,
        vendor_code,
        description,
        description_cut,
    })
}

/// Prices go by the rule order lines go by (2 decimals, never negative), so the feed and the
/// orders agree on a product's price.
fn money<'a, T: FeedInput<'a>>(f: &Fields<'a, T, 14>, slot: usize) -> Result<Option<Text<'a>>> {
    let n = match f.get(slot) {
        FeedValue::Null => return Ok(None),
        // Whole numbers are kept as they are, as the API keeps them.
        FeedValue::Int(i) if *i >= 0 => return Ok(Some(Text::int(*i))),
        FeedValue::Int(i) => Some(*i as f64),
        FeedValue::Float(n) => Some(*n),
        FeedValue::Str(s) => normalize::parse_decimal(s),
        _ => None,
    };
    let cents = normalize::rounded_units(n, 2, || f.at(slot))?;
    Ok(Some(Text::cents(cents)))
}

fn cut_description(d: Text<'_>) -> (Option<Text<'_>>, bool) {
    match d {
        Text::Borrowed(s) => {
            let (kept, cut) = xml::cut(s, MAX_DESCRIPTION);
            (Some(Text::Borrowed(kept)), cut)
        }
        // A number's digits: never near the limit.
        number => (Some(number), false),
    }
}

/// `param`: name ⇒ value, or ⇒ a list of values joined with `|` as Mindbox reads multi-values.
/// Names are kept exactly as given: they are what the shop's staff see in Mindbox.
fn params<'a, T: FeedInput<'a>>(f: &Fields<'a, T, 14>, lists: &mut Lists<'a>) -> Result<()> {
    lists.params.clear();
    lists.values.clear();
    let map = match f.get(PARAM) {
        FeedValue::Null => return Ok(()),
        FeedValue::List(list) if list.entries().next().is_none() => return Ok(()),
        FeedValue::Map(map) => map,
        _ => {
            return Err(Error::invalid(
                f.at(PARAM),
                "must be an array of parameter name => value (one value or a list)",
            ));
        }
    };
    for (key, value) in map.entries() {
        let name = match key {
            FeedKey::Name(name) => Text::Borrowed(name),
            FeedKey::Index(i) => Text::int(i),
            FeedKey::Invalid => {
                return Err(Error::invalid(
                    f.at(PARAM),
                    "has a key that is not valid UTF-8",
                ));
            }
        };
        let path = || format!("{}.{}", f.at(PARAM), &*name);
        if name.trim().is_empty() {
            return Err(Error::invalid(
                path(),
                "a parameter's name may not be empty",
            ));
        }
        let start = lists.values.len();
        let mut add = |value: FeedValue<'a, T>, index: Option<usize>| {
            let t = match value {
                FeedValue::Null => return Ok(()),
                FeedValue::Bool(b) => Text::Borrowed(if b { "true" } else { "false" }),
                v => match index {
                    Some(i) => text(&v, || format!("{}[{i}]", path()))?,
                    None => text(&v, path)?,
                },
            };
            if !t.is_empty() {
                lists.values.push(t);
            }
            Ok::<(), Error>(())
        };
        match value.value() {
            FeedValue::List(list) => {
                for (i, (_, v)) in list.entries().enumerate() {
                    add(v.value(), Some(i))?;
                }
            }
            one => add(one, None)?,
        }
        if lists.values.len() > start {
            lists.params.push((name, start..lists.values.len()));
        }
    }
    Ok(())
}

impl Offer<'_> {
    pub(super) fn write(&self, out: &mut Vec<u8>, lists: &Lists<'_>) {
        let available = if self.available { "true" } else { "false" };
        match &self.group_id {
            Some(group) => xml::open(
                out,
                "offer",
                &[
                    ("id", &self.id),
                    ("available", available),
                    ("group_id", group),
                ],
            ),
            None => xml::open(out, "offer", &[("id", &self.id), ("available", available)]),
        }
        optional(out, "url", &self.url);
        optional(out, "price", &self.price);
        optional(out, "oldprice", &self.oldprice);
        optional(out, "currencyId", &self.currency_id);
        for category in &lists.categories {
            xml::element(out, "categoryId", &[], &category.text);
        }
        for picture in &lists.pictures {
            xml::element(out, "picture", &[], &picture.text);
        }
        optional(out, "name", &self.name);
        optional(out, "vendor", &self.vendor);
        optional(out, "vendorCode", &self.vendor_code);
        optional(out, "description", &self.description);
        for (name, values) in &lists.params {
            xml::begin(out, "param", &[("name", name)]);
            for (i, value) in lists.values[values.clone()].iter().enumerate() {
                if i > 0 {
                    out.push(b'|');
                }
                xml::escape(out, value, false);
            }
            xml::close(out, "param");
        }
        xml::close(out, "offer");
    }
}

#[inline]
fn optional(out: &mut Vec<u8>, tag: &str, value: &Option<Text<'_>>) {
    if let Some(text) = value {
        xml::element(out, tag, &[], text);
    }
}
