//! Bodies are Mindbox-shaped (the Mindbox docs are the schema); this brings the fields we know
//! into the form Mindbox accepts and refuses what it cannot send, naming the path. Each rule
//! lives here once: the extension applies it to every body, whichever way it comes in, and the
//! Bitrix module repeats none of it (ARCHITECTURE.md, "Layers").

mod phone;

pub use phone::normalize_phone;

use crate::error::{Error, Result};
use serde_json::{Number, Value};

/// Prices and amounts: Mindbox takes at most 2 decimals.
const MONEY_KEYS: [&str; 9] = [
    "basePricePerItem",
    "pricePerItem",
    "priceOfLine",
    "minPricePerItem",
    "costPricePerItem",
    "discountedPriceOfLine",
    "totalPrice",
    "deliveryCost",
    "amount",
];

/// Quantities: at most 3 decimals.
const QUANTITY_KEYS: [&str; 2] = ["quantity", "count"];

/// The largest body accepted; Mindbox documents no limit, this keeps a runaway array from
/// filling the outbox.
pub(crate) const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

pub(crate) fn normalize(body: &mut Value) -> Result<()> {
    if !body.is_object() {
        return Err(Error::invalid(
            "body",
            "must be an array with string keys (a JSON object such as ['customer' => [...]])",
        ));
    }
    walk(body, &mut String::from("body"))
}

/// Serialises a normalised body, refusing one larger than [`MAX_BODY_BYTES`].
pub(crate) fn to_bytes(body: &Value) -> Result<Vec<u8>> {
    let bytes = serde_json::to_vec(body).map_err(|e| Error::invalid("body", e.to_string()))?;
    if bytes.len() > MAX_BODY_BYTES {
        return Err(Error::invalid(
            "body",
            format!(
                "is {} bytes as JSON, more than the {} accepted",
                bytes.len(),
                MAX_BODY_BYTES
            ),
        ));
    }
    Ok(bytes)
}

fn walk(value: &mut Value, path: &mut String) -> Result<()> {
    match value {
        Value::Object(map) => {
            if let Some(raw) = map.get("mobilePhone") {
                match phone::field(raw) {
                    Some(phone) => map["mobilePhone"] = phone,
                    None => drop(map.shift_remove("mobilePhone")),
                }
            }
            for (key, child) in map.iter_mut() {
                let len = path.len();
                path.push('.');
                path.push_str(key);
                match key.as_str() {
                    // Shop-defined data: its keys mean whatever the project says.
                    "customFields" => {}
                    "mobilePhone" => {}
                    "email" => email(child, path)?,
                    k if MONEY_KEYS.contains(&k) => decimal(child, path, 2)?,
                    k if QUANTITY_KEYS.contains(&k) => decimal(child, path, 3)?,
                    "lines" => {
                        number_lines(child);
                        walk(child, path)?;
                    }
                    _ => walk(child, path)?,
                }
                path.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter_mut().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                walk(child, path)?;
                path.truncate(len);
            }
        }
        _ => {}
    }
    Ok(())
}

fn email(value: &mut Value, path: &str) -> Result<()> {
    match value {
        Value::Null => Ok(()),
        Value::String(s) => {
            let trimmed = s.trim();
            if trimmed.len() != s.len() {
                *s = trimmed.to_string();
            }
            Ok(())
        }
        _ => Err(Error::invalid(path, "must be a string")),
    }
}

fn decimal(value: &mut Value, path: &str, places: i32) -> Result<()> {
    let n = match value {
        Value::Null => return Ok(()),
        Value::Number(n) if n.is_i64() || n.is_u64() => return check_sign(n.as_f64(), path),
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().replace(',', ".").parse::<f64>().ok(),
        _ => None,
    };
    let Some(n) = n.filter(|n| n.is_finite()) else {
        return Err(Error::invalid(path, "must be a finite number"));
    };
    check_sign(Some(n), path)?;
    let rounded = round_half_away(n, places).ok_or_else(|| {
        Error::invalid(
            path,
            "is too large to send (more than 15 digits before the point)",
        )
    })?;
    *value = if rounded.fract() == 0.0 {
        Value::Number(Number::from(rounded as i64))
    } else {
        Value::Number(Number::from_f64(rounded).unwrap_or_else(|| Number::from(0)))
    };
    Ok(())
}

/// Rounds as PHP's round() does: to 15 significant digits first, then half away from zero in
/// decimal, so 1.005 is 1.01 (binary 1.00499999… would round to 1.00). None beyond 15 digits
/// before the point: no price or quantity is that large, and it would lose its kopecks.
pub(crate) fn round_half_away(n: f64, places: i32) -> Option<f64> {
    if n.abs() >= 1e15 {
        return None;
    }
    let repr = format!("{:.14e}", n.abs());
    let (mantissa, exponent) = repr.split_once('e')?;
    let digits: i128 = mantissa.replace('.', "").parse().ok()?;
    // digits × 10^shift is the value in units of 10^-places.
    let shift = exponent.parse::<i32>().ok()? - 14 + places;
    let units = if shift >= 0 {
        digits * 10i128.pow(shift as u32)
    } else if shift > -30 {
        let divisor = 10i128.pow((-shift) as u32);
        (digits + divisor / 2) / divisor
    } else {
        0
    };
    let rounded: f64 = format!("{units}e-{places}").parse().ok()?;
    Some(if n < 0.0 { -rounded } else { rounded })
}

fn check_sign(n: Option<f64>, path: &str) -> Result<()> {
    match n {
        Some(n) if n < 0.0 => Err(Error::invalid(path, format!("{n} is negative"))),
        _ => Ok(()),
    }
}

/// Mindbox requires increasing `lineNumber`s on order lines; numbers the caller gave are kept and
/// the missing ones continue after the largest.
fn number_lines(lines: &mut Value) {
    let Value::Array(items) = lines else { return };
    let mut next = items
        .iter()
        .filter_map(|l| l.get("lineNumber").and_then(Value::as_i64))
        .max()
        .unwrap_or(0);
    for line in items.iter_mut() {
        if let Value::Object(map) = line
            && !map.contains_key("lineNumber")
        {
            next += 1;
            map.insert("lineNumber".into(), Value::from(next));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ok(mut v: Value) -> Value {
        normalize(&mut v).unwrap();
        v
    }

    fn bad_path(mut v: Value) -> String {
        match normalize(&mut v) {
            Err(Error::InvalidArgument { path, .. }) => path,
            other => panic!("expected InvalidArgument, got {other:?}"),
        }
    }

    #[test]
    fn phones_emails_money_and_quantities() {
        let v = ok(
            json!({"customer": {"mobilePhone": "+7 (900) 123-45-67", "email": "  a@b.ru "},
            "order": {"totalPrice": "1999.999", "deliveryCost": 300, "lines": [
                {"quantity": 1.23456, "basePricePerItem": 10.005}]}}),
        );
        assert_eq!(v["customer"]["mobilePhone"], "79001234567");
        assert_eq!(v["customer"]["email"], "a@b.ru");
        assert_eq!(v["order"]["totalPrice"], json!(2000));
        assert_eq!(v["order"]["deliveryCost"], json!(300));
        assert_eq!(v["order"]["lines"][0]["quantity"], json!(1.235));
        assert_eq!(
            v["order"]["lines"][0]["basePricePerItem"].as_f64(),
            Some(10.01)
        );
    }

    #[test]
    fn line_numbers_fill_the_gaps() {
        let v = ok(json!({"order": {"lines": [{"quantity": 1}, {"lineNumber": 5}, {}]}}));
        let numbers: Vec<i64> = v["order"]["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["lineNumber"].as_i64().unwrap())
            .collect();
        assert_eq!(numbers, vec![6, 5, 7]);
        let v = ok(json!({"order": {"lines": [{}, {}, {}]}}));
        assert_eq!(v["order"]["lines"][2]["lineNumber"], 3);
    }

    #[test]
    fn bad_fields_are_named_by_path() {
        assert_eq!(
            bad_path(json!({"order": {"lines": [{"quantity": 1}, {"quantity": "two"}]}})),
            "body.order.lines[1].quantity"
        );
        assert_eq!(
            bad_path(json!({"order": {"lines": [{"basePricePerItem": -1}]}})),
            "body.order.lines[0].basePricePerItem"
        );
        assert_eq!(
            bad_path(json!({"customer": {"email": 5}})),
            "body.customer.email"
        );
        assert_eq!(bad_path(json!([1, 2])), "body");
        assert_eq!(bad_path(json!("text")), "body");
    }

    #[test]
    fn custom_fields_are_left_alone() {
        let v = ok(json!({"customer": {"customFields": {"count": "many", "email": 3}}}));
        assert_eq!(v["customer"]["customFields"]["count"], "many");
    }

    #[test]
    fn oversize_bodies_are_refused() {
        let big = json!({"x": "y".repeat(MAX_BODY_BYTES)});
        assert!(matches!(to_bytes(&big), Err(Error::InvalidArgument { .. })));
        assert!(to_bytes(&json!({"a": "Привет"})).is_ok());
    }

    #[test]
    fn money_and_quantities_round_as_php_does() {
        for (n, places, php) in [
            (1.005, 2, 1.01),
            (2.675, 2, 2.68),
            (0.1 + 0.2, 2, 0.3),
            (966.666666, 2, 966.67),
            (1.0005, 3, 1.001),
            (5.0, 2, 5.0),
            (0.004, 2, 0.0),
        ] {
            assert_eq!(round_half_away(n, places), Some(php), "{n}");
        }
        assert_eq!(round_half_away(1e15, 2), None);
    }

    #[test]
    fn numbers_json_cannot_carry_are_refused_not_nulled() {
        for body in [
            json!({"order": {"totalPrice": 1e308}}),
            json!({"order": {"lines": [{"quantity": 1e306}]}}),
        ] {
            let mut body = body;
            let e = normalize(&mut body).unwrap_err();
            assert!(e.to_string().contains("too large"), "{e}");
        }
    }

    #[test]
    fn a_junk_phone_costs_the_field_not_the_body() {
        let v = ok(
            json!({"customer": {"email": "a@b.ru", "mobilePhone": "call me", "lastName": "И"},
            "order": {"customer": {"mobilePhone": "8 (900) 123-45-67, 8 495 123-45-67"}}}),
        );
        assert_eq!(v["customer"], json!({"email": "a@b.ru", "lastName": "И"}));
        let keys: Vec<&String> = v["customer"].as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            ["email", "lastName"],
            "the other fields keep their order"
        );
        assert_eq!(v["order"]["customer"]["mobilePhone"], "89001234567");
        assert_eq!(
            ok(json!({"customer": {"mobilePhone": null}}))["customer"],
            json!({"mobilePhone": null})
        );
    }
}
