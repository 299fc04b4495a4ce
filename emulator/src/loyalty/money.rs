//! Money as whole kopecks and the integer arithmetic of the loyalty rules. Floats only appear
//! at the edges (parsing a request, writing an answer), so that a sum of lines is exactly the
//! total and the same request always gives the same kopecks.

use serde_json::Value;

pub type Kopecks = i64;

/// Hundredths of a percent: 10% is 1000, 12.5% is 1250.
pub type BasisPoints = i64;

/// A non-negative amount of money, rounded to the kopeck; `None` for anything else.
pub fn parse_money(value: &Value) -> Option<Kopecks> {
    let x = value.as_f64()?;
    (x.is_finite() && (0.0..1e13).contains(&x)).then(|| (x * 100.0).round() as Kopecks)
}

pub fn from_units(x: f64) -> Kopecks {
    (x * 100.0).round() as Kopecks
}

/// Money as an answer shows it: a number with at most two decimals.
pub fn money(k: Kopecks) -> Value {
    Value::from(k as f64 / 100.0)
}

/// Serde for kopecks written as money, so the ledger reads as balances do ("300.0"), in the
/// state file as in answers.
pub mod units {
    use serde::{Deserialize, Deserializer, Serializer};

    use super::{Kopecks, from_units};

    pub fn serialize<S: Serializer>(k: &Kopecks, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(*k as f64 / 100.0)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Kopecks, D::Error> {
        f64::deserialize(d).map(from_units)
    }
}

/// `units` for an amount that may be untold, written as `null`.
pub mod maybe_units {
    use serde::{Deserialize, Deserializer, Serializer};

    use super::{Kopecks, from_units};

    pub fn serialize<S: Serializer>(k: &Option<Kopecks>, s: S) -> Result<S::Ok, S::Error> {
        match k {
            Some(k) => s.serialize_f64(*k as f64 / 100.0),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Kopecks>, D::Error> {
        Option::<f64>::deserialize(d).map(|x| x.map(from_units))
    }
}

/// Thousandths that may be untold, written as `quantity` writes them or as `null`.
pub mod maybe_quantity {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(milli: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
        milli.map(super::quantity).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        Option::<f64>::deserialize(d).map(|x| x.map(|x| (x * 1000.0).round() as i64))
    }
}

pub fn format_money(k: Kopecks) -> String {
    let sign = if k < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", k.abs() / 100, k.abs() % 100)
}

/// A positive quantity with at most three decimals, as thousandths.
pub fn parse_quantity(value: &Value) -> Option<i64> {
    let x = value.as_f64()?;
    let milli = (x * 1000.0).round();
    (x.is_finite() && (1.0..1e15).contains(&milli)).then_some(milli as i64)
}

/// Whole quantities are written as integers, so a client comparing `3` with `3` is not
/// surprised by `3.0`.
pub fn quantity(milli: i64) -> Value {
    if milli % 1000 == 0 {
        Value::from(milli / 1000)
    } else {
        Value::from(milli as f64 / 1000.0)
    }
}

pub fn percent_bp(percent: f64) -> BasisPoints {
    (percent * 100.0).round() as BasisPoints
}

/// `n / d` for non-negative `n` and positive `d`, half away from zero.
fn div_round(n: i128, d: i128) -> i128 {
    (2 * n + d) / (2 * d)
}

pub fn line_total(price: Kopecks, quantity_milli: i64) -> Kopecks {
    div_round(i128::from(price) * i128::from(quantity_milli), 1000) as Kopecks
}

/// The `part` of `whole` (both positive) of `amount`, rounded half away from zero.
pub fn share_of(amount: Kopecks, part: i64, whole: i64) -> Kopecks {
    div_round(i128::from(amount) * i128::from(part), i128::from(whole)) as Kopecks
}

/// `bp` of `amount`, rounded half away from zero to the kopeck.
pub fn percent_of(amount: Kopecks, bp: BasisPoints) -> Kopecks {
    div_round(i128::from(amount) * i128::from(bp), 10_000) as Kopecks
}

/// `bp` of `amount`, rounded down: a ceiling must never be exceeded by rounding.
pub fn percent_floor(amount: Kopecks, bp: BasisPoints) -> Kopecks {
    (i128::from(amount) * i128::from(bp) / 10_000) as Kopecks
}

/// Splits `amount` over `weights` in proportion, by largest remainder: each share is the
/// floor of its exact share, and the kopecks left over go to the largest remainders, the
/// earlier line first on a tie. `amount` is capped at the sum of the weights, so no share
/// exceeds its weight and a line never goes below zero.
pub fn spread(amount: Kopecks, weights: &[Kopecks]) -> Vec<Kopecks> {
    let total: i128 = weights.iter().map(|w| i128::from(*w.max(&0))).sum();
    let amount = i128::from(amount.max(0)).min(total);
    if total == 0 {
        return vec![0; weights.len()];
    }
    let exact: Vec<(i128, i128)> = weights
        .iter()
        .map(|w| {
            let n = amount * i128::from(*w.max(&0));
            (n / total, n % total)
        })
        .collect();
    let mut shares: Vec<Kopecks> = exact.iter().map(|(q, _)| *q as Kopecks).collect();
    let mut left = (amount - exact.iter().map(|(q, _)| q).sum::<i128>()) as usize;
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|a, b| exact[*b].1.cmp(&exact[*a].1).then(a.cmp(b)));
    for i in order {
        if left == 0 {
            break;
        }
        shares[i] += 1;
        left -= 1;
    }
    shares
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parsing_rounds_to_the_kopeck_and_refuses_negatives() {
        assert_eq!(parse_money(&json!(333.33)), Some(33333));
        assert_eq!(parse_money(&json!(0.125)), Some(13));
        assert_eq!(parse_money(&json!(100)), Some(10000));
        assert_eq!(parse_money(&json!(-1)), None);
        assert_eq!(parse_money(&json!("1")), None);
        assert_eq!(parse_quantity(&json!(1.5)), Some(1500));
        assert_eq!(parse_quantity(&json!(0)), None);
        assert_eq!(quantity(3000), json!(3));
        assert_eq!(quantity(1500), json!(1.5));
        assert_eq!(money(99999), json!(999.99));
        assert_eq!(format_money(100050), "1000.50");
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(percent_of(99999, 1000), 10000); // 9999.9
        assert_eq!(percent_of(25, 1000), 3); // 2.5
        assert_eq!(percent_of(24, 1000), 2);
        assert_eq!(percent_floor(99999, 1000), 9999);
        assert_eq!(line_total(33333, 3000), 99999);
        assert_eq!(line_total(33333, 1500), 50000); // 49999.5
        assert_eq!(share_of(10000, 1000, 3000), 3333);
        assert_eq!(share_of(10001, 1000, 2000), 5001); // 5000.5
    }

    #[test]
    fn spread_is_exact_proportional_and_capped() {
        assert_eq!(spread(100, &[100, 100, 100]), [34, 33, 33]);
        assert_eq!(spread(10000, &[30000, 10000]), [7500, 2500]);
        assert_eq!(spread(500, &[100, 200]), [100, 200]);
        assert_eq!(spread(7, &[0, 0]), [0, 0]);
        let shares = spread(1001, &[333, 333, 334, 1]);
        assert_eq!(shares.iter().sum::<i64>(), 1001);
        assert_eq!(shares, [333, 333, 334, 1]);
        assert_eq!(spread(5, &[1, 2, 2]).iter().sum::<i64>(), 5);
    }
}
