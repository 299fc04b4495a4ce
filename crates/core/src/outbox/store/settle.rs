//! What becomes of an attempt, written with the deliverer's next cycle.

use crate::outbox::item::Failure;
use crate::outbox::rows::{Fallible, Rows};

/// What became of an attempt.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Settle {
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

/// A row that cannot be read must not stop delivery of all the others: it is parked with the
/// reason, for the admin to see, and never sent.
pub(super) fn park_malformed(rows: &mut dyn Rows, id: i64, wrong: &str, now: u64) -> Fallible<()> {
    let failure = Failure {
        message: format!("malformed outbox row, not sent: {wrong}"),
        ..Failure::default()
    };
    settle(
        rows,
        &Settle::Park {
            id,
            attempts: 0,
            failure,
        },
        now,
    )
}
