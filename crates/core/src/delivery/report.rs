//! What delivery did: counts a flush reports.

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Report {
    pub sent: u64,
    pub retrying: u64,
    pub failed: u64,
}

impl Report {
    pub(crate) fn add(&mut self, other: Report) {
        self.sent += other.sent;
        self.retrying += other.retrying;
        self.failed += other.failed;
    }

    pub(crate) fn since(self, start: Report) -> Report {
        Report {
            sent: self.sent - start.sent,
            retrying: self.retrying - start.retrying,
            failed: self.failed - start.failed,
        }
    }
}
