//! What the emulator remembers of bulk imports: the project's configuration, the hourly
//! window, the tasks and the customers and orders imported. Whether a `transactionId` was
//! already imported is the processed transactions' business (`State::is_processed`), shared
//! with the other calls and kept across restarts with `--state-file` as theirs are.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::bulk::{Config, Customers, Orders, Parsed, Slot, Staged, Status, Task, Window};

#[derive(Debug, Default)]
pub struct Bulk {
    pub config: Config,
    window: Window,
    tasks: Vec<Task>,
    pub customers: Customers,
    pub orders: Orders,
    /// Added to the system clock, so that a test can move the hourly window on without
    /// waiting (`POST /__emulator/bulk/clock`).
    offset_ms: u64,
}

impl Bulk {
    fn now_ms(&self) -> u64 {
        let since_epoch = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        u64::try_from(since_epoch)
            .unwrap_or(u64::MAX)
            .saturating_add(self.offset_ms)
    }

    /// Moves the clock on; returns how far it is ahead of the system's, in seconds.
    pub fn advance(&mut self, seconds: u64) -> u64 {
        self.offset_ms = self.offset_ms.saturating_add(seconds.saturating_mul(1000));
        self.offset_ms / 1000
    }

    /// A slot of the hourly window, or the seconds until one frees.
    pub fn take_slot(&mut self) -> Result<Slot, u64> {
        let now = self.now_ms();
        self.window.take(now, self.config.per_hour)
    }

    pub fn give_back(&mut self, slot: Slot) {
        self.window.give_back(slot);
    }

    /// Records the task of an import whose body was read, and imports its accepted rows
    /// unless the file failed whole.
    pub fn complete(
        &mut self,
        transaction_id: String,
        operation: String,
        bytes: u64,
        gzip: bool,
        parsed: Parsed,
    ) {
        if parsed.report.status == Status::Done {
            match parsed.staged {
                Staged::Customers(rows) => self.customers.import(rows),
                Staged::Orders(rows) => self.orders.import(rows),
            }
        }
        self.tasks.push(Task {
            transaction_id,
            operation,
            bytes,
            gzip,
            report: parsed.report,
        });
    }

    pub fn tasks(&self) -> &[Task] {
        &self.tasks
    }

    pub fn reset(&mut self) {
        *self = Bulk::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bulk::{Asked, check, read};

    fn parsed(csv: &str) -> Parsed {
        let asked = Asked {
            operation: Some("DirectCrm.Customers.Import"),
            transaction_id: Some("t"),
            code_page: Some("65001"),
            content_type: Some("text/csv"),
            ..Asked::default()
        };
        let config = Config::default();
        let import = check(&asked, &config).unwrap();
        read(csv.as_bytes(), import.kind, import.dialect, &config).unwrap()
    }

    #[test]
    fn a_failed_file_leaves_a_task_and_imports_nothing() {
        let mut bulk = Bulk::default();
        bulk.complete(
            "t1".into(),
            "op".into(),
            10,
            false,
            parsed("websiteID\n1\n"),
        );
        bulk.complete("t2".into(), "op".into(), 10, false, parsed("Nope\n1\n"));
        assert_eq!(bulk.customers.list().len(), 1);
        let statuses: Vec<Status> = bulk.tasks().iter().map(|t| t.report.status).collect();
        assert_eq!(statuses, [Status::Done, Status::Failed]);
        assert!(bulk.tasks()[1].report.errors[0].message.contains("'Nope'"));
        bulk.reset();
        assert!(bulk.tasks().is_empty() && bulk.customers.list().is_empty());
    }

    #[test]
    fn the_clock_moves_the_window_on() {
        let mut bulk = Bulk {
            config: Config {
                per_hour: 1,
                ..Config::default()
            },
            ..Bulk::default()
        };
        assert!(bulk.take_slot().is_ok());
        let wait = bulk.take_slot().unwrap_err();
        assert!((3599..=3600).contains(&wait), "{wait}");
        assert_eq!(bulk.advance(3600), 3600);
        assert!(bulk.take_slot().is_ok());
    }
}
