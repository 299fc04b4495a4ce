//! The bulk imports' budget in the outbox file. `BEGIN IMMEDIATE` already serialises every writer
//! of the file, so the budget's row needs no lock of its own.

use super::rows::{Sqlite, exec};
use crate::outbox::rows::{BulkRows, Fallible};
use rusqlite::{OptionalExtension, params};

impl BulkRows for Sqlite<'_> {
    fn bulk_budget(&mut self, name: &str) -> Fallible<Option<u64>> {
        let blocked: Option<i64> = self
            .0
            .prepare_cached("SELECT blocked_until FROM bulk_budget WHERE name = ?1")?
            .query_row([name], |r| r.get(0))
            .optional()?;
        Ok(blocked.map(|t| t.max(0) as u64))
    }

    fn bulk_create(&mut self, name: &str) -> Fallible<()> {
        exec(
            self.0,
            "INSERT OR IGNORE INTO bulk_budget (name, blocked_until) VALUES (?1, 0)",
            [name],
        )?;
        Ok(())
    }

    fn bulk_block(&mut self, name: &str, until: u64) -> Fallible<()> {
        exec(
            self.0,
            "UPDATE bulk_budget SET blocked_until = max(blocked_until, ?2) WHERE name = ?1",
            params![name, until as i64],
        )?;
        Ok(())
    }

    fn bulk_slots(&mut self, name: &str, since: u64) -> Fallible<(u32, Option<u64>)> {
        let (count, oldest): (u32, Option<i64>) = self
            .0
            .prepare_cached(
                "SELECT COUNT(*), MIN(taken_at) FROM bulk_slots WHERE name = ?1 AND taken_at >= ?2",
            )?
            .query_row(params![name, since as i64], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok((count, oldest.map(|t| t.max(0) as u64)))
    }

    fn bulk_take(&mut self, name: &str, transaction_id: &str, at: u64) -> Fallible<i64> {
        exec(
            self.0,
            "INSERT INTO bulk_slots (name, taken_at, transaction_id) VALUES (?1, ?2, ?3)",
            params![name, at as i64, transaction_id],
        )?;
        Ok(self.0.last_insert_rowid())
    }

    fn bulk_give_back(&mut self, slot: i64) -> Fallible<()> {
        exec(self.0, "DELETE FROM bulk_slots WHERE id = ?1", [slot])?;
        Ok(())
    }

    fn bulk_forget(&mut self, name: &str, slots_before: u64, attempts_before: u64) -> Fallible<()> {
        exec(
            self.0,
            "DELETE FROM bulk_slots WHERE name = ?1 AND taken_at < ?2",
            params![name, slots_before as i64],
        )?;
        exec(
            self.0,
            "DELETE FROM bulk_attempts WHERE name = ?1 AND updated_at < ?2",
            params![name, attempts_before as i64],
        )?;
        Ok(())
    }

    fn bulk_failed(&mut self, name: &str, transaction_id: &str, now: u64) -> Fallible<u32> {
        Ok(self
            .0
            .prepare_cached(
                "INSERT INTO bulk_attempts (name, transaction_id, failures, updated_at)
                 VALUES (?1, ?2, 1, ?3)
                 ON CONFLICT (name, transaction_id) DO UPDATE
                     SET failures = failures + 1, updated_at = excluded.updated_at
                 RETURNING failures",
            )?
            .query_row(params![name, transaction_id, now as i64], |r| r.get(0))?)
    }

    fn bulk_answered(&mut self, name: &str, transaction_id: &str) -> Fallible<()> {
        exec(
            self.0,
            "DELETE FROM bulk_attempts WHERE name = ?1 AND transaction_id = ?2",
            params![name, transaction_id],
        )?;
        Ok(())
    }
}
