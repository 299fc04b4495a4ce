//! History imports by Mindbox's bulk CSV (issue 19): the parts' writer (`csv`), and their
//! sending (`send`).

pub(crate) mod csv;
pub(crate) mod send;

pub use csv::{CsvCheckpoint, CsvPart, CsvWriter};
pub use send::{BulkOptions, BulkOutcome, Deferral};
