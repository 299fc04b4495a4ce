//! Mindbox's "Изменение статуса позиции заказа" (mindbox-api.md, DEV:line-status): every line
//! of a known order moves to `orderLinesStatus`, or the lines `order.lines` names, each by
//! `lineId` or `lineNumber`, move to their `status`, a `quantity` short of a line's splitting
//! it. An order Mindbox does not have is HTTP 400, as the documentation says (`orders.rs` says
//! why a status change sent under an update's name is not).
//!
//! Where the documentation is silent, the emulator decides as Mindbox most plausibly does:
//! - a line it does not have is HTTP 400 as well, naming the line: as much "not in the system"
//!   as an unknown order;
//! - a `lineId` names every part of a split line: the quantity is taken from the parts not yet
//!   in the status, in `lineNumber` order, and the part it ends in is split: the rest keeps
//!   its number and status, the quantity taken becomes a new line with the same `lineId`, the
//!   next number after the order's largest and the status; a part already in the status is
//!   left alone, so a change told twice changes nothing the second time;
//! - the answer to a change of lines lists the order's lines after it, with their numbers, so
//!   that a client learns the numbers of the lines Mindbox split (the documentation names such
//!   an answer without showing it); the answer to `orderLinesStatus` is a bare Success, as shown;
//! - `returnedPayments` and `executionDateTimeUtc` are taken and not kept.

use serde_json::{Map, Value, json};

use super::answer::{Handled, validation_error};
use super::books::Loyalty;
use super::cart::{Invalid, id_text};
use super::content::{Content, Line, status_text};
use super::ledger::{Order, Status};
use super::money::{parse_quantity, quantity, share_of};
use crate::contract;

/// One entry of `order.lines`.
#[derive(Debug)]
struct Change {
    at: String,
    line_id: Option<String>,
    line_number: Option<u64>,
    /// Thousandths; `None` is the whole line.
    quantity: Option<i64>,
    status: String,
}

/// Why a change cannot be made: a request Mindbox refuses as invalid, or a line it does not
/// have.
enum Refused {
    Invalid(Invalid),
    Unknown(String),
}

impl Loyalty {
    pub(super) fn change_status(&mut self, body: &Value) -> Handled {
        let ids = body.pointer("/order/ids");
        let Some(order) = self.ledger.find(ids).cloned() else {
            return Handled::refused(&format!("Order not found: {}", named(ids)));
        };
        let mindbox_id = order.mindbox_id;
        let mut content = self.ledger.content(mindbox_id);
        let before = content.clone();
        let answer = match body.get("orderLinesStatus") {
            Some(status) => {
                let Some(status) = status_text(status) else {
                    let message = "orderLinesStatus must name a status";
                    return Handled::done(validation_error(invalid("/orderLinesStatus", message)));
                };
                content.set_all(&status);
                self.cancel_on(order, &status);
                contract::success()
            }
            None => {
                let changed = changes(body).map_err(Refused::Invalid).and_then(|changes| {
                    changes.iter().try_for_each(|change| content.change(change))
                });
                match changed {
                    Ok(()) => changed_lines(&order, &content),
                    Err(Refused::Invalid(invalid)) => {
                        return Handled::done(validation_error(invalid));
                    }
                    Err(Refused::Unknown(line)) => {
                        let message =
                            format!("Order line not found: {line} of order {}", named(ids));
                        return Handled::refused(&message);
                    }
                }
            }
        };
        if content != before {
            self.keep_content(mindbox_id, content);
        }
        Handled::done(answer)
    }

    /// A status the programme counts as cancelling undoes an active order's points once, and
    /// frees its single-use codes.
    fn cancel_on(&mut self, mut order: Order, status: &str) {
        let cancels = self.config.cancels(status);
        if cancels && order.status == Status::Active {
            order.status = Status::Cancelled;
            let moved = order.spent_points - order.earned_points;
            self.credit(order.customer.as_deref(), moved);
            self.keep(order);
        }
    }
}

impl Content {
    fn set_all(&mut self, status: &str) {
        for line in &mut self.lines {
            line.status = Some(status.to_owned());
        }
        self.status = Some(status.to_owned());
    }

    fn change(&mut self, change: &Change) -> Result<(), Refused> {
        let named: Vec<usize> = (0..self.lines.len())
            .filter(|&i| change.names(&self.lines[i]))
            .collect();
        if named.is_empty() {
            return Err(Refused::Unknown(change.describe()));
        }
        let status = Some(change.status.clone());
        let moving: Vec<usize> = named
            .into_iter()
            .filter(|&i| self.lines[i].status != status)
            .collect();
        let Some(mut left) = change.quantity else {
            moving
                .iter()
                .for_each(|&i| self.lines[i].status = status.clone());
            self.settle();
            return Ok(());
        };
        let quantities: Option<Vec<i64>> = moving.iter().map(|&i| self.lines[i].quantity).collect();
        let Some(quantities) = quantities else {
            let message = "the line was told without a quantity, so none can be taken from it";
            return Err(Refused::Invalid(invalid(
                &format!("{}/quantity", change.at),
                message,
            )));
        };
        let available: i64 = quantities.iter().sum();
        if !moving.is_empty() && left > available {
            let message = format!(
                "quantity {} is more than the {} of the line not yet {}",
                show(left),
                show(available),
                change.status
            );
            return Err(Refused::Invalid(invalid(
                &format!("{}/quantity", change.at),
                &message,
            )));
        }
        for (i, has) in moving.into_iter().zip(quantities) {
            if left == 0 {
                break;
            }
            if has <= left {
                self.lines[i].status = status.clone();
                left -= has;
            } else {
                self.split(i, left, &change.status);
                left = 0;
            }
        }
        self.settle();
        Ok(())
    }

    /// Moves `taken` of line `i`'s quantity to a new line in `status`; the line's price is
    /// shared between the two in proportion, to the kopeck.
    fn split(&mut self, i: usize, taken: i64, status: &str) {
        let number = self.last_number() + 1;
        let line = &mut self.lines[i];
        let rest = line.quantity.unwrap_or(taken) - taken;
        let mut part = Line {
            line_number: number,
            quantity: Some(taken),
            status: Some(status.to_owned()),
            ..line.clone()
        };
        line.quantity = Some(rest);
        if let Some(price) = line.price_of_line {
            let taken_price = share_of(price, taken, rest + taken);
            line.price_of_line = Some(price - taken_price);
            part.price_of_line = Some(taken_price);
        }
        self.lines.push(part);
    }
}

impl Change {
    fn names(&self, line: &Line) -> bool {
        self.line_number.is_none_or(|n| line.line_number == n)
            && self
                .line_id
                .as_ref()
                .is_none_or(|id| line.line_id.as_ref() == Some(id))
    }

    fn describe(&self) -> String {
        let mut named = Vec::new();
        if let Some(n) = self.line_number {
            named.push(format!("lineNumber {n}"));
        }
        if let Some(id) = &self.line_id {
            named.push(format!("lineId '{id}'"));
        }
        format!("{} ({})", named.join(" with "), self.at)
    }
}

/// The entries of `order.lines`, each naming its line and giving a status.
fn changes(body: &Value) -> Result<Vec<Change>, Invalid> {
    let Some(lines) = body.pointer("/order/lines").and_then(Value::as_array) else {
        let message = "orderLinesStatus or order.lines is required";
        return Err(invalid("/order/lines", message));
    };
    let mut changes = Vec::new();
    for (i, raw) in lines.iter().enumerate() {
        let at = format!("/order/lines/{i}");
        let field = |name: &str| raw.get(name).filter(|v| !v.is_null());
        let line_id = field("lineId")
            .and_then(id_text)
            .filter(|id| !id.is_empty());
        let line_number = match field("lineNumber") {
            None => None,
            Some(n) => Some(n.as_u64().filter(|n| *n > 0).ok_or_else(|| {
                invalid(
                    &format!("{at}/lineNumber"),
                    "lineNumber must be a positive integer",
                )
            })?),
        };
        if line_id.is_none() && line_number.is_none() {
            // The documentation's own words: one of the two must be given.
            return Err(invalid(&at, "a line needs its lineId or its lineNumber"));
        }
        let quantity = match field("quantity") {
            None => None,
            Some(q) => Some(parse_quantity(q).ok_or_else(|| {
                invalid(
                    &format!("{at}/quantity"),
                    "quantity must be a positive number",
                )
            })?),
        };
        let status = field("status").and_then(status_text).ok_or_else(|| {
            invalid(
                &format!("{at}/status"),
                "a line needs the status it moves to",
            )
        })?;
        changes.push(Change {
            at,
            line_id,
            line_number,
            quantity,
            status,
        });
    }
    Ok(changes)
}

/// The answer to a change of lines: the order's ids and every line after it.
fn changed_lines(order: &Order, content: &Content) -> Value {
    let mut ids = Map::new();
    ids.insert("mindboxId".into(), order.mindbox_id.into());
    ids.extend(
        order
            .ids
            .iter()
            .map(|(name, value)| (name.clone(), value.clone().into())),
    );
    let lines: Vec<Value> = content
        .lines
        .iter()
        .map(|l| {
            json!({
                "lineId": l.line_id,
                "lineNumber": l.line_number,
                "product": {"ids": l.product_ids},
                "quantity": l.quantity.map(quantity),
                "status": l.status.as_ref().map(|s| json!({"ids": {"externalId": s}})),
            })
        })
        .collect();
    json!({"status": "Success", "order": {"ids": ids, "lines": lines}})
}

/// The ids a request names an order by, as a message shows them.
fn named(ids: Option<&Value>) -> String {
    match ids.and_then(Value::as_object).filter(|ids| !ids.is_empty()) {
        Some(ids) => Value::Object(ids.clone()).to_string(),
        None => "order.ids names none".into(),
    }
}

fn invalid(location: &str, message: &str) -> Invalid {
    Invalid {
        message: message.to_owned(),
        location: location.to_owned(),
    }
}

fn show(milli: i64) -> String {
    quantity(milli).to_string()
}
