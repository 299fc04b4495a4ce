//! Snapshots of what Mindbox was last told of an order, kept in the client's outbox for its
//! endpoint (`outbox::snapshot`). `send()` stores one with its item (the option `snapshot`).

use super::Client;
use crate::clock::now_ms;
use crate::error::Result;
use crate::outbox::{SavedSnapshot, Snapshot, check_snapshot_key, with_store};
use serde_json::Value;

impl Client {
    /// The key's snapshot, with where the item that carried it stands; `None` when there is none.
    pub fn snapshot(&self, key: &str) -> Result<Option<SavedSnapshot>> {
        check_snapshot_key(key, "key")?;
        let path = self.outbox_path()?;
        with_store(&path, self.config.synchronous, |store| {
            store.snapshot(&self.config.scope(), key)
        })
    }

    /// Stores a snapshot with no item, replacing the key's: Mindbox knows this already.
    pub fn save_snapshot(&self, key: &str, value: &Value) -> Result<()> {
        let snapshot = Snapshot::new(key, "key", value, "value")?;
        let path = self.outbox_path()?;
        with_store(&path, self.config.synchronous, |store| {
            store.save_snapshot(&self.config.scope(), &snapshot, now_ms())
        })
    }

    /// Forgets the key's snapshot, if there is one.
    pub fn forget_snapshot(&self, key: &str) -> Result<()> {
        check_snapshot_key(key, "key")?;
        let path = self.outbox_path()?;
        with_store(&path, self.config.synchronous, |store| {
            store.forget_snapshot(&self.config.scope(), key)
        })
    }
}
