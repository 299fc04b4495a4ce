//! The bulk imports' budget in MySQL. Inside a writing transaction the budget's row is read
//! `FOR UPDATE`: it serialises the reservations of every node, as `BEGIN IMMEDIATE` does on
//! SQLite, and the slots are read locking too, so that each sees what the one before committed.

use super::rows::MysqlRows;
use super::schema::ms;
use crate::outbox::rows::{BulkRows, Fallible};
use mysql::prelude::Queryable;

impl<Q: Queryable> MysqlRows<'_, Q> {
    fn lock_clause(&self) -> &'static str {
        if self.locking { " FOR UPDATE" } else { "" }
    }
}

impl<Q: Queryable> BulkRows for MysqlRows<'_, Q> {
    fn bulk_budget(&mut self, name: &str) -> Fallible<Option<u64>> {
        let sql = format!(
            "SELECT blocked_until FROM {} WHERE name = ?{}",
            self.tables.bulk_budget,
            self.lock_clause()
        );
        let blocked: Option<i64> = self.q.exec_first(sql, (name,))?;
        Ok(blocked.map(|t| t.max(0) as u64))
    }

    fn bulk_create(&mut self, name: &str) -> Fallible<()> {
        // Only when missing, in a transaction of its own: two nodes inserting into a gap they
        // both locked would deadlock.
        self.q.exec_drop(
            format!(
                "INSERT IGNORE INTO {} (name, blocked_until) VALUES (?, 0)",
                self.tables.bulk_budget
            ),
            (name,),
        )?;
        Ok(())
    }

    fn bulk_block(&mut self, name: &str, until: u64) -> Fallible<()> {
        self.q.exec_drop(
            format!(
                "UPDATE {} SET blocked_until = GREATEST(blocked_until, ?) WHERE name = ?",
                self.tables.bulk_budget
            ),
            (ms(until), name),
        )?;
        Ok(())
    }

    fn bulk_slots(&mut self, name: &str, since: u64) -> Fallible<(u32, Option<u64>)> {
        let sql = format!(
            "SELECT COUNT(*), MIN(taken_at) FROM {} WHERE name = ? AND taken_at >= ?{}",
            self.tables.bulk_slots,
            self.lock_clause()
        );
        let row: Option<(i64, Option<i64>)> = self.q.exec_first(sql, (name, ms(since)))?;
        let (count, oldest) = row.unwrap_or((0, None));
        Ok((count.max(0) as u32, oldest.map(|t| t.max(0) as u64)))
    }

    fn bulk_take(&mut self, name: &str, transaction_id: &str, at: u64) -> Fallible<i64> {
        let inserted = self.q.exec_iter(
            format!(
                "INSERT INTO {} (name, taken_at, transaction_id) VALUES (?, ?, ?)",
                self.tables.bulk_slots
            ),
            (name, ms(at), transaction_id),
        )?;
        let id = inserted
            .last_insert_id()
            .ok_or("the server gave the new slot no id")?;
        Ok(id as i64)
    }

    fn bulk_give_back(&mut self, slot: i64) -> Fallible<()> {
        self.q.exec_drop(
            format!("DELETE FROM {} WHERE id = ?", self.tables.bulk_slots),
            (slot,),
        )?;
        Ok(())
    }

    fn bulk_forget(&mut self, name: &str, slots_before: u64, attempts_before: u64) -> Fallible<()> {
        self.q.exec_drop(
            format!(
                "DELETE FROM {} WHERE name = ? AND taken_at < ?",
                self.tables.bulk_slots
            ),
            (name, ms(slots_before)),
        )?;
        self.q.exec_drop(
            format!(
                "DELETE FROM {} WHERE name = ? AND updated_at < ?",
                self.tables.bulk_attempts
            ),
            (name, ms(attempts_before)),
        )?;
        Ok(())
    }

    fn bulk_failed(&mut self, name: &str, transaction_id: &str, now: u64) -> Fallible<u32> {
        self.q.exec_drop(
            format!(
                "INSERT INTO {} (name, transaction_id, failures, updated_at) VALUES (?, ?, 1, ?)
                 ON DUPLICATE KEY UPDATE failures = failures + 1, updated_at = VALUES(updated_at)",
                self.tables.bulk_attempts
            ),
            (name, transaction_id, ms(now)),
        )?;
        let failures: Option<i64> = self.q.exec_first(
            format!(
                "SELECT failures FROM {} WHERE name = ? AND transaction_id = ?",
                self.tables.bulk_attempts
            ),
            (name, transaction_id),
        )?;
        Ok(failures.unwrap_or(1).max(1) as u32)
    }

    fn bulk_answered(&mut self, name: &str, transaction_id: &str) -> Fallible<()> {
        self.q.exec_drop(
            format!(
                "DELETE FROM {} WHERE name = ? AND transaction_id = ?",
                self.tables.bulk_attempts
            ),
            (name, transaction_id),
        )?;
        Ok(())
    }
}
