//! The storage interface of the outbox: the rows a backend keeps (items, the endpoint's lease,
//! refused keys, the pacing grid, the bulk imports' budget, snapshots) and the few reads and
//! writes the logic needs of them. The logic (`store`: a cycle, the lease, settling, the refusal
//! of a key, inspection, moves, the bulk budget, snapshots) is written once against these traits;
//! each backend (`sqlite`, `mysql`) implements them inside the transaction it opened.

use super::hold::Hold;
use super::item::{FailedItem, Failure, Item, NewItem, Scope};
use crate::endpoint::Endpoint;

/// A backend's error, kept whole for the message: the outbox error names the file or server.
pub(crate) type Fault = Box<dyn std::error::Error + Send + Sync>;
pub(crate) type Fallible<T> = std::result::Result<T, Fault>;

pub(crate) struct Lease {
    pub(crate) holder: String,
    pub(crate) expires: u64,
    pub(crate) key_fp: String,
    /// When the holder last wrote that it lives, where the backend keeps it (a server shared by
    /// several machines: their processes cannot be looked up in each other's /proc).
    pub(crate) heartbeat: Option<u64>,
}

/// A refused key's row (times in ms); `store::refusal` says how it changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Refusal {
    /// When Mindbox last refused it.
    pub(crate) refused_at: u64,
    /// The wait from a refusal (or a probe) to the next probe.
    pub(crate) interval_ms: u64,
    /// When the last probe went; 0 when none has since the last refusal.
    pub(crate) probed_at: u64,
    /// When the next probe is due.
    pub(crate) probe_at: u64,
}

/// An item that may be claimed: due, unclaimed, first of its ordering key.
pub(crate) struct Candidate {
    pub(crate) id: i64,
    pub(crate) operation: String,
    pub(crate) endpoint: Endpoint,
}

/// A pending item with all that enqueues it again in another outbox, as `send()` wrote it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Movable {
    pub(crate) id: i64,
    pub(crate) scope: Scope,
    pub(crate) operation: String,
    pub(crate) endpoint: Endpoint,
    pub(crate) body: Vec<u8>,
    pub(crate) transaction_id: String,
    pub(crate) device_uuid: Option<String>,
    pub(crate) customer_ip: Option<String>,
    pub(crate) ordering_key: Option<String>,
    pub(crate) created_at: u64,
    pub(crate) attempts: u32,
    /// A delayed item keeps its time in the other outbox.
    pub(crate) not_before: u64,
    pub(crate) hold: Option<Hold>,
}

/// A row that cannot be read as an item (a hand edit, a bad restore), and which column is wrong.
pub(crate) struct Malformed {
    pub(crate) id: i64,
    pub(crate) why: String,
}

/// Counts for `outboxStats()`.
pub(crate) struct Counts {
    pub(crate) pending: i64,
    pub(crate) failed: i64,
    /// When the longest-waiting pending item could first go: a delayed one waits from its time.
    pub(crate) oldest_pending_at: Option<u64>,
}

/// The bulk imports' budget of an endpoint, under a name of its own (`store::bulk` says what the
/// rows mean and how they change). Times in ms.
pub(crate) trait BulkRows {
    /// The budget's row, locked until the transaction ends where the backend locks rows: when
    /// imports may go again after a 429 (0 or past: now), or `None` before the endpoint's first.
    fn bulk_budget(&mut self, name: &str) -> Fallible<Option<u64>>;
    /// Makes the budget's row, unless another process just did.
    fn bulk_create(&mut self, name: &str) -> Fallible<()>;
    /// Nothing goes before `until`; a later time already there stays.
    fn bulk_block(&mut self, name: &str, until: u64) -> Fallible<()>;
    /// The slots taken at or after `since`: how many, and when the oldest of them was.
    fn bulk_slots(&mut self, name: &str, since: u64) -> Fallible<(u32, Option<u64>)>;
    /// Takes a slot for an import of `transaction_id` at `at`: its id.
    fn bulk_take(&mut self, name: &str, transaction_id: &str, at: u64) -> Fallible<i64>;
    fn bulk_give_back(&mut self, slot: i64) -> Fallible<()>;
    /// Forgets the slots taken before `slots_before`, and the failed attempts of transactionIds
    /// not tried since `attempts_before`.
    fn bulk_forget(&mut self, name: &str, slots_before: u64, attempts_before: u64) -> Fallible<()>;
    /// Counts one more attempt of `transaction_id` that Mindbox did not answer: how many there
    /// have been.
    fn bulk_failed(&mut self, name: &str, transaction_id: &str, now: u64) -> Fallible<u32>;
    /// Mindbox answered `transaction_id`: its failed attempts are forgotten.
    fn bulk_answered(&mut self, name: &str, transaction_id: &str) -> Fallible<()>;
}

/// A snapshot's row (`outbox::snapshot` says what it is). Times in ms.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SnapshotRow {
    pub(crate) key: String,
    /// The caller's JSON.
    pub(crate) value: Vec<u8>,
    pub(crate) saved_at: u64,
    /// The item that carried it, as it was written; none for a snapshot saved alone.
    pub(crate) item_id: Option<i64>,
    pub(crate) transaction_id: Option<String>,
}

/// Snapshots of an endpoint, by key (`store::snapshots` says how they are used).
pub(crate) trait SnapshotRows {
    /// Adds an item as `send()` writes it: its id. Here, because an item that carries a snapshot
    /// is written with it in one transaction.
    fn insert_item(&mut self, scope: &Scope, item: &NewItem<'_>, now: u64) -> Fallible<i64>;
    fn snapshot(&mut self, scope: &Scope, key: &str) -> Fallible<Option<SnapshotRow>>;
    /// Writes a snapshot over the key's; with `keep_later`, one saved later that is already there
    /// stays.
    fn put_snapshot(&mut self, scope: &Scope, row: &SnapshotRow, keep_later: bool) -> Fallible<()>;
    /// Removes the key's snapshot; with `saved_at`, only if it is still the one saved then.
    /// Whether there was one.
    fn forget_snapshot(
        &mut self,
        scope: &Scope,
        key: &str,
        saved_at: Option<u64>,
    ) -> Fallible<bool>;
    /// The endpoint's item of `transaction_id`, the one not parked first: its id, and whether it
    /// is parked. `None` once it is gone.
    fn carrier(&mut self, scope: &Scope, transaction_id: &str) -> Fallible<Option<(i64, bool)>>;
    /// The first `limit` snapshots of every endpoint, in key order.
    fn snapshot_page(&mut self, limit: usize) -> Fallible<Vec<(Scope, SnapshotRow)>>;
}

pub(crate) trait Rows: BulkRows + SnapshotRows {
    fn lease(&mut self, scope: &Scope) -> Fallible<Option<Lease>>;
    /// Takes or renews the lease; `now` is the holder's heartbeat.
    fn put_lease(
        &mut self,
        scope: &Scope,
        holder: &str,
        expires: u64,
        key_fp: &str,
        now: u64,
    ) -> Fallible<()>;
    /// The refusal of a key, if Mindbox refused it for the endpoint.
    fn refusal(&mut self, scope: &Scope, key_fp: &str) -> Fallible<Option<Refusal>>;
    /// Writes a key's refusal, or (`None`) takes it away.
    fn put_refusal(
        &mut self,
        scope: &Scope,
        key_fp: &str,
        refusal: Option<&Refusal>,
    ) -> Fallible<()>;
    fn key_refused(&mut self, scope: &Scope, key_fp: &str) -> Fallible<bool> {
        Ok(self.refusal(scope, key_fp)?.is_some())
    }
    /// Pending items of the endpoint waiting past `now` become due now, except delayed items
    /// whose time has not come; with `refused_only`, only those that waited for a key Mindbox
    /// takes.
    fn make_due(&mut self, scope: &Scope, now: u64, refused_only: bool) -> Fallible<()>;
    /// Due, unclaimed items, each the first pending of its ordering key, oldest due first.
    fn candidates(&mut self, scope: &Scope, now: u64, limit: usize) -> Fallible<Vec<Candidate>>;
    /// The next free slot (µs) of a pacing key.
    fn pacing(&mut self, key: &str) -> Fallible<Option<u64>>;
    /// Sets a pacing key's next slot; with `keep_later`, a later slot already there stays.
    fn set_pacing(&mut self, key: &str, next_us: u64, keep_later: bool) -> Fallible<()>;
    /// Claims an item for `holder` until `expires`: the item, or why its row cannot be read.
    fn claim(
        &mut self,
        id: i64,
        holder: &str,
        expires: u64,
    ) -> Fallible<std::result::Result<Item, String>>;
    /// Holders of unexpired claims of the endpoint.
    fn claimers(&mut self, scope: &Scope, now: u64) -> Fallible<Vec<String>>;
    fn release_claims_of(&mut self, holder: &str) -> Fallible<()>;
    /// The earliest retry after `now` and the earliest claim expiry after `now`.
    fn next_times(&mut self, scope: &Scope, now: u64) -> Fallible<(Option<u64>, Option<u64>)>;
    fn any_pending(&mut self, scope: &Scope) -> Fallible<bool>;
    fn delete(&mut self, id: i64) -> Fallible<()>;
    /// Writes an attempt's outcome: status, attempts, when next, why; the claim ends.
    fn record(
        &mut self,
        id: i64,
        status: &str,
        attempts: u32,
        next_attempt_at: u64,
        failure: &Failure,
        now: u64,
    ) -> Fallible<()>;
    /// Ends an item's claim without an attempt.
    fn release(&mut self, id: i64) -> Fallible<()>;
    fn counts(&mut self, scope: &Scope) -> Fallible<Counts>;
    fn last_error(&mut self, scope: &Scope) -> Fallible<Option<String>>;
    /// Parked items after `after_id`, at most `limit`.
    fn failed_page(
        &mut self,
        scope: &Scope,
        limit: u32,
        after_id: i64,
    ) -> Fallible<Vec<FailedItem>>;
    /// Parked items back to pending; `None` for all of the endpoint's.
    fn retry(&mut self, scope: &Scope, ids: Option<&[i64]>, now: u64) -> Fallible<usize>;
    /// Every endpoint the outbox holds items of.
    fn scopes(&mut self) -> Fallible<Vec<Scope>>;
    /// Pending items of every endpoint after `after_id`, at most `limit`, in id order.
    fn pending_page(
        &mut self,
        after_id: i64,
        limit: usize,
    ) -> Fallible<Vec<std::result::Result<Movable, Malformed>>>;
    /// Adds an item brought from another outbox, due at `now` (a delayed one when its time
    /// comes), with a new id above every other.
    fn insert_moved(&mut self, item: &Movable, now: u64) -> Fallible<()>;
}
