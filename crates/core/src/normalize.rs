//! Bodies are Mindbox-shaped (the Mindbox docs are the schema); this brings the fields we know
//! into the form Mindbox accepts and refuses what it cannot send, naming the path. Each rule
//! lives here once: the extension applies it to every body, whichever way it comes in, and the
//! Bitrix module repeats none of it (ARCHITECTURE.md, "Layers").

mod phone;

pub use phone::normalize_phone;
pub(crate) use phone::phone_part;

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
            let trimmed = email_text(s);
            if trimmed.len() != s.len() {
                *s = trimmed.to_string();
            }
            Ok(())
        }
        _ => Err(Error::invalid(path, "must be a string")),
    }
}

/// An e-mail address as it is sent: the blanks around it go, the rest is Mindbox's to check.
pub(crate) fn email_text(raw: &str) -> &str {
    raw.trim()
}

pub(crate) fn decimal(value: &mut Value, path: &str, places: i32) -> Result<()> {
    let n = match value {
        Value::Null => return Ok(()),
        Value::Number(n) if n.is_i64() || n.is_u64() => {
            return check_sign(n.as_f64(), || path.to_string());
        }
        Value::Number(n) => n.as_f64(),
        Value::String(s) => parse_decimal(s),
        _ => None,
    };
    let rounded = from_units(rounded_units(n, places, || path.to_string())?, places);
    *value = if rounded.fract() == 0.0 {
        Value::Number(Number::from(rounded as i64))
    } else {
        Value::Number(Number::from_f64(rounded).unwrap_or_else(|| Number::from(0)))
    };
    Ok(())
}

/// A decimal written as text: surrounding blanks ignored, a comma taken for the point.
pub(crate) fn parse_decimal(text: &str) -> Option<f64> {
    let text = text.trim();
    if text.contains(',') {
        text.replace(',', ".").parse().ok()
    } else {
        text.parse().ok()
    }
}

/// A decimal (a fraction, or one read from text; `None`: not a number) checked and rounded to
/// `places` as [`decimal`] rounds it, in units of 10^-places: kopecks for 2.
pub(crate) fn rounded_units(
    n: Option<f64>,
    places: i32,
    path: impl Fn() -> String,
) -> Result<u128> {
    let Some(n) = n.filter(|n| n.is_finite()) else {
        return Err(Error::invalid(path(), "must be a finite number"));
    };
    check_sign(Some(n), &path)?;
    round_units(n, places).ok_or_else(|| {
        Error::invalid(
            path(),
            "is too large to send (more than 15 digits before the point)",
        )
    })
}

/// Rounds as PHP's round() does: to 15 significant digits first, then half away from zero in
/// decimal, so 1.005 is 1.01 (binary 1.00499999… would round to 1.00). None beyond 15 digits
/// before the point: no price or quantity is that large, and it would lose its kopecks.
pub(crate) fn round_half_away(n: f64, places: i32) -> Option<f64> {
    let rounded = from_units(round_units(n, places)?, places);
    Some(if n < 0.0 { -rounded } else { rounded })
}

/// The double nearest `units` × 10^-places.
fn from_units(units: u128, places: i32) -> f64 {
    format!("{units}e-{places}").parse().unwrap_or(f64::NAN)
}

/// `|n|` rounded as [`round_half_away`] rounds it, in units of 10^-places (kopecks for 2).
pub(crate) fn round_units(n: f64, places: i32) -> Option<u128> {
    if n.abs() >= 1e15 {
        return None;
    }
    // Most amounts are already a whole number of units (1299.5 is the double nearest 129950
    // kopecks): then rounding to 15 digits finds that number again, as the double is nearer to
    // it than to any other number of 15 digits, and the text below is not needed.
    if (0..=22).contains(&places) {
        let scale = 10f64.powi(places);
        let units = (n.abs() * scale).round();
        if units < 1e15 && units / scale == n.abs() {
            return Some(units as u128);
        }
    }
    let repr = format!("{:.14e}", n.abs());
    let (mantissa, exponent) = repr.split_once('e')?;
    let digits: u128 = mantissa.replace('.', "").parse().ok()?;
    // digits × 10^shift is the value in units of 10^-places.
    let shift = exponent.parse::<i32>().ok()? - 14 + places;
    Some(if shift >= 0 {
        digits * 10u128.pow(shift as u32)
    } else if shift > -30 {
        let divisor = 10u128.pow((-shift) as u32);
        (digits + divisor / 2) / divisor
    } else {
        0
    })
}

fn check_sign(n: Option<f64>, path: impl Fn() -> String) -> Result<()> {
    match n {
        Some(n) if n < 0.0 => Err(Error::invalid(path(), format!("{n} is negative"))),
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
mod tests;
