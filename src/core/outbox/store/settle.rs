//! What becomes of an attempt, written with the deliverer's next cycle.

use super::{Failure, exec};
use rusqlite::{Connection, params};

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

pub(super) fn settle(tx: &Connection, s: &Settle, now: u64) -> rusqlite::Result<()> {
    match s {
        Settle::Done(id) => exec(tx, "DELETE FROM items WHERE id = ?1", [id]).map(drop),
        Settle::Retry {
            id,
            attempts,
            at,
            failure,
            hold,
        } => {
            record(tx, *id, "pending", *attempts, *at, failure, now)?;
            if let Some((key, until)) = hold {
                exec(
                    tx,
                    "INSERT INTO pacing (key, next_slot_us) VALUES (?1, ?2)
                     ON CONFLICT (key) DO UPDATE SET next_slot_us = max(next_slot_us, excluded.next_slot_us)",
                    params![key, (until * 1000) as i64],
                )?;
            }
            Ok(())
        }
        Settle::Park {
            id,
            attempts,
            failure,
        } => record(tx, *id, "failed", *attempts, now, failure, now),
        Settle::Release(id) => exec(
            tx,
            "UPDATE items SET claimed_by = NULL, claim_expires_at = NULL WHERE id = ?1",
            [id],
        )
        .map(drop),
    }
}

fn record(
    conn: &Connection,
    id: i64,
    status: &str,
    attempts: u32,
    next_attempt_at: u64,
    f: &Failure,
    now: u64,
) -> rusqlite::Result<()> {
    exec(
        conn,
        "UPDATE items SET status = ?2, attempts = ?3, next_attempt_at = ?4, claimed_by = NULL,
             claim_expires_at = NULL, http_status = ?5, mindbox_status = ?6, error_id = ?7,
             last_error = ?8, updated_at = ?9
         WHERE id = ?1",
        params![
            id,
            status,
            attempts,
            next_attempt_at as i64,
            f.http_status,
            f.mindbox_status,
            f.error_id,
            f.message,
            now as i64
        ],
    )
    .map(drop)
}
