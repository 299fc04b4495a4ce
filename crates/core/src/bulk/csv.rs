//! The CSV parts of a bulk import (issue 19): rows written in batches that stay together (a page
//! of whole orders), cut into parts under a size and a row count, each part sealed under its
//! own name and a fresh transactionId, so that a part on disk under its name is always whole and
//! a resent part is the same import. UTF-8 without a BOM, CRLF line ends, the header row first
//! in every part. Memory holds one batch, whatever the number of rows.
//!
//! Resuming: a writer opened at part k replaces what a killed run left of part k (the caller
//! records each sealed part, with its transactionId, before it writes on). A part too large for
//! one process's stretch of work (a step of an agent or an admin page) is carried on instead: a
//! checkpoint makes it durable and keeps its file, and a writer opened with that checkpoint goes
//! on from it, so steps fill their parts as one long run would.

mod columns;
mod field;
mod gzip;
mod options;
mod part;
mod rows;

pub use part::{CsvCheckpoint, CsvPart};

use crate::error::{Error, Result};
use crate::feed::FeedInput;
use columns::Columns;
use field::Format;
use options::Options;
use part::{Names, Part, Staged};
use std::path::Path;

pub struct CsvWriter {
    /// None once finished, aborted or failed.
    open: Option<Open>,
}

struct Open {
    names: Names,
    columns: Columns,
    format: Format,
    options: Options,
    header: Vec<u8>,
    part: Part,
    /// The batch being written, its second half (written on another core), and (gzip) the
    /// batch compressed: kept from call to call.
    batch: Vec<u8>,
    spare: Vec<u8>,
    scratch: Vec<u8>,
}

fn closed(call: &str) -> Error {
    Error::invalid(
        call,
        "this CSV writer is closed (finished, aborted, or failed writing its file); open a new one",
    )
}

impl CsvWriter {
    /// Opens part `options.part` (default 1) of `{prefix}-NNNN.csv[.gz]` in `directory`, or
    /// carries on `options.resume`'s; `columns` is `name => kind` or a list of names (the same as
    /// the checkpoint's writer had: its header row is in the part); the options are PHP's
    /// constructor's.
    pub fn open<'a>(
        directory: impl AsRef<Path>,
        prefix: &str,
        columns: impl FeedInput<'a>,
        options: Option<impl FeedInput<'a>>,
    ) -> Result<CsvWriter> {
        let options = Options::read(options)?;
        let columns = Columns::read(columns)?;
        let format = Format::new(options.delimiter, options.qualifier, options.control);
        let header = columns.header(&format)?;
        let names = Names::new(directory.as_ref(), prefix, options.gzip)?;
        let staged = Staged::new(options.gzip, &header, &[], 0)?;
        if staged.size() > options.max_bytes {
            return Err(Error::invalid(
                "options.maxBytes",
                format!(
                    "{} is less than a part's header row takes ({} bytes)",
                    options.max_bytes,
                    staged.size()
                ),
            ));
        }
        let part = match options.resume {
            Some(at) => Part::reopen(&names, at)?,
            None => Part::create(&names, options.part, staged)?,
        };
        Ok(CsvWriter {
            open: Some(Open {
                names,
                columns,
                format,
                options,
                header,
                part,
                batch: Vec::new(),
                spare: Vec::new(),
                scratch: Vec::new(),
            }),
        })
    }

    /// Writes a batch into the current part, or, when it does not fit there, seals that part
    /// and starts the next with it: returns the part sealed. A bad batch is refused whole and
    /// the writer goes on; a file that cannot be written closes it.
    pub fn write<'a>(&mut self, rows: impl FeedInput<'a>) -> Result<Option<CsvPart>> {
        let open = self.open.as_mut().ok_or_else(|| closed("write"))?;
        let count = rows::batch(
            rows,
            &open.columns,
            &open.format,
            &mut open.batch,
            &mut open.spare,
        )?;
        if count == 0 {
            return Ok(None);
        }
        let written = open.add(count);
        if matches!(written, Err(Error::Csv { .. })) {
            self.open = None;
        }
        written
    }

    /// Seals the last part; None when it has no rows (its file is removed). The writer is
    /// closed after, whatever happens.
    pub fn finish(&mut self) -> Result<Option<CsvPart>> {
        let open = self.open.take().ok_or_else(|| closed("finish"))?;
        if open.part.rows() == 0 {
            return Ok(None);
        }
        open.part.seal(&open.names).map(Some)
    }

    /// Makes the open part durable as it stands, for a writer to carry on (`options.resume`);
    /// None while it has no rows. The writer goes on; if it is dropped unsealed, the part's
    /// file stays for the checkpoint.
    pub fn checkpoint(&mut self) -> Result<Option<CsvCheckpoint>> {
        let open = self.open.as_mut().ok_or_else(|| closed("checkpoint"))?;
        if open.part.rows() == 0 {
            return Ok(None);
        }
        let at = open.part.checkpoint(&open.names);
        if at.is_err() {
            self.open = None;
        }
        at.map(Some)
    }

    /// Closes the writer and removes the unsealed part, checkpoint or not. Dropping the writer
    /// does the same unless a checkpoint stands in the part.
    pub fn abort(&mut self) {
        if let Some(open) = self.open.take() {
            open.part.discard();
        }
    }
}

impl Open {
    fn add(&mut self, count: u64) -> Result<Option<CsvPart>> {
        let (max_bytes, max_rows) = (self.options.max_bytes, self.options.max_rows);
        if self.part.rows() > 0
            && self
                .part
                .append(&self.batch, count, (max_bytes, max_rows), &mut self.scratch)?
        {
            return Ok(None);
        }
        // The batch in a part of its own: it must fit there, or no part will hold it.
        let staged = Staged::new(self.options.gzip, &self.header, &self.batch, count)?;
        if count > max_rows || staged.size() > max_bytes {
            let size = if count > max_rows {
                format!("{count} rows")
            } else {
                format!("{} bytes with the header row", staged.size())
            };
            return Err(Error::invalid(
                "rows",
                format!(
                    "the batch alone is too large for a part: {size}, and a part holds at most {max_rows} rows and {max_bytes} bytes{}; write fewer rows at a time",
                    if self.options.gzip { " compressed" } else { "" }
                ),
            ));
        }
        if self.part.rows() == 0 {
            self.part.restart(staged)?;
            return Ok(None);
        }
        let next = Part::create(&self.names, self.part.number() + 1, staged)?;
        std::mem::replace(&mut self.part, next)
            .seal(&self.names)
            .map(Some)
    }
}

#[cfg(test)]
mod checkpoint_tests;
#[cfg(test)]
mod field_tests;
#[cfg(test)]
mod part_tests;
#[cfg(test)]
mod tests;
