//! What a test sets through `POST /__emulator/bulk/config`: the project's limits, identifier
//! systems, operation names and date formats. Replaced whole, like the fault configuration.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::Kind;
use super::dates::{DateFormat, default_formats};

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Config {
    /// Import tasks a rolling hour may create (Mindbox: 60).
    pub per_hour: u32,
    /// The most a request's body may hold, as sent and once decompressed (Mindbox: 200 MB).
    pub max_bytes: u64,
    /// The project's customer identifier systems: the customers' id columns, and the names
    /// after `CustomerIds` in orders.
    pub customer_id_names: Vec<String>,
    pub operations: Operations,
    pub date_formats: Vec<DateFormat>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Operations {
    #[serde(default = "customers_operation")]
    pub customers: String,
    #[serde(default = "orders_operation")]
    pub orders: String,
}

impl Default for Operations {
    fn default() -> Operations {
        Operations {
            customers: customers_operation(),
            orders: orders_operation(),
        }
    }
}

fn per_hour() -> u32 {
    60
}

/// Decimal megabytes: the stricter reading of Mindbox's "200 MB", so a client that passes here
/// passes there.
fn max_bytes() -> u64 {
    200_000_000
}

fn customer_id_names() -> Vec<String> {
    vec!["websiteID".to_owned()]
}

fn customers_operation() -> String {
    "DirectCrm.Customers.Import".to_owned()
}

fn orders_operation() -> String {
    "RetailOrder.Import".to_owned()
}

impl Default for Config {
    fn default() -> Config {
        Config {
            per_hour: per_hour(),
            max_bytes: max_bytes(),
            customer_id_names: customer_id_names(),
            operations: Operations::default(),
            date_formats: default_formats(),
        }
    }
}

impl Config {
    /// The configuration a test sends; an absent field is its default.
    pub fn from_value(value: Value) -> Result<Config, String> {
        let Value::Object(mut map) = value else {
            return Err("bulk config: must be a JSON object".into());
        };
        let config = Config {
            per_hour: field(&mut map, "perHour")?.unwrap_or_else(per_hour),
            max_bytes: field(&mut map, "maxBytes")?.unwrap_or_else(max_bytes),
            customer_id_names: field(&mut map, "customerIdNames")?
                .unwrap_or_else(customer_id_names),
            operations: field(&mut map, "operations")?.unwrap_or_default(),
            date_formats: field(&mut map, "dateFormats")?.unwrap_or_else(default_formats),
        };
        if let Some(unknown) = map.keys().next() {
            return Err(format!(
                "bulk config: unknown field '{unknown}' (perHour, maxBytes, customerIdNames, operations, dateFormats)"
            ));
        }
        if config.max_bytes == 0 {
            return Err("bulk config: maxBytes must be at least 1".into());
        }
        if config.customer_id_names.is_empty() {
            return Err("bulk config: customerIdNames must name at least one system".into());
        }
        for (i, name) in config.customer_id_names.iter().enumerate() {
            if !is_system_name(name) {
                return Err(format!(
                    "bulk config: customerIdNames[{i}] '{name}' is not a system name (letters, digits, '.', '_', '-')"
                ));
            }
            if config.customer_id_names[..i].contains(name) {
                return Err(format!("bulk config: customerIdNames has '{name}' twice"));
            }
        }
        let Operations { customers, orders } = &config.operations;
        if customers.trim().is_empty() || orders.trim().is_empty() || customers == orders {
            return Err("bulk config: operations.customers and .orders must be two names".into());
        }
        if config.date_formats.is_empty() {
            return Err("bulk config: dateFormats must hold at least one format".into());
        }
        Ok(config)
    }

    /// Which import an operation name asks for; names are the project's, compared exactly.
    pub fn kind_of(&self, operation: &str) -> Option<Kind> {
        if operation == self.operations.customers {
            Some(Kind::Customers)
        } else if operation == self.operations.orders {
            Some(Kind::Orders)
        } else {
            None
        }
    }
}

/// A field taken out of the object, read as `T`; the error names it.
fn field<T: DeserializeOwned>(
    map: &mut Map<String, Value>,
    name: &str,
) -> Result<Option<T>, String> {
    match map.remove(name) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => serde_json::from_value(v)
            .map(Some)
            .map_err(|e| format!("bulk config: {name}: {e}")),
    }
}

pub fn is_system_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults_are_mindboxs_and_shown_whole() {
        let config = Config::from_value(json!({})).unwrap();
        assert_eq!(config, Config::default());
        assert_eq!(
            serde_json::to_value(&config).unwrap(),
            json!({
                "perHour": 60,
                "maxBytes": 200_000_000,
                "customerIdNames": ["websiteID"],
                "operations": {"customers": "DirectCrm.Customers.Import", "orders": "RetailOrder.Import"},
                "dateFormats": ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd"],
            })
        );
        assert_eq!(config.kind_of("RetailOrder.Import"), Some(Kind::Orders));
        assert_eq!(config.kind_of("retailorder.import"), None);
    }

    #[test]
    fn a_project_of_its_own() {
        let config = Config::from_value(json!({
            "perHour": 2,
            "customerIdNames": ["bitrixId", "externalId"],
            "operations": {"orders": "Shop.Orders.Import"},
            "dateFormats": ["dd.MM.yyyy"],
        }))
        .unwrap();
        assert_eq!(config.per_hour, 2);
        assert_eq!(config.kind_of("Shop.Orders.Import"), Some(Kind::Orders));
        assert_eq!(
            config.kind_of("DirectCrm.Customers.Import"),
            Some(Kind::Customers)
        );
    }

    #[test]
    fn mistakes_are_named() {
        for (bad, named) in [
            (json!({"perHour": -1}), "perHour"),
            (json!({"perhour": 1}), "perhour"),
            (json!({"maxBytes": 0}), "maxBytes"),
            (json!({"customerIdNames": []}), "customerIdNames"),
            (json!({"customerIdNames": ["a b"]}), "customerIdNames[0]"),
            (json!({"customerIdNames": ["a", "a"]}), "twice"),
            (
                json!({"operations": {"orders": "DirectCrm.Customers.Import"}}),
                "operations",
            ),
            (json!({"operations": {"other": "X"}}), "other"),
            (json!({"dateFormats": ["yyyy"]}), "yyyy"),
            (json!({"dateFormats": []}), "dateFormats"),
            (json!([]), "bulk config"),
        ] {
            let error = Config::from_value(bad.clone()).unwrap_err();
            assert!(error.contains(named), "{bad}: {error}");
        }
    }
}
