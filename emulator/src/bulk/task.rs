//! The task an import request creates, as Mindbox's admin lists it: what came, how many rows
//! were imported and rejected, and why.

use serde::Serialize;

/// Row errors listed in a task; the rest are counted in `rejected`.
pub const LISTED_ERRORS: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Status {
    /// The file was read; its accepted rows are imported.
    Done,
    /// The file as a whole was refused (its header, its encoding): nothing of it is imported.
    Failed,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowError {
    /// The data row's number, 1 for the first after the header; 0 for the file as a whole.
    pub row: u64,
    pub message: String,
}

/// What reading the file made of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Data rows read, the header not counted.
    pub rows: u64,
    pub accepted: u64,
    pub rejected: u64,
    pub status: Status,
    /// The first [`LISTED_ERRORS`].
    pub errors: Vec<RowError>,
}

impl Default for Report {
    fn default() -> Report {
        Report {
            rows: 0,
            accepted: 0,
            rejected: 0,
            status: Status::Done,
            errors: Vec::new(),
        }
    }
}

impl Report {
    pub fn reject(&mut self, row: u64, message: String) {
        self.rejected += 1;
        if self.errors.len() < LISTED_ERRORS {
            self.errors.push(RowError { row, message });
        }
    }

    /// The file refused whole: nothing counts but the reason.
    pub fn failed(message: String) -> Report {
        Report {
            status: Status::Failed,
            errors: vec![RowError { row: 0, message }],
            ..Report::default()
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Task {
    pub transaction_id: String,
    pub operation: String,
    /// The body's bytes as sent (compressed, when gzip).
    pub bytes: u64,
    pub gzip: bool,
    #[serde(flatten)]
    pub report: Report,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_task_as_the_control_api_shows_it() {
        let mut report = Report {
            rows: 2,
            accepted: 1,
            ..Report::default()
        };
        report.reject(2, "no order id".into());
        let task = Task {
            transaction_id: "t".into(),
            operation: "RetailOrder.Import".into(),
            bytes: 10,
            gzip: false,
            report,
        };
        assert_eq!(
            serde_json::to_value(&task).unwrap(),
            json!({
                "transactionId": "t", "operation": "RetailOrder.Import", "bytes": 10,
                "gzip": false, "rows": 2, "accepted": 1, "rejected": 1, "status": "Done",
                "errors": [{"row": 2, "message": "no order id"}],
            })
        );
        let failed = Report::failed("unknown column 'X'".into());
        assert_eq!((failed.status, failed.rows), (Status::Failed, 0));
        let mut many = Report::default();
        for row in 0..=LISTED_ERRORS as u64 {
            many.reject(row, String::new());
        }
        assert_eq!(many.errors.len(), LISTED_ERRORS);
        assert_eq!(many.rejected, LISTED_ERRORS as u64 + 1);
    }
}
