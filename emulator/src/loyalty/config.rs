//! The loyalty programme a test sets through `POST /__emulator/loyalty`: promotions, promo
//! codes, balances and the points rules. Replaced whole, like the fault configuration.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::money::{BasisPoints, Kopecks, from_units, percent_bp};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub promotions: Vec<Promotion>,
    #[serde(default)]
    pub promo_codes: Vec<PromoCode>,
    /// Starting balances by customer key ("websiteID:42").
    #[serde(default)]
    pub balances: BTreeMap<String, f64>,
    #[serde(default = "default_balance")]
    pub default_balance: f64,
    #[serde(default = "hundred")]
    pub max_points_percent: f64,
    #[serde(default)]
    pub earn_percent: f64,
    /// The `orderLinesStatus` values that cancel an order: its points go back and its
    /// single-use codes are free again.
    #[serde(default = "cancelled")]
    pub cancel_statuses: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Promotion {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub percent: f64,
    /// Product ids it applies to, matched against any of a line's `product.ids`; absent is
    /// every product.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub products: Option<Vec<String>>,
    /// Only this many units of a line are discounted, which makes Mindbox split the line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_quantity_per_line: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PromoCode {
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_total: Option<f64>,
    #[serde(default)]
    pub used: bool,
    #[serde(default = "yes")]
    pub active: bool,
    /// Single-use: an order confirmed with it uses it up until that order is cancelled.
    #[serde(default)]
    pub once: bool,
}

fn default_balance() -> f64 {
    100.0
}

fn hundred() -> f64 {
    100.0
}

fn yes() -> bool {
    true
}

fn cancelled() -> Vec<String> {
    vec!["Cancelled".to_owned()]
}

impl Default for Config {
    fn default() -> Self {
        Config {
            promotions: Vec::new(),
            promo_codes: Vec::new(),
            balances: BTreeMap::new(),
            default_balance: default_balance(),
            max_points_percent: hundred(),
            earn_percent: 0.0,
            cancel_statuses: cancelled(),
        }
    }
}

/// What a promo code takes off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeDiscount {
    Percent(BasisPoints),
    Amount(Kopecks),
}

impl Config {
    /// Parses and checks a configuration; the message names the field that is wrong.
    pub fn from_value(mut value: Value) -> Result<Config, String> {
        // PHP encodes an empty array as a JSON list, so `[]` stands for `{}` where a map is due.
        let empty_list = |v: &Value| v.as_array().is_some_and(Vec::is_empty);
        if empty_list(&value) {
            value = Value::Object(Map::new());
        }
        // serde would read a struct from a non-empty array as well.
        let Some(fields) = value.as_object_mut() else {
            return Err("the loyalty configuration must be a JSON object".into());
        };
        if let Some(balances) = fields.get_mut("balances")
            && empty_list(balances)
        {
            *balances = Value::Object(Map::new());
        }
        let config: Config =
            serde_json::from_value(value).map_err(|e| format!("loyalty configuration: {e}"))?;
        config
            .check()
            .map_err(|e| format!("loyalty configuration: {e}"))?;
        Ok(config)
    }

    fn check(&self) -> Result<(), String> {
        let percent = |name: &str, p: f64| {
            if (0.0..=100.0).contains(&p) {
                Ok(())
            } else {
                Err(format!("{name} must be a number from 0 to 100"))
            }
        };
        let money = |name: &str, x: f64| {
            if x.is_finite() && x >= 0.0 {
                Ok(())
            } else {
                Err(format!("{name} must be a non-negative number"))
            }
        };
        percent("maxPointsPercent", self.max_points_percent)?;
        percent("earnPercent", self.earn_percent)?;
        money("defaultBalance", self.default_balance)?;
        if let Some(i) = self.cancel_statuses.iter().position(String::is_empty) {
            return Err(format!("cancelStatuses[{i}] must not be empty"));
        }
        for (key, balance) in &self.balances {
            money(&format!("balances['{key}']"), *balance)?;
        }
        for (i, p) in self.promotions.iter().enumerate() {
            if p.id.is_empty() {
                return Err(format!("promotions[{i}].id must not be empty"));
            }
            percent(&format!("promotions[{i}].percent"), p.percent)?;
            if p.max_quantity_per_line == Some(0) {
                return Err(format!(
                    "promotions[{i}].maxQuantityPerLine must be at least 1"
                ));
            }
        }
        for (i, c) in self.promo_codes.iter().enumerate() {
            if c.code.is_empty() {
                return Err(format!("promoCodes[{i}].code must not be empty"));
            }
            match (c.percent, c.amount) {
                (Some(p), None) => percent(&format!("promoCodes[{i}].percent"), p)?,
                (None, Some(a)) => money(&format!("promoCodes[{i}].amount"), a)?,
                _ => {
                    return Err(format!(
                        "promoCodes[{i}] needs exactly one of percent and amount"
                    ));
                }
            }
            if let Some(min) = c.min_total {
                money(&format!("promoCodes[{i}].minTotal"), min)?;
            }
            let twice = self.promo_codes[..i]
                .iter()
                .any(|o| o.code.eq_ignore_ascii_case(&c.code));
            if twice {
                return Err(format!(
                    "promoCodes[{i}]: code '{}' is listed twice",
                    c.code
                ));
            }
        }
        Ok(())
    }

    /// A customer's starting balance: theirs if listed, else the default. Without a customer
    /// there is nothing to spend.
    pub fn starting_balance(&self, customer: Option<&str>) -> Kopecks {
        match customer {
            None => 0,
            Some(key) => from_units(
                self.balances
                    .get(key)
                    .copied()
                    .unwrap_or(self.default_balance),
            ),
        }
    }

    /// Whether `status` cancels a whole order: its points go back, its codes are free again.
    pub fn cancels(&self, status: &str) -> bool {
        self.cancel_statuses.iter().any(|c| c == status)
    }

    /// Whether a line in `status` is taken off its order: cancelled, or returned (Mindbox's
    /// own status for a return, whatever the programme cancels orders with). Such a line stays
    /// in what the order holds, with its status, and is not priced.
    pub fn takes_off(&self, status: &str) -> bool {
        self.cancels(status) || status == "Returned"
    }

    /// Codes compare case-insensitively, as shoppers type them.
    pub fn promo_code(&self, code: &str) -> Option<&PromoCode> {
        self.promo_codes
            .iter()
            .find(|c| c.code.eq_ignore_ascii_case(code))
    }
}

impl Promotion {
    pub fn applies_to(&self, product_ids: &[String]) -> bool {
        match &self.products {
            None => true,
            Some(list) => list.iter().any(|p| product_ids.contains(p)),
        }
    }

    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }
}

impl PromoCode {
    pub fn discount(&self) -> CodeDiscount {
        match (self.percent, self.amount) {
            (Some(p), _) => CodeDiscount::Percent(percent_bp(p)),
            (None, a) => CodeDiscount::Amount(from_units(a.unwrap_or(0.0))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults_and_round_trip() {
        let c = Config::from_value(json!({})).unwrap();
        assert_eq!(c, Config::default());
        let php = Config::from_value(json!([])).unwrap();
        assert_eq!(php, Config::from_value(json!({"balances": []})).unwrap());
        assert_eq!(php, c);
        let full = json!({
            "promotions": [{"id": "SALE10", "name": "10% off", "percent": 10,
                            "products": ["SKU-1"], "maxQuantityPerLine": 1}],
            "promoCodes": [{"code": "WELCOME", "percent": 5},
                           {"code": "MINUS100", "amount": 100, "minTotal": 1000, "used": true},
                           {"code": "ONCE", "amount": 10, "once": true}],
            "balances": {"websiteID:42": 500.0},
            "defaultBalance": 0, "maxPointsPercent": 50, "earnPercent": 5,
            "cancelStatuses": ["Cancelled", "Returned"],
        });
        let c = Config::from_value(full).unwrap();
        assert!(c.promo_code("once").unwrap().once);
        assert!(!c.promo_code("WELCOME").unwrap().once);
        assert_eq!(c.cancel_statuses, ["Cancelled", "Returned"]);
        assert_eq!(Config::default().cancel_statuses, ["Cancelled"]);
        let again = Config::from_value(serde_json::to_value(&c).unwrap()).unwrap();
        assert_eq!(c, again);
        assert_eq!(c.starting_balance(Some("websiteID:42")), 50000);
        assert_eq!(c.starting_balance(Some("websiteID:7")), 0);
        assert_eq!(c.starting_balance(None), 0);
        assert_eq!(
            c.promo_code("minus100").unwrap().discount(),
            CodeDiscount::Amount(10000)
        );
    }

    #[test]
    fn refuses_mistakes_by_name() {
        for (bad, said) in [
            (json!({"promotion": []}), "unknown field `promotion`"),
            (
                json!({"promotions": [{"id": "A", "percent": 5, "max": 1}]}),
                "`max`",
            ),
            (
                json!({"promotions": [{"id": "A", "percent": 101}]}),
                "promotions[0].percent",
            ),
            (json!({"promoCodes": [{"code": "A"}]}), "exactly one"),
            (
                json!({"promoCodes": [{"code": "A", "percent": 1, "amount": 1}]}),
                "exactly one",
            ),
            (
                json!({"promoCodes": [{"code": "A", "amount": 1}, {"code": "a", "amount": 2}]}),
                "twice",
            ),
            (json!({"balances": {"x": -1}}), "balances['x']"),
            (json!({"earnPercent": 200}), "earnPercent"),
            (json!({"cancelStatuses": ["A", ""]}), "cancelStatuses[1]"),
            (json!([1]), "loyalty configuration"),
        ] {
            let e = Config::from_value(bad.clone()).unwrap_err();
            assert!(e.contains(said), "{bad}: {e}");
        }
    }
}
