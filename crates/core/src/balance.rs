//! Loyalty balances from a `GetCustomerBalance`-style answer. Field names depend on how the
//! operation is configured in Mindbox (`available` or `availableValue`), the list has no
//! guaranteed order, and new fields may appear: all tolerated.

use super::error::{Error, Result};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub struct Balance {
    pub system_name: String,
    pub available: f64,
    pub blocked: f64,
    pub total: f64,
}

pub(crate) fn parse(answer: &Value) -> Vec<Balance> {
    let list = answer
        .get("balances")
        .or_else(|| answer.get("customer").and_then(|c| c.get("balances")))
        .and_then(Value::as_array);
    list.map(|items| items.iter().map(parse_one).collect())
        .unwrap_or_default()
}

fn parse_one(item: &Value) -> Balance {
    let amount = |short: &str| {
        let long = format!("{short}Value");
        [item.get(short), item.get(long.as_str())]
            .into_iter()
            .flatten()
            .find_map(number)
            .unwrap_or(0.0)
    };
    Balance {
        system_name: item
            .pointer("/balanceType/ids/systemName")
            .or_else(|| item.get("systemName"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        available: amount("available"),
        blocked: amount("blocked"),
        total: amount("total"),
    }
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The points available on `balance_type`; 0 when the customer has no such balance.
/// Without a type, the only balance, or the one named `Main` among several.
pub(crate) fn available(balances: &[Balance], balance_type: Option<&str>) -> Result<f64> {
    let chosen = match balance_type {
        Some(t) => balances.iter().find(|b| b.system_name == t).or_else(|| {
            balances
                .iter()
                .find(|b| b.system_name.eq_ignore_ascii_case(t))
        }),
        None if balances.len() <= 1 => balances.first(),
        None => match balances
            .iter()
            .find(|b| b.system_name.eq_ignore_ascii_case("Main"))
        {
            Some(main) => Some(main),
            None => {
                let names: Vec<&str> = balances.iter().map(|b| b.system_name.as_str()).collect();
                return Err(Error::invalid(
                    "balanceType",
                    format!(
                        "the customer has several balances ({}); name the one to use",
                        names.join(", ")
                    ),
                ));
            }
        },
    };
    Ok(chosen.map(|b| b.available).unwrap_or(0.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn both_namings_any_order_unknown_fields() {
        let answer = json!({"status": "Success", "balances": [
            {"balanceType": {"ids": {"systemName": "Bonus"}, "name": "B"}, "availableValue": "15.5",
             "blockedValue": 1, "totalValue": 16.5, "expires": []},
            {"balanceType": {"ids": {"systemName": "Main"}}, "available": 100, "blocked": 0.5, "total": 100.5}
        ]});
        let b = parse(&answer);
        assert_eq!(b.len(), 2);
        assert_eq!(b[0].available, 15.5);
        assert_eq!(b[0].blocked, 1.0);
        assert_eq!(b[1].total, 100.5);
        assert_eq!(available(&b, Some("Bonus")).unwrap(), 15.5);
        assert_eq!(available(&b, Some("main")).unwrap(), 100.0);
        assert_eq!(available(&b, None).unwrap(), 100.0);
        assert_eq!(available(&b, Some("Missing")).unwrap(), 0.0);
    }

    #[test]
    fn empty_and_odd_answers() {
        assert!(parse(&json!({"status": "Success"})).is_empty());
        assert!(parse(&json!({"balances": "nope"})).is_empty());
        assert_eq!(available(&[], None).unwrap(), 0.0);
        let nested =
            parse(&json!({"customer": {"balances": [{"systemName": "X", "available": 3}]}}));
        assert_eq!(available(&nested, None).unwrap(), 3.0);
        let two = parse(&json!({"balances": [{"systemName": "A"}, {"systemName": "B"}]}));
        assert!(matches!(
            available(&two, None),
            Err(Error::InvalidArgument { .. })
        ));
    }
}
