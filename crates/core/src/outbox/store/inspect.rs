//! What the outbox holds, as the admin and `outboxStats()` / `failedItems()` show it, and parked
//! items sent back to pending.

use super::backend::Store;
use super::bulk;
use super::cycle::KeyVerdict;
use super::refusal;
use crate::clock::now_ms;
use crate::error::Result;
use crate::outbox::item::{FailedItem, Scope};
use crate::outbox::rows::Refusal;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stats {
    pub pending: i64,
    pub failed: i64,
    pub oldest_pending_at: Option<u64>,
    pub last_error: Option<String>,
    /// The process delivering for the endpoint now, as `host:pid`, if one holds the lease.
    pub deliverer: Option<String>,
    /// Mindbox refused the asking client's key (401, 403): delivery waits for one it takes.
    pub credentials_refused: bool,
    /// When that key is next probed (ms since the epoch).
    pub credentials_probe_at: Option<u64>,
    /// Bulk imports sent in the last hour (their slots of the hourly budget).
    pub bulk_imports_last_hour: u32,
    /// Mindbox answered a bulk import 429: none goes before then (ms since the epoch).
    pub bulk_blocked_until: Option<u64>,
}

impl Store {
    pub(crate) fn stats(&mut self, scope: &Scope) -> Result<Stats> {
        let now = now_ms();
        self.read(|rows| {
            let counts = rows.counts(scope)?;
            let last_error = rows.last_error(scope)?;
            let holder = rows
                .lease(scope)?
                .filter(|lease| lease.expires > now)
                .map(|lease| lease.holder);
            let (bulk_imports_last_hour, bulk_blocked_until) = bulk::usage(rows, scope, now)?;
            Ok(Stats {
                pending: counts.pending,
                failed: counts.failed,
                oldest_pending_at: counts.oldest_pending_at,
                last_error,
                deliverer: holder.map(|h| h.splitn(3, ':').take(2).collect::<Vec<_>>().join(":")),
                credentials_refused: false,
                credentials_probe_at: None,
                bulk_imports_last_hour,
                bulk_blocked_until,
            })
        })
    }

    /// Mindbox's refusal of the key of this fingerprint for the endpoint, if it refused it.
    pub(crate) fn refusal(&mut self, scope: &Scope, key_fp: &str) -> Result<Option<Refusal>> {
        self.read(|rows| rows.refusal(scope, key_fp))
    }

    /// Mindbox took the key (a synchronous call's answer): ends its refusal, if there was one,
    /// and makes what waited for it due. Whether there was one.
    pub(crate) fn key_taken(&mut self, scope: &Scope, key_fp: &str, now: u64) -> Result<bool> {
        if self.refusal(scope, key_fp)?.is_none() {
            return Ok(false);
        }
        self.write(|rows| refusal::record(rows, scope, key_fp, KeyVerdict::Taken, now))?;
        Ok(true)
    }

    pub(crate) fn failed(
        &mut self,
        scope: &Scope,
        limit: u32,
        after_id: i64,
    ) -> Result<Vec<FailedItem>> {
        self.read(|rows| rows.failed_page(scope, limit, after_id))
    }

    /// Parked items back to pending with a fresh attempt budget; `None` retries them all.
    pub(crate) fn retry_failed(
        &mut self,
        scope: &Scope,
        ids: Option<&[i64]>,
        now: u64,
    ) -> Result<usize> {
        self.write(|rows| rows.retry(scope, ids, now))
    }
}
