//! Snapshots: what Mindbox was last told of something the shop keeps (an order), under a key the
//! caller builds (`s1:order:42`). A snapshot is written in the same transaction as the item that
//! tells Mindbox of it (`send()`'s option `snapshot`), replacing the key's previous one, or alone
//! (`saveSnapshot()`) when nothing needs telling. It remembers that item, so that the caller can
//! see whether Mindbox has it yet: `store::snapshots` reads that from the items themselves.
//!
//! Its value is the caller's JSON, kept as written and never logged. It holds no personal data by
//! contract (ids, quantities, prices, statuses): unlike an item it is kept after delivery.

use crate::error::{Error, Result};
use serde_json::Value;

/// Within a MySQL key beside the endpoint's id and base URL, and readable in a log or an admin
/// page.
const MAX_KEY_BYTES: usize = 200;
/// Far above an order's lines, prices and statuses; a snapshot near this is a caller's mistake.
const MAX_VALUE_BYTES: usize = 1 << 20;

/// A snapshot to store: its key and its value as JSON.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Snapshot {
    pub(crate) key: String,
    pub(crate) value: Vec<u8>,
}

impl Snapshot {
    /// `['key' => string, 'value' => array]`, as the option `snapshot` of `send()`.
    pub(crate) fn from_option(option: &Value, path: &str) -> Result<Snapshot> {
        let Value::Object(map) = option else {
            return Err(Error::invalid(
                path,
                "must be an array ['key' => string, 'value' => array]",
            ));
        };
        if let Some(unknown) = map.keys().find(|k| !matches!(k.as_str(), "key" | "value")) {
            return Err(Error::invalid(
                format!("{path}.{unknown}"),
                "unknown; a snapshot has only 'key' and 'value'",
            ));
        }
        let key_path = format!("{path}.key");
        let key = match map.get("key") {
            Some(Value::String(key)) => key,
            None | Some(Value::Null) => return Err(Error::invalid(key_path, "is required")),
            Some(_) => return Err(Error::invalid(key_path, "must be a string")),
        };
        let value_path = format!("{path}.value");
        let value = map
            .get("value")
            .filter(|v| !v.is_null())
            .ok_or_else(|| Error::invalid(&value_path, "is required"))?;
        Snapshot::new(key, &key_path, value, &value_path)
    }

    /// A snapshot of `value` under `key`; the paths name them in an error.
    pub(crate) fn new(
        key: &str,
        key_path: &str,
        value: &Value,
        value_path: &str,
    ) -> Result<Snapshot> {
        check_key(key, key_path)?;
        if !(value.is_object() || value.is_array()) {
            return Err(Error::invalid(value_path, "must be an array"));
        }
        let value =
            serde_json::to_vec(value).map_err(|e| Error::invalid(value_path, e.to_string()))?;
        if value.len() > MAX_VALUE_BYTES {
            return Err(Error::invalid(
                value_path,
                format!(
                    "is {} bytes as JSON, more than {MAX_VALUE_BYTES}",
                    value.len()
                ),
            ));
        }
        Ok(Snapshot {
            key: key.to_string(),
            value,
        })
    }
}

/// A key: 1 to 200 printable ASCII characters, no spaces. MySQL compares text ignoring trailing
/// spaces, and two keys that it would take for one must not be two in a SQLite outbox.
pub(crate) fn check_key(key: &str, path: &str) -> Result<()> {
    if key.is_empty() || key.len() > MAX_KEY_BYTES || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::invalid(
            path,
            format!(
                "must be 1 to {MAX_KEY_BYTES} printable ASCII characters without spaces, such as s1:order:42"
            ),
        ));
    }
    Ok(())
}

/// Where the item that carried a snapshot stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnapshotDelivery {
    /// Still in the outbox: pending, delayed, waiting for a retry or being sent.
    Pending,
    /// Parked as failed: Mindbox refused it, or it ran out of attempts.
    Failed,
    /// Gone from the outbox: Mindbox has it (or it was withdrawn); a snapshot saved without an item.
    Delivered,
}

impl SnapshotDelivery {
    pub fn as_str(self) -> &'static str {
        match self {
            SnapshotDelivery::Pending => "pending",
            SnapshotDelivery::Failed => "failed",
            SnapshotDelivery::Delivered => "delivered",
        }
    }
}

/// A stored snapshot, as `snapshot()` gives it back.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedSnapshot {
    pub value: Value,
    /// When it was stored, in ms since the epoch.
    pub saved_at: u64,
    /// The item that carried it: its id now (a move gives an item a new one), or as it was when
    /// the item is gone; `None` for a snapshot saved alone.
    pub item_id: Option<i64>,
    pub transaction_id: Option<String>,
    pub delivery: SnapshotDelivery,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn bad_path(option: Value) -> String {
        match Snapshot::from_option(&option, "options.snapshot") {
            Err(Error::InvalidArgument { path, .. }) => path,
            other => panic!("{option}: expected an invalid argument, got {other:?}"),
        }
    }

    #[test]
    fn a_snapshot_is_its_key_and_the_json_of_its_value() {
        let lines = json!({"key": "s1:order:42", "value": {"lines": {"7": {"quantity": 2}}}});
        let snapshot = Snapshot::from_option(&lines, "options.snapshot").unwrap();
        assert_eq!(snapshot.key, "s1:order:42");
        assert_eq!(snapshot.value, br#"{"lines":{"7":{"quantity":2}}}"#);
        let empty = Snapshot::from_option(&json!({"key": "k", "value": []}), "o").unwrap();
        assert_eq!(empty.value, b"[]");
        let longest = "k".repeat(MAX_KEY_BYTES);
        assert!(Snapshot::from_option(&json!({"key": longest, "value": {}}), "o").is_ok());
    }

    #[test]
    fn a_bad_snapshot_names_what_is_wrong() {
        let big = "x".repeat(MAX_VALUE_BYTES);
        for (option, path) in [
            (json!("s1:order:42"), "options.snapshot"),
            (json!({"value": {}}), "options.snapshot.key"),
            (json!({"key": 42, "value": {}}), "options.snapshot.key"),
            (json!({"key": "", "value": {}}), "options.snapshot.key"),
            (
                json!({"key": "k".repeat(201), "value": {}}),
                "options.snapshot.key",
            ),
            (
                json!({"key": "s1:order: 42", "value": {}}),
                "options.snapshot.key",
            ),
            (
                json!({"key": "s1:order:42 ", "value": {}}),
                "options.snapshot.key",
            ),
            (
                json!({"key": "заказ:42", "value": {}}),
                "options.snapshot.key",
            ),
            (json!({"key": "a\nb", "value": {}}), "options.snapshot.key"),
            (json!({"key": "k"}), "options.snapshot.value"),
            (json!({"key": "k", "value": null}), "options.snapshot.value"),
            (
                json!({"key": "k", "value": "lines"}),
                "options.snapshot.value",
            ),
            (json!({"key": "k", "value": 5}), "options.snapshot.value"),
            (
                json!({"key": "k", "value": [big]}),
                "options.snapshot.value",
            ),
            (
                json!({"key": "k", "value": {}, "at": 1}),
                "options.snapshot.at",
            ),
        ] {
            assert_eq!(bad_path(option.clone()), path, "{option}");
        }
    }
}
