//! The processing "create or update" operation (`Create(Un)AuthorizedOrder`) naming, by any
//! one of its ids, an order Mindbox already has: Mindbox recalculates that order with the
//! whole composition it is given; the order takes the new figures and is answered `Updated`,
//! or, when the client's `totalPrice` is not the recalculated one, `PriceHasBeenChanged` with
//! what Mindbox calculated, and nothing changes (next-wave.md §3.2, §3.4; mindbox-api.md).
//!
//! Where the documentation is silent, the emulator decides:
//! - the lines that count are those whose status does not take them off
//!   (`Config::takes_off`: a status that cancels orders, or `Returned`); the lines taken off
//!   stay in what the order holds, with their status, unpriced, numbered after the lines priced
//!   (`Content::with_taken_off`);
//! - the recalculation is the order's own, "with the promotions and bonuses that were
//!   available at the first save": the codes it took stay usable to it, single-use or not,
//!   and the points it spent are available to it again, beside its customer's balance;
//! - the order keeps the customer it was booked for: the points move on that balance, by the
//!   difference between what the order moves now and what it moved, so points it no longer
//!   spends go back; a code it no longer takes is free again;
//! - a cancelled order is not recalculated (ValidationError): the cancellation gave its points
//!   back, and repricing it would spend them again behind the status that cancelled it;
//! - it becomes a processed order, whatever it was created as, since its figures now are the
//!   processing's.

use serde_json::{Value, json};

use super::answer::{self, Handled, validation_error};
use super::books::Loyalty;
use super::calculation::calculate;
use super::cart::{Cart, Invalid};
use super::config::Config;
use super::content::{Content, status_text};
use super::ledger::{Kind, Order, Status};
use super::orders::{accepted_codes, stale_price};

impl Loyalty {
    pub(super) fn reprocess(&mut self, mut order: Order, body: &Value) -> Handled {
        if order.status == Status::Cancelled {
            return Handled::done(validation_error(Invalid {
                message: format!(
                    "Order {} is cancelled and cannot be recalculated",
                    order.mindbox_id
                ),
                location: "/order/ids".into(),
            }));
        }
        let (counted, taken_off) = split_lines(&self.config, body.get("order"));
        // The whole body first, so that a refusal names the line where the request has it.
        let cart = Cart::parse(body.get("order")).and_then(|_| Cart::parse(counted.as_ref()));
        let cart = match cart {
            Ok(cart) => cart,
            Err(invalid) => return Handled::done(validation_error(invalid)),
        };
        let customer = order.customer.clone();
        let balance = self.balance(customer.as_deref()) + order.spent_points;
        let programme = self.programme_for(Some(&order));
        let calc = calculate(&programme, &cart, balance);
        if let Some(refused) = stale_price(body, &calc) {
            return refused;
        }
        let moved_before = order.earned_points - order.spent_points;
        order.promo_codes = accepted_codes(&calc, &programme);
        drop(programme);
        order.kind = Kind::Processed;
        order.total_price = calc.total;
        order.spent_points = calc.spent;
        // An anonymous order earns on no balance, as at its creation.
        order.earned_points = if customer.is_some() { calc.earned } else { 0 };
        order.merge_ids(body.pointer("/order/ids"));
        let moved_now = order.earned_points - order.spent_points;
        self.credit(customer.as_deref(), moved_now - moved_before);
        let mindbox_id = order.mindbox_id;
        let ids = json!(order.ids);
        self.keep(order);
        let content = Content::processed(&calc, counted.as_ref()).with_taken_off(&taken_off);
        self.keep_content(mindbox_id, content);
        Handled::done(answer::processed(&calc, "Updated", mindbox_id, Some(&ids)))
    }
}

/// The order node with only the lines that count, and the lines taken off, as told. A node or
/// lines the calculation cannot read are left for it to refuse.
fn split_lines(config: &Config, order: Option<&Value>) -> (Option<Value>, Vec<Value>) {
    let mut counted = order.cloned();
    let lines = counted
        .as_mut()
        .and_then(|o| o.get_mut("lines"))
        .and_then(Value::as_array_mut);
    let Some(lines) = lines else {
        return (counted, Vec::new());
    };
    let (taken_off, kept) = std::mem::take(lines)
        .into_iter()
        .partition(|line| is_taken_off(config, line));
    *lines = kept;
    (counted, taken_off)
}

fn is_taken_off(config: &Config, line: &Value) -> bool {
    let status = line.get("status").and_then(status_text);
    status.is_some_and(|s| config.takes_off(&s))
}
