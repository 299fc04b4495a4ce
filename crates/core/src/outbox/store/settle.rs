//! What becomes of an attempt, written with the deliverer's next cycle.

use super::Failure;
use super::rows::{Fallible, Rows};

/// What became of an attempt.
#[derive(Debug, Clone, PartialEq)]
pub enum Settle {
    /// Answered: gone from the outbox.
    Done(i64),
    /// Back to pending until `at` (ms); `hold` also keeps the whole operation quiet until then
    /// (a 429 concerns every item of it).
    Retry {
        id: i64,
        attempts: u32,
        at: u64,
        failure: Failure,
        hold: Option<(String, u64)>,
    },
    /// Parked with its reason until someone retries it.
    Park {
        id: i64,
        attempts: u32,
        failure: Failure,
    },
    /// Claimed but not sent (the process stops, or Mindbox went down meanwhile): free again.
    Release(i64),
}

pub(super) fn settle(rows: &mut dyn Rows, s: &Settle, now: u64) -> Fallible<()> {
    match s {
        Settle::Done(id) => rows.delete(*id),
        Settle::Retry {
            id,
            attempts,
            at,
            failure,
            hold,
        } => {
            rows.record(*id, "pending", *attempts, *at, failure, now)?;
            if let Some((key, until)) = hold {
                rows.set_pacing(key, until * 1000, true)?;
            }
            Ok(())
        }
        Settle::Park {
            id,
            attempts,
            failure,
        } => rows.record(*id, "failed", *attempts, now, failure, now),
        Settle::Release(id) => rows.release(*id),
    }
}
