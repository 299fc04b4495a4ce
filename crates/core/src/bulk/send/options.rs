//! The fourth argument of `importBulk()`: extra query parameters, the CSV's delimiter and text
//! qualifier, the request's time limit.

use crate::error::{Error, Result};
use serde_json::{Map, Value};
use std::time::Duration;

#[derive(Debug, Clone, PartialEq)]
pub struct BulkOptions {
    /// Added after the parameters `importBulk()` sets itself, in the order given.
    pub(crate) query: Vec<(String, String)>,
    pub(crate) delimiter: char,
    pub(crate) qualifier: char,
    /// The whole request, the file's upload included.
    pub(crate) timeout: Duration,
}

impl Default for BulkOptions {
    fn default() -> Self {
        BulkOptions {
            query: Vec::new(),
            delimiter: ';',
            qualifier: '"',
            timeout: Duration::from_secs(300),
        }
    }
}

const OPTION_KEYS: [&str; 4] = ["query", "delimiter", "qualifier", "timeout"];

/// What the request says of itself; `query` may not say it otherwise.
const RESERVED: [&str; 6] = [
    "endpointId",
    "operation",
    "transactionId",
    "csvCodePage",
    "csvColumnDelimiter",
    "csvTextQualifier",
];

/// The longest an upload may take.
const MAX_TIMEOUT_SECS: f64 = 3600.0;

impl BulkOptions {
    pub fn from_value(value: &Value) -> Result<BulkOptions> {
        let map = match value {
            Value::Null => return Ok(BulkOptions::default()),
            Value::Array(a) if a.is_empty() => return Ok(BulkOptions::default()),
            Value::Object(m) => m,
            _ => return Err(Error::invalid("options", "must be an array of options")),
        };
        if let Some(unknown) = map.keys().find(|k| !OPTION_KEYS.contains(&k.as_str())) {
            return Err(Error::invalid(
                format!("options.{unknown}"),
                format!(
                    "unknown option; known options are {}",
                    OPTION_KEYS.join(", ")
                ),
            ));
        }
        let defaults = BulkOptions::default();
        let delimiter = character(map, "delimiter")?.unwrap_or(defaults.delimiter);
        let qualifier = character(map, "qualifier")?.unwrap_or(defaults.qualifier);
        if delimiter == qualifier {
            return Err(Error::invalid(
                "options.qualifier",
                "must differ from the delimiter",
            ));
        }
        Ok(BulkOptions {
            query: query(map.get("query"))?,
            delimiter,
            qualifier,
            timeout: timeout(map.get("timeout"))?.unwrap_or(defaults.timeout),
        })
    }
}

/// One printable ASCII character, or a tab.
fn character(map: &Map<String, Value>, key: &str) -> Result<Option<char>> {
    let path = format!("options.{key}");
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => {
            let mut chars = s.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) if c == '\t' || c.is_ascii_graphic() || c == ' ' => Ok(Some(c)),
                _ => Err(Error::invalid(
                    path,
                    "must be one printable ASCII character (or a tab)",
                )),
            }
        }
        Some(_) => Err(Error::invalid(path, "must be a string of one character")),
    }
}

fn query(value: Option<&Value>) -> Result<Vec<(String, String)>> {
    let map = match value {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(a)) if a.is_empty() => return Ok(Vec::new()),
        Some(Value::Object(m)) => m,
        Some(_) => {
            return Err(Error::invalid(
                "options.query",
                "must be an array of parameter name => value",
            ));
        }
    };
    map.iter()
        .map(|(name, value)| {
            let path = format!("options.query.{name}");
            if name.is_empty() {
                return Err(Error::invalid(path, "a parameter needs a name"));
            }
            if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(name)) {
                return Err(Error::invalid(path, "is set by importBulk() itself"));
            }
            let value = match value {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                _ => return Err(Error::invalid(path, "must be a string or a number")),
            };
            Ok((name.clone(), value))
        })
        .collect()
}

fn timeout(value: Option<&Value>) -> Result<Option<Duration>> {
    let seconds = match value {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Number(n)) => n.as_f64().unwrap_or(f64::NAN),
        Some(_) => {
            return Err(Error::invalid(
                "options.timeout",
                "must be a number of seconds",
            ));
        }
    };
    if !(seconds > 0.0 && seconds <= MAX_TIMEOUT_SECS) {
        return Err(Error::invalid(
            "options.timeout",
            format!("{seconds} is not between 0 and {MAX_TIMEOUT_SECS} seconds"),
        ));
    }
    Ok(Some(Duration::from_secs_f64(seconds)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn refused(v: Value) -> (String, String) {
        match BulkOptions::from_value(&v) {
            Err(Error::InvalidArgument { path, message }) => (path, message),
            other => panic!("{v}: expected InvalidArgument, got {other:?}"),
        }
    }

    #[test]
    fn defaults_and_given_values() {
        assert_eq!(
            BulkOptions::from_value(&Value::Null).unwrap(),
            BulkOptions::default()
        );
        assert_eq!(
            BulkOptions::from_value(&json!([])).unwrap(),
            BulkOptions::default()
        );
        let o = BulkOptions::from_value(&json!({
            "query": {"segment": "History", "SourceActionTemplate": 7},
            "delimiter": "\t", "qualifier": "'", "timeout": 12.5
        }))
        .unwrap();
        assert_eq!(
            o.query,
            [
                ("segment".to_string(), "History".to_string()),
                ("SourceActionTemplate".to_string(), "7".to_string())
            ]
        );
        assert_eq!((o.delimiter, o.qualifier), ('\t', '\''));
        assert_eq!(o.timeout, Duration::from_millis(12_500));
    }

    #[test]
    fn bad_options_are_named() {
        assert_eq!(refused(json!("x")).0, "options");
        assert_eq!(refused(json!({"retries": 1})).0, "options.retries");
        assert_eq!(refused(json!({"delimiter": ";;"})).0, "options.delimiter");
        assert_eq!(refused(json!({"delimiter": "\n"})).0, "options.delimiter");
        assert_eq!(refused(json!({"qualifier": "ё"})).0, "options.qualifier");
        assert_eq!(refused(json!({"delimiter": 59})).0, "options.delimiter");
        assert_eq!(
            refused(json!({"delimiter": "\""})),
            (
                "options.qualifier".to_string(),
                "must differ from the delimiter".to_string()
            )
        );
        assert_eq!(refused(json!({"query": ["a"]})).0, "options.query");
        assert_eq!(
            refused(json!({"query": {"transactionid": "x"}})),
            (
                "options.query.transactionid".to_string(),
                "is set by importBulk() itself".to_string()
            )
        );
        assert_eq!(refused(json!({"query": {"a": ["b"]}})).0, "options.query.a");
        assert_eq!(refused(json!({"query": {"": "b"}})).0, "options.query.");
        for t in [json!(0), json!(-1), json!(3601), json!("5")] {
            assert_eq!(refused(json!({ "timeout": t })).0, "options.timeout");
        }
    }
}
