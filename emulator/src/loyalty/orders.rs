//! Orders and what they do to balances: created with processing, standard or offline, then
//! updated, linked to the shop's own ids and cancelled. Every one is kept in the ledger.

use serde_json::Value;

use super::answer::{self, Handled, validation_error};
use super::books::Loyalty;
use super::calculation::{CouponStatus, calculate, price_has_changed};
use super::cart::{Cart, Invalid};
use super::ledger::{Kind, Order, Status};
use super::money::{Kopecks, format_money, parse_money};
use crate::contract;

impl Loyalty {
    /// `Create(Un)AuthorizedOrder`: the order at the price calculated now, or
    /// `PriceHasBeenChanged` when the client's total is another.
    pub(super) fn create_processed(&mut self, body: &Value, customer: Option<String>) -> Handled {
        let cart = match Cart::parse(body.get("order")) {
            Ok(cart) => cart,
            Err(invalid) => return Handled::done(validation_error(invalid)),
        };
        let balance = self.balance(customer.as_deref());
        let programme = self.programme();
        let calc = calculate(&programme, &cart, balance);
        let expected = body.pointer("/order/totalPrice").and_then(Value::as_f64);
        if let Some(expected) = expected
            && price_has_changed(expected, calc.total)
        {
            return Handled {
                answer: answer::price_changed(expected, calc.total),
                consumes_transaction: false,
            };
        }
        let promo_codes = calc
            .coupons
            .iter()
            .filter(|c| c.status == CouponStatus::CanBeUsed)
            .filter_map(|c| programme.promo_code(&c.code))
            .map(|c| c.code.clone())
            .collect();
        drop(programme);
        let ids = body.pointer("/order/ids");
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
        Handled::done(answer::processed(&calc, mindbox_id, ids))
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
        self.book(order);
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
            self.book(order);
        }
        Handled::done(contract::success())
    }

    /// An update (`merges_ids`) or a status change of a known order: the ids it is named by
    /// are added to it, and a cancelling `orderLinesStatus` undoes it once. An order the
    /// ledger does not know is answered Success, as the emulator always did, not with
    /// Mindbox's HTTP 400: the ledger starts empty at each reset and has no order whose
    /// creation a script answered, so "unknown" here mostly means "made where the ledger did
    /// not look", and a 400 would park the client's item for good.
    pub(super) fn update(&mut self, body: &Value, merges_ids: bool) -> Handled {
        let ids = body.pointer("/order/ids");
        let Some(mut order) = self.ledger.find(ids).cloned() else {
            return Handled::done(contract::success());
        };
        let before = order.clone();
        if merges_ids {
            order.merge_ids(ids);
        }
        let status = body.get("orderLinesStatus").and_then(Value::as_str);
        let cancels = status.is_some_and(|s| self.config.cancel_statuses.iter().any(|c| c == s));
        if cancels && order.status == Status::Active {
            order.status = Status::Cancelled;
            self.credit(
                order.customer.as_deref(),
                order.spent_points - order.earned_points,
            );
        }
        if order != before {
            self.keep(order);
        }
        Handled::done(contract::success())
    }
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
