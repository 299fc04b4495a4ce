//! Orders and what they do to balances: created with processing, standard or offline, then
//! updated and linked to the shop's own ids (`line_status` changes their lines' statuses and
//! cancels them). Every one is kept in the ledger, with its content as Mindbox was told it.

use serde_json::Value;

use super::answer::{self, Handled, validation_error};
use super::books::Loyalty;
use super::calculation::{Calculation, CouponStatus, calculate, price_has_changed};
use super::cart::{Cart, Invalid};
use super::config::Config;
use super::content::Content;
use super::ledger::{Kind, Order};
use super::money::{Kopecks, format_money, parse_money};
use crate::contract;

impl Loyalty {
    /// `Create(Un)AuthorizedOrder`: the order at the price calculated now, or
    /// `PriceHasBeenChanged` when the client's total is another. The operation is Mindbox's
    /// "create or update": an order it already has, named by any one of its ids, is
    /// recalculated instead (`reprocess.rs`).
    pub(super) fn create_processed(&mut self, body: &Value, customer: Option<String>) -> Handled {
        let ids = body.pointer("/order/ids");
        if let Some(order) = self.ledger.find(ids).cloned() {
            return self.reprocess(order, body);
        }
        let cart = match Cart::parse(body.get("order")) {
            Ok(cart) => cart,
            Err(invalid) => return Handled::done(validation_error(invalid)),
        };
        let balance = self.balance(customer.as_deref());
        let programme = self.programme();
        let calc = calculate(&programme, &cart, balance);
        if let Some(refused) = stale_price(body, &calc) {
            return refused;
        }
        let promo_codes = accepted_codes(&calc, &programme);
        drop(programme);
        let order = Order {
            total_price: calc.total,
            spent_points: calc.spent,
            // An anonymous order earns on no balance, whatever its calculation says.
            earned_points: if customer.is_some() { calc.earned } else { 0 },
            promo_codes,
            ..Order::new(self.ledger.next_id(), Kind::Processed, ids, customer)
        };
        let mindbox_id = order.mindbox_id;
        self.book(order);
        self.keep_content(mindbox_id, Content::processed(&calc, body.get("order")));
        Handled::done(answer::processed(&calc, "Processed", mindbox_id, ids))
    }

    /// `…CreateOrder` without processing: the points its lines spent as `balance` discounts
    /// are debited, all of them or, when the balance is short, none and a ValidationError.
    pub(super) fn create_standard(&mut self, body: &Value, customer: Option<String>) -> Handled {
        if !body.get("order").is_some_and(Value::is_object) {
            return Handled::done(contract::success());
        }
        let discounts = match balance_discounts(body) {
            Ok(discounts) => discounts,
            Err(invalid) => return Handled::done(validation_error(invalid)),
        };
        let spent: Kopecks = discounts.iter().map(|(_, amount)| amount).sum();
        let balance = self.balance(customer.as_deref());
        if let Some(short) = short_balance(&discounts, balance, spent) {
            return Handled::done(validation_error(short));
        }
        let total = total_price(body);
        let order = Order {
            total_price: total,
            spent_points: spent,
            earned_points: self.earned_on(total, customer.is_some()),
            ..Order::new(
                self.ledger.next_id(),
                Kind::Standard,
                body.pointer("/order/ids"),
                customer,
            )
        };
        self.book_told(order, body);
        Handled::done(contract::success())
    }

    /// `SaveOfflineOrder`: Mindbox applied nothing to it, so it only earns, on its total.
    pub(super) fn save_offline(&mut self, body: &Value, customer: Option<String>) -> Handled {
        if body.get("order").is_some_and(Value::is_object) {
            let total = total_price(body);
            let order = Order {
                total_price: total,
                earned_points: self.earned_on(total, customer.is_some()),
                ..Order::new(
                    self.ledger.next_id(),
                    Kind::Offline,
                    body.pointer("/order/ids"),
                    customer,
                )
            };
            self.book_told(order, body);
        }
        Handled::done(contract::success())
    }

    /// The update of an order without processing ("Изменение заказа"): the ids it names the
    /// order by are added to it (a shop links its own id to the temporary one a processed
    /// order was confirmed under this way), and its totals and lines to what the order holds.
    ///
    /// Mindbox creates an order that an update names and it does not have (next-wave.md §3.4);
    /// so does the emulator when the update tells lines, with no points: an order first seen
    /// in an update was created where the ledger did not look (a scripted answer, before a
    /// reset), and its points were settled there. Anything else about an unknown order keeps
    /// nothing and is answered Success, as it always was.
    ///
    /// Clients (this project's module among them) send the status of a whole order under
    /// their update's name, `orderLinesStatus` in the body: for an order the ledger has, that
    /// is the line-status operation's change (`line_status.rs`). For one it does not have, it
    /// stays the update's Success rather than the line-status operation's HTTP 400: the
    /// module's checkout safety net (`Loyalty\Cancellation`) cancels, under this name, a
    /// confirmation it cannot know was made (refused, timed out, answered 5xx), and that
    /// refusal would park it as failed.
    pub(super) fn update(&mut self, body: &Value) -> Handled {
        let ids = body.pointer("/order/ids");
        let Some(mut order) = self.ledger.find(ids).cloned() else {
            if body.pointer("/order/lines").is_some_and(Value::is_array) {
                let order = Order {
                    total_price: total_price(body),
                    ..Order::new(self.ledger.next_id(), Kind::Standard, ids, None)
                };
                self.book_told(order, body);
            }
            return Handled::done(contract::success());
        };
        if body.get("orderLinesStatus").is_some() {
            return self.change_status(body);
        }
        let before = order.clone();
        order.merge_ids(ids);
        let mindbox_id = order.mindbox_id;
        if order != before {
            self.keep(order);
        }
        let mut content = self.ledger.content(mindbox_id);
        let told = content.clone();
        content.update(body.get("order"));
        if content != told {
            self.keep_content(mindbox_id, content);
        }
        Handled::done(contract::success())
    }

    /// Books a new order with its content as the request tells it.
    fn book_told(&mut self, order: Order, body: &Value) {
        let mindbox_id = order.mindbox_id;
        self.book(order);
        self.keep_content(mindbox_id, Content::created(body.get("order")));
    }
}

/// `PriceHasBeenChanged` when the body's `order.totalPrice` is given and is not `calc`'s; the
/// transaction stays unused, so the client can retry it with the new price.
pub(super) fn stale_price(body: &Value, calc: &Calculation) -> Option<Handled> {
    let expected = body.pointer("/order/totalPrice").and_then(Value::as_f64)?;
    price_has_changed(expected, calc.total).then(|| Handled {
        consumes_transaction: false,
        ..Handled::done(answer::price_changed(expected, calc))
    })
}

/// The promo codes an order saved with `calc` takes, spelt as the programme lists them.
pub(super) fn accepted_codes(calc: &Calculation, programme: &Config) -> Vec<String> {
    calc.coupons
        .iter()
        .filter(|c| c.status == CouponStatus::CanBeUsed)
        .filter_map(|c| programme.promo_code(&c.code))
        .map(|c| c.code.clone())
        .collect()
}

fn total_price(body: &Value) -> Kopecks {
    body.pointer("/order/totalPrice")
        .and_then(parse_money)
        .unwrap_or(0)
}

/// The `balance` discounts of a standard order's lines, each with where it is.
fn balance_discounts(body: &Value) -> Result<Vec<(String, Kopecks)>, Invalid> {
    let lines = body.pointer("/order/lines").and_then(Value::as_array);
    let mut found = Vec::new();
    for (i, line) in lines.into_iter().flatten().enumerate() {
        let discounts = line.get("discounts").and_then(Value::as_array);
        for (j, discount) in discounts.into_iter().flatten().enumerate() {
            if discount.get("type").and_then(Value::as_str) != Some("balance") {
                continue;
            }
            let at = format!("/order/lines/{i}/discounts/{j}");
            match discount.get("amount").and_then(parse_money) {
                Some(amount) => found.push((at, amount)),
                None => {
                    return Err(Invalid {
                        message: "amount must be a non-negative number".into(),
                        location: format!("{at}/amount"),
                    });
                }
            }
        }
    }
    Ok(found)
}

/// The refusal of points the balance does not cover, at the first discount it cannot pay;
/// `None` when it covers them all.
fn short_balance(
    discounts: &[(String, Kopecks)],
    balance: Kopecks,
    spent: Kopecks,
) -> Option<Invalid> {
    let mut running = 0;
    let (at, _) = discounts.iter().find(|(_, amount)| {
        running += amount;
        running > balance
    })?;
    Some(Invalid {
        message: format!(
            "The customer's balance of {} points does not cover the {} points spent",
            format_money(balance),
            format_money(spent)
        ),
        location: at.clone(),
    })
}
