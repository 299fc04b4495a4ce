//! `MindboxCsvWriter`: a bulk import's CSV parts (`mindbox_core::CsvWriter`) for PHP. The rows
//! are read where they lie, as the feed's offers are (feed/input.rs); the core makes every
//! decision.

use super::client::constructed_already;
use super::convert;
use super::exceptions::to_php;
use super::feed::input::{self, PhpInput};
use ext_php_rs::boxed::ZBox;
use ext_php_rs::flags::ClassFlags;
use ext_php_rs::prelude::*;
use ext_php_rs::types::ZendHashTable;
use mindbox_core::{CsvCheckpoint, CsvPart, CsvWriter, Error};

#[php_class]
#[php(name = "MindboxCsvWriter")]
#[php(flags = ClassFlags::Final)]
pub struct MindboxCsvWriter {
    writer: CsvWriter,
}

#[php_impl]
impl MindboxCsvWriter {
    pub fn __construct(
        directory: String,
        prefix: String,
        columns: &ZendHashTable,
        options: Option<&ZendHashTable>,
    ) -> PhpResult<Self> {
        if constructed_already::<MindboxCsvWriter>() {
            return Err(to_php(Error::invalid(
                "directory",
                "this MindboxCsvWriter is already constructed; create a new one for other parts",
            )));
        }
        let writer = input::read(columns, "columns", |columns| match options {
            Some(options) => input::read(options, "options", |options| {
                CsvWriter::open(&directory, &prefix, columns, Some(options))
            })
            .and_then(|opened| opened),
            None => CsvWriter::open(&directory, &prefix, columns, None::<PhpInput<'_>>),
        })
        .and_then(|opened| opened)
        .map_err(to_php)?;
        Ok(MindboxCsvWriter { writer })
    }

    pub fn write(&mut self, rows: &ZendHashTable) -> PhpResult<ZBox<ZendHashTable>> {
        // Read where they lie, with no look for objects first (input::read): a row's values are
        // scalars, and an object among them is refused, not converted.
        let sealed = self
            .writer
            .write(PhpInput::Argument(rows))
            .map_err(to_php)?;
        let mut list = ZendHashTable::new();
        if let Some(part) = sealed {
            list.push(part_array(part))?;
        }
        Ok(list)
    }

    pub fn finish(&mut self) -> PhpResult<Option<ZBox<ZendHashTable>>> {
        Ok(self.writer.finish().map_err(to_php)?.map(part_array))
    }

    pub fn checkpoint(&mut self) -> PhpResult<Option<ZBox<ZendHashTable>>> {
        let at = self.writer.checkpoint().map_err(to_php)?;
        Ok(at.map(checkpoint_array))
    }

    pub fn abort(&mut self) {
        self.writer.abort();
    }
}

fn part_array(part: CsvPart) -> ZBox<ZendHashTable> {
    convert::to_array(&serde_json::json!({
        "part": part.part,
        "path": part.path,
        "rows": part.rows,
        "bytes": part.bytes,
        "transactionId": part.transaction_id,
    }))
}

/// What the constructor's `resume` option takes back.
fn checkpoint_array(at: CsvCheckpoint) -> ZBox<ZendHashTable> {
    convert::to_array(&serde_json::json!({
        "part": at.part,
        "rows": at.rows,
        "bytes": at.bytes,
        "gzip": at.gzip,
        "crc": at.crc,
        "plainBytes": at.plain_bytes,
    }))
}
