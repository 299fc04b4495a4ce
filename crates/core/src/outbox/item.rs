//! What the outbox holds: items of a Mindbox endpoint, as `send()` writes them and a deliverer
//! claims them, and why an attempt did not deliver one.

use super::hold::Hold;
use super::snapshot::Snapshot;
use crate::endpoint::Endpoint;

/// Which Mindbox endpoint a deliverer serves: an outbox may be shared by several sites.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Scope {
    pub endpoint_id: String,
    pub base_url: String,
}

impl Scope {
    pub(crate) fn lease_name(&self) -> String {
        format!("deliver:{}@{}", self.endpoint_id, self.base_url)
    }
}

#[derive(Debug, Clone)]
pub(crate) struct NewItem<'a> {
    pub(crate) operation: &'a str,
    pub(crate) endpoint: Endpoint,
    pub(crate) body: &'a [u8],
    pub(crate) transaction_id: &'a str,
    pub(crate) device_uuid: Option<&'a str>,
    pub(crate) customer_ip: Option<&'a str>,
    pub(crate) ordering_key: Option<&'a str>,
    /// Points the item holds until Mindbox answers it.
    pub(crate) hold: Option<&'a Hold>,
    /// The item is not sent before this long after it was written.
    pub(crate) delay_ms: u64,
    /// What the item tells Mindbox, stored with it in one transaction.
    pub(crate) snapshot: Option<&'a Snapshot>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Item {
    pub(crate) id: i64,
    pub(crate) operation: String,
    pub(crate) endpoint: Endpoint,
    pub(crate) body: Vec<u8>,
    pub(crate) transaction_id: String,
    pub(crate) device_uuid: Option<String>,
    pub(crate) customer_ip: Option<String>,
    pub(crate) attempts: u32,
}

/// Why an attempt did not deliver, as stored with the item.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Failure {
    pub http_status: u16,
    pub mindbox_status: Option<String>,
    pub error_id: Option<String>,
    pub message: String,
}

/// A parked item, as `failedItems()` shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct FailedItem {
    pub id: i64,
    pub operation: String,
    pub transaction_id: String,
    pub attempts: u32,
    pub failure: Failure,
}

/// The rate limit's grid is kept per endpoint, operation and Mindbox endpoint.
pub(crate) fn pacing_key(scope: &Scope, operation: &str, endpoint: Endpoint) -> String {
    format!("{}|{}|{}", scope.endpoint_id, operation, endpoint.as_str())
}
