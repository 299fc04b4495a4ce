//! Mindbox's loyalty processing as the emulator models it: cart calculations, orders that
//! spend and earn points (with processing, standard and offline), their cancellation,
//! balances and the ledger of orders, driven by a configuration that tests set through
//! `/__emulator/loyalty`.
//!
//! Customers are known by a key, "idName:value" of the first of their `ids` in name order,
//! so that the same customer is found whatever order a client writes the ids in.
//!
//! This file recognises an operation and runs it; `orders` makes and updates orders,
//! `reprocess` recalculates one that the processing operation names again, and
//! `line_status` changes their lines' statuses; `books` keeps the configuration, the balances
//! and the ledger, with what each order holds (`content`), and writes them to the state file.
//! Below them, `calculation` (with `cart`, `config`, `money`) is pure, and `answer` writes its
//! results as Mindbox does.

mod answer;
mod books;
mod calculation;
#[cfg(test)]
mod calculation_tests;
mod cart;
mod config;
mod content;
#[cfg(test)]
mod content_tests;
mod ledger;
mod line_status;
mod money;
#[cfg(test)]
mod order_tests;
mod orders;
mod reprocess;
#[cfg(test)]
mod reprocess_tests;
#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;

use serde_json::Value;
use serde_json::value::RawValue;

use crate::contract;
use answer::{Handled, validation_error};
pub use books::Loyalty;
use calculation::calculate;
use cart::{Cart, id_text};
pub use config::Config;
use money::from_units;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operation {
    Calculate {
        authorized: bool,
    },
    Create {
        authorized: bool,
    },
    Standard,
    Offline,
    /// The update of an order without processing: its content, and ids linked to it; with
    /// `orderLinesStatus` in its body, a status change (`orders.rs`).
    Update,
    /// "Изменение статуса позиции заказа": statuses of all its lines or of some.
    LinesStatus,
    Balance,
}

impl Operation {
    /// Projects name operations freely ("Website.CalculateAuthorizedCart"), so only the end
    /// of the name says what an operation does.
    fn recognise(name: &str) -> Option<Operation> {
        let ends = |suffix: &str| name.ends_with(suffix);
        // The line-status operation under the names projects give it; `UpdateOrderItemsStatus`
        // is the official mindbox.marketing module's.
        let lines_status = [
            "UpdateOrderStatus",
            "UpdateOrderLinesStatus",
            "UpdateOrderItemsStatus",
        ];
        Some(if ends("CalculateAuthorizedCart") {
            Operation::Calculate { authorized: true }
        } else if ends("CalculateUnauthorizedCart") {
            Operation::Calculate { authorized: false }
        } else if ends("CreateAuthorizedOrder") {
            Operation::Create { authorized: true }
        } else if ends("CreateUnauthorizedOrder") {
            Operation::Create { authorized: false }
        } else if ends("CreateOrder") {
            Operation::Standard
        } else if ends("SaveOfflineOrder") {
            Operation::Offline
        } else if lines_status.into_iter().any(ends) {
            Operation::LinesStatus
        } else if ends("UpdateOrder") {
            Operation::Update
        } else if ends("GetCustomerBalance") {
            Operation::Balance
        } else {
            return None;
        })
    }
}

impl Loyalty {
    /// The answer to `operation` when it is one of loyalty's, else `None`. An asynchronous
    /// call is executed all the same but answered only with its acceptance, as Mindbox does.
    pub fn answer(
        &mut self,
        operation: &str,
        asynchronous: bool,
        body: Option<&RawValue>,
    ) -> Option<Handled> {
        let operation = Operation::recognise(operation)?;
        let body: Value = body
            .and_then(|raw| serde_json::from_str(raw.get()).ok())
            .unwrap_or(Value::Null);
        let mut handled = self.execute(operation, &body);
        if asynchronous {
            handled.http_status = 200;
            handled.answer = contract::success();
        }
        Some(handled)
    }

    fn execute(&mut self, operation: Operation, body: &Value) -> Handled {
        let customer = customer_key(body);
        match operation {
            Operation::Calculate { authorized } => {
                let customer = customer.filter(|_| authorized);
                Handled::done(match Cart::parse(body.get("order")) {
                    Ok(cart) => {
                        let balance = self.balance(customer.as_deref());
                        answer::calculated(&calculate(&self.programme(), &cart, balance))
                    }
                    Err(invalid) => validation_error(invalid),
                })
            }
            Operation::Create { authorized } => {
                self.create_processed(body, customer.filter(|_| authorized))
            }
            Operation::Standard => self.create_standard(body, customer),
            Operation::Offline => self.save_offline(body, customer),
            Operation::Update => self.update(body),
            Operation::LinesStatus => self.change_status(body),
            Operation::Balance => {
                let available = match &customer {
                    Some(c) => self.balance(Some(c)),
                    // Kept for clients that ask without a customer, as before loyalty existed.
                    None => from_units(self.config.default_balance),
                };
                Handled::done(contract::balance_answer(available as f64 / 100.0))
            }
        }
    }
}

/// "idName:value" of the first of `customer.ids` in name order, or `None` without ids.
pub fn customer_key(body: &Value) -> Option<String> {
    body.pointer("/customer/ids")?
        .as_object()?
        .iter()
        .filter_map(|(name, value)| Some((name, id_text(value).filter(|v| !v.is_empty())?)))
        .min_by(|a, b| a.0.cmp(b.0))
        .map(|(name, value)| format!("{name}:{value}"))
}
