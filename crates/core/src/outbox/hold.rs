//! What `send()` may ask of the outbox beyond delivering the event: points the item holds until
//! Mindbox answers it (`heldPoints()` sums them, so that a balance shown before the order is
//! debited is not spent twice), and a delay before it may go (a cancellation that a later
//! `withdraw()` takes back).

use crate::error::{Error, Result};
use crate::normalize::round_half_away;
use serde_json::Value;

/// A day: a delay is a timer of the shop's, not a queue of scheduled mailings.
pub(crate) const MAX_DELAY_SECONDS: f64 = 86_400.0;
/// A hold key is a column of the outbox; a MySQL outbox indexes its hash, so the limit is the
/// caller's readability, not the index's.
const MAX_KEY_CHARS: usize = 256;
/// Far above any order, and low enough that a key's sum in kopecks stays exact in a float.
const MAX_AMOUNT: f64 = 1e12;

/// Points held under a key, in kopecks: sums of money stay exact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hold {
    pub(crate) key: String,
    pub(crate) cents: i64,
}

impl Hold {
    /// `['key' => string, 'amount' => float|int]`, as the option `hold` of `send()`.
    pub(crate) fn from_value(value: &Value, path: &str) -> Result<Hold> {
        let Value::Object(map) = value else {
            return Err(Error::invalid(
                path,
                "must be an array ['key' => string, 'amount' => number]",
            ));
        };
        if let Some(unknown) = map.keys().find(|k| !matches!(k.as_str(), "key" | "amount")) {
            return Err(Error::invalid(
                format!("{path}.{unknown}"),
                "unknown; a hold has only 'key' and 'amount'",
            ));
        }
        let key = match map.get("key") {
            Some(Value::String(key)) => key.clone(),
            None | Some(Value::Null) => {
                return Err(Error::invalid(format!("{path}.key"), "is required"));
            }
            Some(_) => return Err(Error::invalid(format!("{path}.key"), "must be a string")),
        };
        check_key(&key, &format!("{path}.key"))?;
        let amount_path = format!("{path}.amount");
        let amount = match map.get("amount") {
            Some(Value::Number(n)) => n.as_f64().filter(|a| a.is_finite()),
            None | Some(Value::Null) => return Err(Error::invalid(amount_path, "is required")),
            Some(_) => None,
        };
        let Some(amount) = amount else {
            return Err(Error::invalid(amount_path, "must be a finite number"));
        };
        if !(0.0..=MAX_AMOUNT).contains(&amount) {
            return Err(Error::invalid(
                amount_path,
                format!("{amount} is not between 0 and {MAX_AMOUNT:.0}"),
            ));
        }
        // Kopecks as money is rounded everywhere else (PHP's round()); the range keeps it exact.
        let rounded = round_half_away(amount, 2)
            .ok_or_else(|| Error::invalid(&amount_path, "is too large"))?;
        Ok(Hold {
            key,
            cents: (rounded * 100.0).round() as i64,
        })
    }
}

/// A key as `send()` and `heldPoints()` take it: 1 to 256 characters.
pub(crate) fn check_key(key: &str, path: &str) -> Result<()> {
    let chars = key.chars().count();
    if chars == 0 || chars > MAX_KEY_CHARS {
        return Err(Error::invalid(
            path,
            format!("must be 1 to {MAX_KEY_CHARS} characters long (got {chars})"),
        ));
    }
    Ok(())
}

/// Points of a sum of holds.
pub(crate) fn points(cents: i64) -> f64 {
    cents as f64 / 100.0
}

/// The option `delay` of `send()`: seconds, 0 to a day, as milliseconds.
pub(crate) fn delay_ms(value: &Value, path: &str) -> Result<u64> {
    let seconds = match value {
        Value::Null => return Ok(0),
        Value::Number(n) => n.as_f64().filter(|s| s.is_finite()),
        _ => None,
    };
    match seconds {
        Some(s) if (0.0..=MAX_DELAY_SECONDS).contains(&s) => Ok((s * 1000.0).round() as u64),
        _ => Err(Error::invalid(
            path,
            format!("must be a number of seconds from 0 to {MAX_DELAY_SECONDS:.0}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn hold(value: Value) -> Result<Hold> {
        Hold::from_value(&value, "options.hold")
    }

    fn bad_path<T: std::fmt::Debug>(result: Result<T>) -> String {
        match result {
            Err(Error::InvalidArgument { path, .. }) => path,
            other => panic!("expected an invalid argument, got {other:?}"),
        }
    }

    #[test]
    fn amounts_are_kept_in_kopecks_rounded_as_money_is() {
        for (amount, cents) in [
            (json!(150), 15_000),
            (json!(1.005), 101),
            (json!(0.1), 10),
            (json!(0.004), 0),
            (json!(0), 0),
            (json!(999_999_999_999.99), 99_999_999_999_999),
        ] {
            let got = hold(json!({"key": "customer:42", "amount": amount})).unwrap();
            assert_eq!(got.cents, cents, "{amount}");
        }
        assert_eq!(points(15_050), 150.5);
    }

    #[test]
    fn a_bad_hold_names_what_is_wrong() {
        let long = "k".repeat(257);
        for (value, path) in [
            (json!("customer:42"), "options.hold"),
            (json!([1, 2]), "options.hold"),
            (json!({"amount": 1}), "options.hold.key"),
            (json!({"key": "", "amount": 1}), "options.hold.key"),
            (json!({"key": long, "amount": 1}), "options.hold.key"),
            (json!({"key": 42, "amount": 1}), "options.hold.key"),
            (json!({"key": "k"}), "options.hold.amount"),
            (json!({"key": "k", "amount": -0.01}), "options.hold.amount"),
            (json!({"key": "k", "amount": "10"}), "options.hold.amount"),
            (json!({"key": "k", "amount": 1e13}), "options.hold.amount"),
            (
                json!({"key": "k", "amount": 1, "until": 5}),
                "options.hold.until",
            ),
        ] {
            assert_eq!(bad_path(hold(value.clone())), path, "{value}");
        }
        // Characters, not bytes: 256 Cyrillic letters are a key.
        assert!(hold(json!({"key": "ж".repeat(256), "amount": 1})).is_ok());
    }

    #[test]
    fn delays_are_seconds_up_to_a_day() {
        assert_eq!(delay_ms(&json!(null), "options.delay").unwrap(), 0);
        assert_eq!(delay_ms(&json!(900), "options.delay").unwrap(), 900_000);
        assert_eq!(delay_ms(&json!(0.25), "options.delay").unwrap(), 250);
        assert_eq!(
            delay_ms(&json!(86_400), "options.delay").unwrap(),
            86_400_000
        );
        for bad in [json!(-1), json!(86_400.5), json!("60"), json!([60])] {
            assert_eq!(bad_path(delay_ms(&bad, "options.delay")), "options.delay");
        }
    }
}
