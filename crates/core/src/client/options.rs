//! The third argument of `call()`, `send()` and the helpers.

use crate::endpoint::Endpoint;
use crate::error::{Error, Result};
use crate::outbox::{Hold, Snapshot, delay_ms};
use crate::request::is_guid;
use serde_json::{Map, Value};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallOptions {
    pub(crate) device_uuid: Option<String>,
    pub(crate) customer_ip: Option<String>,
    pub(crate) transaction_id: Option<String>,
    pub(crate) endpoint: Option<Endpoint>,
    pub(crate) ordering_key: Option<String>,
    /// Outbox only: points the item holds until Mindbox answers it.
    pub(crate) hold: Option<Hold>,
    /// Outbox only: how long the item waits before it may go.
    pub(crate) delay_ms: u64,
    /// Outbox only: what the item tells Mindbox, stored with it.
    pub(crate) snapshot: Option<Snapshot>,
}

const OPTION_KEYS: [&str; 8] = [
    "deviceUUID",
    "customerIp",
    "transactionId",
    "endpoint",
    "orderingKey",
    "hold",
    "delay",
    "snapshot",
];

/// The longest text option. The tracker's device ids are GUIDs; the outbox keeps a deviceUUID
/// with each item, in a MySQL column of this size.
const MAX_TEXT: usize = 256;

impl CallOptions {
    pub fn from_value(value: &Value) -> Result<CallOptions> {
        let map = match value {
            Value::Null => return Ok(CallOptions::default()),
            Value::Array(a) if a.is_empty() => return Ok(CallOptions::default()),
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
        let customer_ip = checked(map, "customerIp", |ip| {
            ip.parse::<std::net::IpAddr>()
                .map(drop)
                .map_err(|_| format!("'{ip}' is not an IP address"))
        })?;
        let transaction_id = checked(map, "transactionId", |id| {
            is_guid(id).then_some(()).ok_or_else(|| {
                format!("'{id}' is not a GUID (Mindbox requires one, v4 recommended)")
            })
        })?;
        let endpoint = match text(map, "endpoint")? {
            None => None,
            Some(e) => Some(Endpoint::parse(&e).ok_or_else(|| {
                Error::invalid(
                    "options.endpoint",
                    format!("'{e}' is not 'sync' or 'async'"),
                )
            })?),
        };
        let hold = match map.get("hold") {
            None | Some(Value::Null) => None,
            Some(value) => Some(Hold::from_value(value, "options.hold")?),
        };
        let snapshot = match map.get("snapshot") {
            None | Some(Value::Null) => None,
            Some(value) => Some(Snapshot::from_option(value, "options.snapshot")?),
        };
        Ok(CallOptions {
            device_uuid: text(map, "deviceUUID")?,
            customer_ip,
            transaction_id,
            endpoint,
            ordering_key: text(map, "orderingKey")?,
            hold,
            delay_ms: delay_ms(map.get("delay").unwrap_or(&Value::Null), "options.delay")?,
            snapshot,
        })
    }
}

/// A short single-line text option; an empty one is not given. An ordering key may be a number.
fn text(map: &Map<String, Value>, key: &str) -> Result<Option<String>> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) if s.len() > MAX_TEXT || s.chars().any(char::is_control) => {
            Err(Error::invalid(
                format!("options.{key}"),
                "must be a short single-line string",
            ))
        }
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(Value::Number(n)) if key == "orderingKey" => Ok(Some(n.to_string())),
        Some(_) => Err(Error::invalid(format!("options.{key}"), "must be a string")),
    }
}

/// A text option that `check` accepts, or what it says is wrong with it.
fn checked(
    map: &Map<String, Value>,
    key: &str,
    check: impl FnOnce(&str) -> std::result::Result<(), String>,
) -> Result<Option<String>> {
    let value = text(map, key)?;
    if let Some(v) = &value {
        check(v).map_err(|m| Error::invalid(format!("options.{key}"), m))?;
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn options_are_validated() {
        let o = CallOptions::from_value(&json!({"deviceUUID": "d-1", "customerIp": "::1",
            "endpoint": "async", "orderingKey": 42}))
        .unwrap();
        assert_eq!(o.device_uuid.as_deref(), Some("d-1"));
        assert_eq!(o.endpoint, Some(Endpoint::Async));
        assert_eq!(o.ordering_key.as_deref(), Some("42"));
        assert_eq!((o.hold, o.delay_ms, o.snapshot), (None, 0, None));
        let o = CallOptions::from_value(&json!({"hold": {"key": "customer:7", "amount": 150.5},
            "delay": 900}))
        .unwrap();
        let hold = o.hold.unwrap();
        assert_eq!(
            (hold.key.as_str(), hold.cents, o.delay_ms),
            ("customer:7", 15_050, 900_000)
        );
        assert_eq!(
            CallOptions::from_value(&json!([])).unwrap(),
            CallOptions::default()
        );
        let long = CallOptions::from_value(&json!({"deviceUUID": "d".repeat(257)}));
        assert!(
            matches!(long, Err(Error::InvalidArgument { ref path, .. }) if path == "options.deviceUUID")
        );
        for (bad, path) in [
            (json!({"customerIp": "nope"}), "options.customerIp"),
            (json!({"transactionId": "123"}), "options.transactionId"),
            (json!({"endpoint": "bulk"}), "options.endpoint"),
            (json!({"deviceUuid": "x"}), "options.deviceUuid"),
            (json!({"deviceUUID": ["x"]}), "options.deviceUUID"),
            (json!({"deviceUUID": "a\nb"}), "options.deviceUUID"),
            (
                json!({"hold": {"key": "k", "amount": -1}}),
                "options.hold.amount",
            ),
            (json!({"delay": -1}), "options.delay"),
            (
                json!({"snapshot": {"key": "k k", "value": {}}}),
                "options.snapshot.key",
            ),
        ] {
            match CallOptions::from_value(&bad) {
                Err(Error::InvalidArgument { path: p, .. }) => assert_eq!(p, path),
                other => panic!("{bad}: {other:?}"),
            }
        }
    }
}
