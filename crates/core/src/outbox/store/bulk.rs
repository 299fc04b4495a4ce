//! The bulk imports' hourly budget of an endpoint, kept in the outbox so that every process and
//! node sharing it stays under Mindbox's limit together (at most so many import tasks an hour,
//! 429 beyond).
//!
//! - A slot is taken, in the transaction that counts the others, before each request: a rolling
//!   hour holds at most `limit` of them. A repeat of a transactionId takes one too (Mindbox may
//!   make a task of it). The slot goes back only when Mindbox answered 429, which made no task.
//! - A 429 blocks the endpoint's imports, for every process, until Mindbox's `Retry-After`;
//!   without one, until the oldest slot of the hour frees, and never less than a minute.
//! - Attempts of a transactionId that Mindbox did not answer are counted for the caller's
//!   backoff, and forgotten once it answers (or after a month without one).

use super::backend::Store;
use crate::error::{Error, Result};
use crate::outbox::item::Scope;
use crate::outbox::rows::{Fallible, Rows};

const HOUR_MS: u64 = 3_600_000;
/// The shortest block after a 429 without `Retry-After`.
const MIN_BLOCK_MS: u64 = 60_000;
/// How long failed attempts of a transactionId nobody tries again are kept.
const ATTEMPTS_KEPT_MS: u64 = 30 * 24 * HOUR_MS;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reservation {
    /// The slot taken for this import, to give back if Mindbox makes no task of it.
    Taken(i64),
    /// Every slot of the hour is taken; the oldest frees at `until`.
    Spent { until: u64 },
    /// Mindbox answered 429 lately: nothing goes before `until`.
    Blocked { until: u64 },
}

/// The budget's rows of an endpoint.
fn name(scope: &Scope) -> String {
    format!("bulk:{}@{}", scope.endpoint_id, scope.base_url)
}

/// Slots taken after this are in the hour of `now`.
fn hour_start(now: u64) -> u64 {
    now.saturating_sub(HOUR_MS - 1)
}

impl Store {
    /// Takes a slot of the hour of `now` for an import of `transaction_id`, unless a 429 blocks
    /// imports or `limit` slots are taken already.
    pub(crate) fn bulk_reserve(
        &mut self,
        scope: &Scope,
        transaction_id: &str,
        limit: u32,
        now: u64,
    ) -> Result<Reservation> {
        let name = name(scope);
        let reserve = |store: &mut Store| {
            store.write(|rows| {
                let Some(blocked) = rows.bulk_budget(&name)? else {
                    return Ok(None);
                };
                if blocked > now {
                    return Ok(Some(Reservation::Blocked { until: blocked }));
                }
                rows.bulk_forget(&name, hour_start(now), now.saturating_sub(ATTEMPTS_KEPT_MS))?;
                let (taken, oldest) = rows.bulk_slots(&name, hour_start(now))?;
                if taken >= limit {
                    let until = oldest.unwrap_or(now) + HOUR_MS;
                    return Ok(Some(Reservation::Spent { until }));
                }
                Ok(Some(Reservation::Taken(rows.bulk_take(
                    &name,
                    transaction_id,
                    now,
                )?)))
            })
        };
        if let Some(reservation) = reserve(self)? {
            return Ok(reservation);
        }
        // The endpoint's first import: its row, to lock from now on, is made apart.
        self.write(|rows| rows.bulk_create(&name))?;
        reserve(self)?.ok_or_else(|| {
            Error::outbox(
                "",
                "the bulk budget's row vanished as it was made: try again",
            )
        })
    }

    /// Mindbox answered 429 at `now` and made no task: the slot goes back, and every process
    /// waits until the returned time.
    pub(crate) fn bulk_too_many(
        &mut self,
        scope: &Scope,
        slot: i64,
        retry_after_ms: Option<u64>,
        now: u64,
    ) -> Result<u64> {
        let name = name(scope);
        self.write(|rows| {
            // Locked first, as a reservation locks it.
            let blocked = rows.bulk_budget(&name)?.unwrap_or(0);
            rows.bulk_give_back(slot)?;
            let until = match retry_after_ms {
                Some(wait) => now.saturating_add(wait),
                None => {
                    let (_, oldest) = rows.bulk_slots(&name, hour_start(now))?;
                    let freed = oldest.map_or(0, |t| t + HOUR_MS);
                    freed.max(now + MIN_BLOCK_MS)
                }
            }
            // Another import's 429 may have blocked imports for longer.
            .max(blocked);
            rows.bulk_block(&name, until)?;
            Ok(until)
        })
    }

    /// An attempt of `transaction_id` that Mindbox did not answer: how many there have been.
    pub(crate) fn bulk_failed(
        &mut self,
        scope: &Scope,
        transaction_id: &str,
        now: u64,
    ) -> Result<u32> {
        let name = name(scope);
        self.write(|rows| rows.bulk_failed(&name, transaction_id, now))
    }

    /// Mindbox answered `transaction_id`, whatever it said but 429.
    pub(crate) fn bulk_answered(&mut self, scope: &Scope, transaction_id: &str) -> Result<()> {
        let name = name(scope);
        self.write(|rows| rows.bulk_answered(&name, transaction_id))
    }
}

/// The slots taken in the hour of `now` and, while it lasts, the block, for `outboxStats()`.
pub(super) fn usage(rows: &mut dyn Rows, scope: &Scope, now: u64) -> Fallible<(u32, Option<u64>)> {
    let name = name(scope);
    let blocked = rows.bulk_budget(&name)?.filter(|&t| t > now);
    let (last_hour, _) = rows.bulk_slots(&name, hour_start(now))?;
    Ok((last_hour, blocked))
}
