//! Mindbox's loyalty processing as the emulator models it: cart calculations, orders that
//! spend and earn points (with processing, standard and offline), their cancellation,
//! balances and the ledger of orders, driven by a configuration that tests set through
//! `/__emulator/loyalty`.
//!
//! Customers are known by a key, "idName:value" of the first of their `ids` in name order,
//! so that the same customer is found whatever order a client writes the ids in.

mod answer;
mod calculation;
mod cart;
mod config;
mod ledger;
mod money;
#[cfg(test)]
mod order_tests;
mod orders;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Value, json};

use crate::contract;
pub use config::Config;

use calculation::calculate;
use cart::{Cart, Invalid, id_text};
use ledger::Ledger;
use money::{Kopecks, from_units, money};

pub struct Loyalty {
    config: Config,
    /// Balances that orders have changed since the configuration was set; every other
    /// customer has the configuration's.
    kept: BTreeMap<String, Kopecks>,
    /// Kept across a new configuration, as Mindbox keeps its orders when a programme changes:
    /// a later cancellation still finds what it undoes.
    ledger: Ledger,
    /// The `--state-file`, shared with the processed transactions, so that balances and the
    /// ledger outlive a restart as the transactions that changed them do.
    file: Option<File>,
}

/// A line of the state file. Transaction ids are GUIDs, so a line that opens a JSON object
/// is never mistaken for one.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
enum Record {
    Loyalty(Config),
    Balance {
        customer: String,
        kopecks: Kopecks,
    },
    /// An order as it is after each change; the last line of a Mindbox id wins.
    Order(ledger::Order),
}

/// The answer to a loyalty operation; a price that has changed leaves the transaction
/// unused, so the client can retry it with the new price.
pub struct Handled {
    pub answer: Value,
    pub consumes_transaction: bool,
}

impl Handled {
    fn done(answer: Value) -> Handled {
        Handled {
            answer,
            consumes_transaction: true,
        }
    }
}

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
    /// `merges_ids`: an order update links ids to the order; a bare status change does not.
    Update {
        merges_ids: bool,
    },
    Balance,
}

impl Operation {
    /// Projects name operations freely ("Website.CalculateAuthorizedCart"), so only the end
    /// of the name says what an operation does.
    fn recognise(name: &str) -> Option<Operation> {
        let ends = |suffix: &str| name.ends_with(suffix);
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
        } else if ends("UpdateOrder") {
            Operation::Update { merges_ids: true }
        } else if ends("UpdateOrderStatus") {
            Operation::Update { merges_ids: false }
        } else if ends("GetCustomerBalance") {
            Operation::Balance
        } else {
            return None;
        })
    }
}

impl Loyalty {
    pub fn new(file: Option<File>) -> Loyalty {
        Loyalty {
            config: Config::default(),
            kept: BTreeMap::new(),
            ledger: Ledger::default(),
            file,
        }
    }

    /// Applies a line of the state file; lines it does not understand are skipped.
    pub fn replay(&mut self, line: &str) {
        match serde_json::from_str::<Record>(line) {
            Ok(Record::Loyalty(config)) => {
                self.config = config;
                self.kept.clear();
            }
            Ok(Record::Balance { customer, kopecks }) => {
                self.kept.insert(customer, kopecks);
            }
            Ok(Record::Order(order)) => self.ledger.keep(order),
            Err(_) => {}
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// A new configuration starts the balances afresh: those it lists, or its default, replace
    /// what earlier orders left.
    pub fn configure(&mut self, config: Config) {
        self.persist(&Record::Loyalty(config.clone()));
        self.config = config;
        self.kept.clear();
    }

    /// Back to the default programme; the caller empties the state file.
    pub fn reset(&mut self) {
        self.config = Config::default();
        self.kept.clear();
        self.ledger.clear();
    }

    /// Every order and the balance of every customer the programme knows, its configuration's
    /// included, for `GET /__emulator/loyalty/ledger`.
    pub fn ledger(&self) -> Value {
        let customers = self.config.balances.keys().chain(self.kept.keys());
        let balances: BTreeMap<&String, Value> = customers
            .map(|c| (c, money(self.balance(Some(c)))))
            .collect();
        json!({"orders": self.ledger.orders(), "balances": balances})
    }

    fn balance(&self, customer: Option<&str>) -> Kopecks {
        match customer.and_then(|c| self.kept.get(c)) {
            Some(kept) => *kept,
            None => self.config.starting_balance(customer),
        }
    }

    fn set_balance(&mut self, customer: String, kopecks: Kopecks) {
        self.persist(&Record::Balance {
            customer: customer.clone(),
            kopecks,
        });
        self.kept.insert(customer, kopecks);
    }

    fn persist(&mut self, record: &Record) {
        if let (Some(file), Ok(mut line)) = (&mut self.file, serde_json::to_string(record)) {
            line.push('\n');
            let _ = file.write_all(line.as_bytes());
        }
    }

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
            Operation::Update { merges_ids } => self.update(body, merges_ids),
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

fn validation_error(invalid: Invalid) -> Value {
    contract::validation_error(Some(&[json!({
        "message": invalid.message,
        "location": invalid.location,
    })]))
}
