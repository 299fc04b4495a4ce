//! The in-memory record of every call to the Mindbox endpoints, read back by the tests.
//!
//! Entries are shared (`Arc`) so that a reader copies pointers under the lock and serialises
//! afterwards: a large journal read never stalls the calls being recorded.

use std::sync::Arc;

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::value::RawValue;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Handled as Mindbox would: the transaction, if any, now counts as done.
    Processed,
    /// Answered `TransactionAlreadyProcessed`.
    Duplicate,
    /// Refused by the contract (or a scripted/injected `ValidationError`).
    Rejected,
    /// An injected failure: nothing was processed.
    Fault,
}

impl Outcome {
    pub fn parse(s: &str) -> Option<Outcome> {
        match s {
            "processed" => Some(Outcome::Processed),
            "duplicate" => Some(Outcome::Duplicate),
            "rejected" => Some(Outcome::Rejected),
            "fault" => Some(Outcome::Fault),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    pub seq: u64,
    pub received_at: f64,
    pub connection_id: u64,
    /// `sync` or `async` for server calls, `tracker` or `tracker-sync` for the browser's.
    pub endpoint: &'static str,
    pub operation: Option<String>,
    pub endpoint_id: Option<String>,
    pub transaction_id: Option<String>,
    #[serde(rename = "deviceUUID")]
    pub device_uuid: Option<String>,
    pub query: Pairs,
    pub headers: Pairs,
    pub body: Option<Box<RawValue>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw_body: Option<String>,
    pub http_status: u16,
    pub mindbox_status: Option<String>,
    pub outcome: Outcome,
    pub auth_ok: bool,
    /// The injected fault's kind, when one applied (a `latency` fault still ends processed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fault: Option<&'static str>,
    /// Why the emulator refused the call, when it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
}

/// Names and values shown as a JSON object. A plain vector, not a map: tens of thousands of
/// entries each hold two of these, and they are only ever looked up a few times.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Pairs(pub Vec<(String, String)>);

impl Pairs {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

impl Serialize for Pairs {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in &self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub since: u64,
    pub operation: Option<String>,
    pub outcome: Option<Outcome>,
    pub endpoint: Option<String>,
}

impl Filter {
    fn matches(&self, e: &Entry) -> bool {
        self.operation
            .as_deref()
            .is_none_or(|op| e.operation.as_deref() == Some(op))
            && self.outcome.is_none_or(|o| e.outcome == o)
            && self.endpoint.as_deref().is_none_or(|ep| e.endpoint == ep)
    }
}

#[derive(Debug, Default)]
pub struct Journal {
    entries: Vec<Arc<Entry>>,
}

impl Journal {
    /// Appends the entry, numbering it; seq is 1-based and equals the position, which makes
    /// `since` a slice start instead of a search.
    pub fn record(&mut self, mut entry: Entry) -> u64 {
        let seq = self.entries.len() as u64 + 1;
        entry.seq = seq;
        self.entries.push(Arc::new(entry));
        seq
    }

    pub fn select(&self, filter: &Filter) -> Vec<Arc<Entry>> {
        let start = usize::try_from(filter.since)
            .unwrap_or(usize::MAX)
            .min(self.entries.len());
        self.entries[start..]
            .iter()
            .filter(|e| filter.matches(e))
            .cloned()
            .collect()
    }

    pub fn clear(&mut self) {
        self.entries = Vec::new();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(op: &str, outcome: Outcome) -> Entry {
        Entry {
            seq: 0,
            received_at: 0.0,
            connection_id: 1,
            endpoint: "sync",
            operation: Some(op.into()),
            endpoint_id: None,
            transaction_id: None,
            device_uuid: None,
            query: Pairs::default(),
            headers: Pairs(vec![("x".into(), "1".into())]),
            body: None,
            raw_body: None,
            http_status: 200,
            mindbox_status: None,
            outcome,
            auth_ok: true,
            fault: None,
            error_message: None,
        }
    }

    #[test]
    fn numbers_from_one_and_filters() {
        let mut j = Journal::default();
        assert_eq!(j.record(entry("A", Outcome::Processed)), 1);
        assert_eq!(j.record(entry("B", Outcome::Rejected)), 2);
        assert_eq!(j.record(entry("A", Outcome::Fault)), 3);
        let seqs = |f: Filter| j.select(&f).iter().map(|e| e.seq).collect::<Vec<_>>();
        assert_eq!(seqs(Filter::default()), [1, 2, 3]);
        assert_eq!(
            seqs(Filter {
                since: 1,
                ..Default::default()
            }),
            [2, 3]
        );
        assert_eq!(
            seqs(Filter {
                since: 99,
                ..Default::default()
            }),
            Vec::<u64>::new()
        );
        assert_eq!(
            seqs(Filter {
                operation: Some("A".into()),
                ..Default::default()
            }),
            [1, 3]
        );
        assert_eq!(
            seqs(Filter {
                operation: Some("A".into()),
                outcome: Some(Outcome::Processed),
                ..Default::default()
            }),
            [1]
        );
        j.clear();
        assert_eq!(j.record(entry("A", Outcome::Processed)), 1);
    }

    #[test]
    fn raw_body_appears_only_when_set() {
        let mut e = entry("A", Outcome::Processed);
        let v = serde_json::to_value(&e).unwrap();
        assert!(v.get("rawBody").is_none());
        assert_eq!(v["deviceUUID"], serde_json::Value::Null);
        assert_eq!(v["body"], serde_json::Value::Null);
        assert_eq!(v["headers"], serde_json::json!({"x": "1"}));
        // The body is shown exactly as sent, numbers included.
        e.body = serde_json::from_str(r#"{"n": 123456789012345678901234567890, "p": 990.00}"#).ok();
        let text = serde_json::to_string(&e).unwrap();
        assert!(text.contains(r#""body":{"n": 123456789012345678901234567890, "p": 990.00}"#));
        assert_eq!(v["outcome"], "processed");
        assert_eq!(v["authOk"], true);
    }
}
