//! `RetailOrder.Import`: a row is one line of an order. The rows of an order in one import are
//! its lines, replacing those an earlier import gave it, so that sending an import again
//! changes nothing. An order is found by any of its ids; an empty cell leaves an order's field
//! as it was.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

use super::columns::OrderColumn;
use super::dates::{self, DateFormat};
use super::values;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    pub ids: BTreeMap<String, String>,
    pub customer: OrderCustomer,
    /// `yyyy-MM-dd HH:mm:ss`, UTC as sent.
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    pub total_price: Option<f64>,
    pub delivery_cost: Option<f64>,
    pub point_of_contact: Option<String>,
    pub lines: Vec<Line>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderCustomer {
    pub ids: BTreeMap<String, String>,
    pub email: Option<String>,
    /// Digits only.
    pub mobile_phone: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Line {
    pub line_id: Option<String>,
    pub product_ids: BTreeMap<String, String>,
    pub quantity: f64,
    pub price_of_line: f64,
    pub status: String,
}

/// A row read as an order with its one line, or why it is rejected (naming the column).
pub fn row(
    columns: &[OrderColumn],
    names: &[String],
    cells: &[&str],
    formats: &[DateFormat],
) -> Result<Order, String> {
    let mut o = Order::default();
    let mut line = Line::default();
    let (mut quantity, mut price) = (None, None);
    for ((column, name), cell) in columns.iter().zip(names).zip(cells) {
        if cell.is_empty() {
            continue;
        }
        let named = |e: String| format!("{name}: {e}");
        let text = || Some((*cell).to_owned());
        let date = || dates::parse(formats, cell).map(|m| Some(m.to_string()));
        let amount = || values::amount(cell).map(Some);
        use OrderColumn::*;
        match column {
            OrderId(system) => {
                o.ids.insert(system.clone(), (*cell).to_owned());
            }
            CustomerId(system) => {
                o.customer.ids.insert(system.clone(), (*cell).to_owned());
            }
            CustomerEmail => o.customer.email = values::email(cell).map(Some).map_err(named)?,
            CustomerMobilePhone => {
                o.customer.mobile_phone = values::phone(cell).map(Some).map_err(named)?
            }
            CreatedAt => o.created_at = date().map_err(named)?,
            UpdatedAt => o.updated_at = date().map_err(named)?,
            PointOfContact => o.point_of_contact = text(),
            TotalPrice => o.total_price = amount().map_err(named)?,
            DeliveryCost => o.delivery_cost = amount().map_err(named)?,
            ProductId(system) => {
                line.product_ids.insert(system.clone(), (*cell).to_owned());
            }
            Quantity => {
                let q = values::decimal(cell).filter(|q| *q > 0.0);
                quantity = Some(q.ok_or_else(|| named(format!("'{cell}' is not a number > 0")))?);
            }
            PriceOfLine => price = amount().map_err(named)?,
            Status => line.status = (*cell).to_owned(),
            LineId => line.line_id = text(),
        }
    }
    if o.ids.is_empty() {
        return Err("no order id: every OrderIds… cell is empty or missing".into());
    }
    if line.product_ids.is_empty() {
        return Err("no product id: every OrderLineProductIds… cell is empty or missing".into());
    }
    line.quantity = quantity.ok_or("OrderLineQuantity is required")?;
    line.price_of_line = price.ok_or("OrderLinePriceOfLine is required")?;
    if line.status.is_empty() {
        return Err("OrderLineStatus is required".into());
    }
    o.lines.push(line);
    Ok(o)
}

impl Order {
    /// Takes a row's order fields; its line is added by the caller.
    fn merge(&mut self, row: Order) {
        fn keep<T>(field: &mut Option<T>, new: Option<T>) {
            if new.is_some() {
                *field = new;
            }
        }
        self.ids.extend(row.ids);
        self.customer.ids.extend(row.customer.ids);
        keep(&mut self.customer.email, row.customer.email);
        keep(&mut self.customer.mobile_phone, row.customer.mobile_phone);
        keep(&mut self.created_at, row.created_at);
        keep(&mut self.updated_at, row.updated_at);
        keep(&mut self.total_price, row.total_price);
        keep(&mut self.delivery_cost, row.delivery_cost);
        keep(&mut self.point_of_contact, row.point_of_contact);
    }
}

/// The orders imported so far, in the order they were first seen.
#[derive(Debug, Default)]
pub struct Orders {
    list: Vec<Order>,
    /// (system, id) → the order's place.
    index: HashMap<(String, String), usize>,
}

impl Orders {
    /// Applies an import's accepted rows in order: an order's first row in the import drops
    /// the lines it had, and each row adds its line.
    pub fn import(&mut self, rows: Vec<Order>) {
        let mut touched = HashSet::new();
        for mut row in rows {
            let lines = std::mem::take(&mut row.lines);
            let found = row
                .ids
                .iter()
                .find_map(|(n, v)| self.index.get(&(n.clone(), v.clone())).copied());
            let at = found.unwrap_or_else(|| {
                self.list.push(Order::default());
                self.list.len() - 1
            });
            let order = &mut self.list[at];
            if touched.insert(at) {
                order.lines.clear();
            }
            for id in &row.ids {
                self.index.insert((id.0.clone(), id.1.clone()), at);
            }
            order.merge(row);
            order.lines.extend(lines);
        }
    }

    pub fn list(&self) -> &[Order] {
        &self.list
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bulk::columns;
    use crate::bulk::dates::default_formats;

    const HEADER: [&str; 8] = [
        "OrderIdsWebsiteID",
        "CustomerIdswebsiteID",
        "OrderCreationDateTimeUtc",
        "OrderTotalPrice",
        "OrderLineProductIdswebsite",
        "OrderLineQuantity",
        "OrderLinePriceOfLine",
        "OrderLineStatus",
    ];

    fn read(cells: [&str; 8]) -> Result<Order, String> {
        let columns = columns::orders(&HEADER, &["websiteID".to_owned()]).unwrap();
        let names: Vec<String> = HEADER.iter().map(|s| s.to_string()).collect();
        row(&columns, &names, &cells, &default_formats())
    }

    #[test]
    fn a_row_is_an_order_line() {
        let o = read([
            "A-1",
            "42",
            "2024-01-02 03:04",
            "150.50",
            "p1",
            "1.5",
            "100",
            "Paid",
        ])
        .unwrap();
        assert_eq!(o.ids["WebsiteID"], "A-1");
        assert_eq!(o.customer.ids["websiteID"], "42");
        assert_eq!(o.created_at.as_deref(), Some("2024-01-02 03:04:00"));
        assert_eq!(o.total_price, Some(150.5));
        let line = &o.lines[0];
        assert_eq!((line.quantity, line.price_of_line), (1.5, 100.0));
        assert_eq!(line.product_ids["website"], "p1");
        assert_eq!(line.status, "Paid");
        for (cells, named) in [
            (["", "42", "", "", "p1", "1", "1", "Paid"], "no order id"),
            (["A", "42", "", "", "", "1", "1", "Paid"], "no product id"),
            (
                ["A", "42", "", "", "p1", "0", "1", "Paid"],
                "OrderLineQuantity: '0'",
            ),
            (
                ["A", "42", "", "", "p1", "", "1", "Paid"],
                "OrderLineQuantity is required",
            ),
            (
                ["A", "42", "", "", "p1", "1", "-1", "Paid"],
                "OrderLinePriceOfLine: '-1'",
            ),
            (
                ["A", "42", "", "", "p1", "1", "1,5", "Paid"],
                "OrderLinePriceOfLine: '1,5'",
            ),
            (
                ["A", "42", "", "x", "p1", "1", "1", "Paid"],
                "OrderTotalPrice: 'x'",
            ),
            (
                ["A", "42", "2024-02-30", "", "p1", "1", "1", "Paid"],
                "OrderCreationDateTimeUtc",
            ),
            (
                ["A", "42", "", "", "p1", "1", "1", ""],
                "OrderLineStatus is required",
            ),
        ] {
            let error = read(cells).unwrap_err();
            assert!(error.contains(named), "{cells:?}: {error}");
        }
    }

    #[test]
    fn an_import_replaces_the_lines_of_the_orders_it_holds() {
        let mut store = Orders::default();
        let line = |order: &str, product: &str| {
            read([order, "42", "", "", product, "1", "10", "Paid"]).unwrap()
        };
        store.import(vec![line("A", "p1"), line("B", "p1"), line("A", "p2")]);
        store.import(vec![line("A", "p1"), line("A", "p2")]);
        store.import(vec![line("A", "p1"), line("A", "p2")]);
        let products = |o: &Order| {
            o.lines
                .iter()
                .map(|l| l.product_ids["website"].clone())
                .collect::<Vec<_>>()
        };
        let list = store.list();
        assert_eq!(list.len(), 2);
        assert_eq!(products(&list[0]), ["p1", "p2"]);
        assert_eq!(products(&list[1]), ["p1"]);
        store.import(vec![line("B", "p3")]);
        assert_eq!(products(&store.list()[1]), ["p3"]);
        assert_eq!(products(&store.list()[0]), ["p1", "p2"]);
    }
}
