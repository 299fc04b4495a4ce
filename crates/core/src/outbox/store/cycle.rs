//! One cycle of a deliverer, as the outbox takes it and answers it: what the deliverer brings
//! (answers to settle, what Mindbox said of its key, how many items it can take) and what it gets
//! back (the items claimed, and when to come again).

use super::settle::Settle;
use crate::outbox::item::{Item, Scope};

/// What Mindbox said of a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyVerdict {
    /// 401 or 403; a first refusal waits `first_probe_ms` for its probe.
    Refused { first_probe_ms: u64 },
    /// An answer that took the key.
    Taken,
}

pub(crate) struct Cycle<'a> {
    pub(crate) scope: &'a Scope,
    pub(crate) holder: &'a str,
    pub(crate) lease_ms: u64,
    /// The spacing of one operation's sends (µs; 0: no limit).
    pub(crate) pace_us: u64,
    pub(crate) now: u64,
    /// How many items the deliverer can take now; 0 settles only.
    pub(crate) want: usize,
    pub(crate) settle: &'a [Settle],
    /// Mindbox is back after an outage: items waiting out their backoff become due now.
    pub(crate) release_backoff: bool,
    /// The fingerprint of the key this holder sends with.
    pub(crate) key_fp: &'a str,
    /// What Mindbox said of that key since the last cycle: refused (401, 403), or taken again.
    pub(crate) key_refused: Option<KeyVerdict>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Claimed {
    pub(crate) item: Item,
    /// When the rate limit lets it go (µs since the epoch).
    pub(crate) send_at_us: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Next {
    /// More items could be claimed at once: a backlog.
    More,
    /// Nothing more may be sent before this time (ms): backoff, pacing, a claim to expire.
    At(u64),
    /// Another process delivers for this endpoint; its lease runs out at this time (ms).
    NotHolder(u64),
    /// No pending item at all.
    Idle,
    /// Mindbox refused this holder's key: nothing goes before its next probe, at this time (ms).
    Refused(u64),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Cycled {
    pub(crate) claimed: Vec<Claimed>,
    pub(crate) next: Next,
}
