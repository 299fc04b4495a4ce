//! What an order holds as Mindbox was last told: its totals, its lines with the numbers and
//! statuses Mindbox knows them by, and its status, for `GET /__emulator/orders`. The ledger
//! keeps it beside the order's points, by Mindbox id; `line_status` changes its lines'
//! statuses.
//!
//! Lines are read leniently: what a request leaves out or writes oddly is kept as `null`, since
//! judging order bodies is the contract's and the calculation's business, not the record's.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::calculation::Calculation;
use super::cart::id_text;
use super::ledger::Order;
use super::money::{Kopecks, maybe_quantity, maybe_units, parse_money, parse_quantity};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Content {
    #[serde(with = "maybe_units")]
    pub total_price: Option<Kopecks>,
    #[serde(with = "maybe_units")]
    pub delivery_cost: Option<Kopecks>,
    /// The one status all its lines have; for an order told of without lines, the last status
    /// set for all of them; `null` while its lines differ or none was told.
    pub status: Option<String>,
    /// In `lineNumber` order.
    pub lines: Vec<Line>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Line {
    /// Stable across Mindbox's splits: the parts of a split line share it.
    pub line_id: Option<String>,
    /// Unique in the order.
    pub line_number: u64,
    pub product_ids: BTreeMap<String, String>,
    #[serde(with = "maybe_quantity")]
    pub quantity: Option<i64>,
    #[serde(with = "maybe_units")]
    pub base_price_per_item: Option<Kopecks>,
    #[serde(with = "maybe_units")]
    pub price_of_line: Option<Kopecks>,
    pub status: Option<String>,
}

/// A line as a request tells it, with the number it gives, if any.
struct Told {
    number: Option<u64>,
    line: Line,
}

impl Content {
    /// An order node as a creation without processing (or an offline one) tells it.
    pub fn created(order: Option<&Value>) -> Content {
        let mut content = Content::default();
        content.update(order);
        content
    }

    /// A processed order holds the lines Mindbox answered, numbered as the answer numbers them
    /// (`answer::processed`), split where a promotion split them, each with the status the
    /// request gave its `lineId`.
    pub fn processed(calc: &Calculation, order: Option<&Value>) -> Content {
        let told = told_lines(order);
        let status_of = |line_id: &Option<String>| {
            let told = told
                .iter()
                .find(|t| line_id.is_some() && t.line.line_id == *line_id);
            told.and_then(|t| t.line.status.clone())
        };
        let lines = calc.lines.iter().zip(1..).map(|(l, number)| {
            let line_id = l.line_id.as_ref().and_then(id_text);
            Line {
                status: status_of(&line_id),
                line_id,
                line_number: number,
                product_ids: product_ids(&l.product),
                quantity: Some(l.quantity),
                base_price_per_item: Some(l.price),
                price_of_line: Some(l.discounted),
            }
        });
        let mut content = Content {
            total_price: Some(calc.total),
            delivery_cost: calc.delivery_cost,
            status: None,
            lines: lines.collect(),
        };
        content.settle();
        content
    }

    /// Adds the lines a re-save of a processed order tells as taken off (cancelled, returned):
    /// kept with their status and what the request says of them, unpriced by Mindbox. They are
    /// numbered after the lines it priced, in the order told, since those are numbered as its
    /// answer numbers them (`processed`), and a client sends back the numbers it was answered.
    pub fn with_taken_off(mut self, lines: &[Value]) -> Content {
        for raw in lines {
            let mut line = told_line(raw).line;
            line.line_number = self.last_number() + 1;
            self.lines.push(line);
        }
        self.settle();
        self
    }

    /// An update: the totals it gives replace the kept ones, and each of its lines replaces
    /// the kept line of its `lineNumber` (without one, the one kept line of its `lineId`) or is
    /// added, numbered after the largest as the client numbers lines. A line it leaves out
    /// stays as it was: a line leaves an order only by a status (Cancelled, Returned), which is
    /// what Mindbox's operations have for it.
    pub fn update(&mut self, order: Option<&Value>) {
        if let Some(total) = money_at(order, "totalPrice") {
            self.total_price = Some(total);
        }
        if let Some(delivery) = money_at(order, "deliveryCost") {
            self.delivery_cost = Some(delivery);
        }
        let told = told_lines(order);
        let given = told.iter().filter_map(|t| t.number).max().unwrap_or(0);
        let mut next = self.last_number().max(given);
        for Told { number, mut line } in told {
            let kept = match number {
                Some(n) => self.lines.iter().position(|l| l.line_number == n),
                None => self.only_line_of(line.line_id.as_deref()),
            };
            line.line_number = match (kept, number) {
                (Some(i), _) => self.lines[i].line_number,
                (None, Some(n)) => n,
                (None, None) => {
                    next += 1;
                    next
                }
            };
            match kept {
                Some(i) => self.lines[i] = line,
                None => self.lines.push(line),
            }
        }
        self.settle();
    }

    /// Sorts the lines and works out the order's status from them.
    pub(super) fn settle(&mut self) {
        self.lines.sort_by_key(|l| l.line_number);
        if let Some(first) = self.lines.first() {
            let same = self.lines.iter().all(|l| l.status == first.status);
            self.status = if same { first.status.clone() } else { None };
        }
    }

    pub(super) fn last_number(&self) -> u64 {
        self.lines.iter().map(|l| l.line_number).max().unwrap_or(0)
    }

    fn only_line_of(&self, line_id: Option<&str>) -> Option<usize> {
        let line_id = line_id?;
        let mut of =
            (0..self.lines.len()).filter(|&i| self.lines[i].line_id.as_deref() == Some(line_id));
        match (of.next(), of.next()) {
            (Some(i), None) => Some(i),
            _ => None,
        }
    }
}

/// The order as `GET /__emulator/orders` shows it: its Mindbox id, its ids, then its content.
pub fn view(order: &Order, content: &Content) -> Value {
    let mut view = Map::new();
    view.insert("mindboxId".into(), order.mindbox_id.into());
    view.insert("ids".into(), json!(order.ids));
    if let Ok(Value::Object(fields)) = serde_json::to_value(content) {
        view.extend(fields);
    }
    Value::Object(view)
}

/// A status as a request gives it: a name, or a reference `{"ids": {"externalId": …}}` as the
/// lines of a processed order carry it.
pub fn status_text(value: &Value) -> Option<String> {
    let name = match value {
        Value::Object(_) => value.pointer("/ids/externalId").and_then(id_text),
        other => id_text(other),
    };
    name.filter(|n| !n.is_empty())
}

fn money_at(order: Option<&Value>, name: &str) -> Option<Kopecks> {
    order?.get(name).and_then(parse_money)
}

fn product_ids(product: &Value) -> BTreeMap<String, String> {
    let ids = product.get("ids").and_then(Value::as_object);
    ids.into_iter()
        .flatten()
        .filter_map(|(name, value)| Some((name.clone(), id_text(value)?)))
        .collect()
}

fn told_lines(order: Option<&Value>) -> Vec<Told> {
    let lines = order.and_then(|o| o.get("lines")).and_then(Value::as_array);
    lines.into_iter().flatten().map(told_line).collect()
}

fn told_line(raw: &Value) -> Told {
    let field = |name: &str| raw.get(name).filter(|v| !v.is_null());
    Told {
        number: field("lineNumber")
            .and_then(Value::as_u64)
            .filter(|n| *n > 0),
        line: Line {
            line_id: field("lineId").and_then(id_text),
            line_number: 0,
            product_ids: field("product").map(product_ids).unwrap_or_default(),
            quantity: field("quantity").and_then(parse_quantity),
            base_price_per_item: field("basePricePerItem").and_then(parse_money),
            price_of_line: field("priceOfLine").and_then(parse_money),
            status: field("status").and_then(status_text),
        },
    }
}
