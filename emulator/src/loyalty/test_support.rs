//! What the loyalty tests share: a configuration from JSON, request bodies, and a programme
//! run without HTTP.

use serde_json::{Value, json};

use super::Loyalty;
use super::config::Config;

pub fn config(v: Value) -> Config {
    Config::from_value(v).unwrap()
}

pub fn line(id: &str, sku: &str, quantity: f64, price: f64) -> Value {
    json!({"lineId": id, "product": {"ids": {"website": sku}}, "quantity": quantity,
           "basePricePerItem": price})
}
pub fn order_body(total: f64, points: f64) -> Value {
    json!({"customer": {"ids": {"websiteID": "42"}},
           "order": {"ids": {"websiteID": "A-1"}, "totalPrice": total,
                     "lines": [line("a", "X", 1.0, 1000.0)], "bonusPoints": [{"amount": points}]}})
}

pub fn run(loyalty: &mut Loyalty, operation: &str, body: &Value) -> (Value, bool) {
    let raw = serde_json::value::to_raw_value(body).unwrap();
    let handled = loyalty.answer(operation, false, Some(&raw)).unwrap();
    (handled.answer, handled.consumes_transaction)
}

pub fn balance(loyalty: &mut Loyalty) -> Value {
    let body = json!({"customer": {"ids": {"websiteID": "42"}}});
    run(loyalty, "Website.GetCustomerBalance", &body).0["balances"][0]["available"].clone()
}

/// A programme writing to an empty state file of this test's own `name`.
pub fn with_state_file(name: &str) -> (Loyalty, std::path::PathBuf) {
    let path = std::env::temp_dir().join(format!("loyalty-{name}-{}", std::process::id()));
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(true)
        .read(true)
        .write(true)
        .open(&path)
        .unwrap();
    (Loyalty::new(Some(file)), path)
}
