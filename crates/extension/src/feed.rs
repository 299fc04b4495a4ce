//! `MindboxFeedWriter`: the product feed's writer (`mindbox_core::FeedWriter`) for PHP. The core
//! reads the arrays where they lie (input.rs) and makes every decision.

pub(crate) mod input;

use super::client::constructed_already;
use super::convert;
use super::exceptions::to_php;
use ext_php_rs::boxed::ZBox;
use ext_php_rs::flags::ClassFlags;
use ext_php_rs::prelude::*;
use ext_php_rs::types::ZendHashTable;
use input::PhpInput;
use mindbox_core::{Error, FeedWriter};
use serde_json::{Map, Value};

#[php_class]
#[php(name = "MindboxFeedWriter")]
#[php(flags = ClassFlags::Final)]
pub struct MindboxFeedWriter {
    writer: FeedWriter,
}

#[php_impl]
impl MindboxFeedWriter {
    pub fn __construct(path: String, options: Option<&ZendHashTable>) -> PhpResult<Self> {
        if constructed_already::<MindboxFeedWriter>() {
            return Err(to_php(Error::invalid(
                "path",
                "this MindboxFeedWriter is already constructed; create a new one for another feed",
            )));
        }
        let writer = match options {
            Some(options) => input::read(options, "options", |options| {
                FeedWriter::open_with(&path, Some(options))
            })
            .and_then(|opened| opened),
            None => FeedWriter::open_with(&path, None::<PhpInput<'_>>),
        };
        Ok(MindboxFeedWriter {
            writer: writer.map_err(to_php)?,
        })
    }

    pub fn shop(&mut self, shop: &ZendHashTable) -> PhpResult<()> {
        self.write(shop, "shop", |writer, shop| writer.shop(shop))
    }

    pub fn currencies(&mut self, currencies: &ZendHashTable) -> PhpResult<()> {
        self.write(currencies, "currencies", |writer, list| {
            writer.currencies(list)
        })
    }

    pub fn categories(&mut self, categories: &ZendHashTable) -> PhpResult<()> {
        self.write(categories, "categories", |writer, list| {
            writer.categories(list)
        })
    }

    pub fn offers(&mut self, offers: &ZendHashTable) -> PhpResult<()> {
        self.write(offers, "offers", |writer, batch| writer.offers(batch))
    }

    pub fn finish(&mut self) -> PhpResult<ZBox<ZendHashTable>> {
        let summary = self.writer.finish().map_err(to_php)?;
        let skipped: Map<String, Value> = summary
            .skipped
            .iter()
            .map(|(reason, count)| (reason.to_string(), Value::from(*count)))
            .collect();
        Ok(convert::to_array(&serde_json::json!({
            "path": summary.path,
            "offers": summary.offers,
            "categories": summary.categories,
            "skipped": skipped,
            "descriptionsCut": summary.descriptions_cut,
            "bytes": summary.bytes,
            "seconds": summary.seconds,
        })))
    }

    pub fn abort(&mut self) {
        self.writer.abort();
    }
}

impl MindboxFeedWriter {
    /// An argument that cannot be converted fails the feed like any other bad input: the writer
    /// closes and its file is removed.
    fn write(
        &mut self,
        table: &ZendHashTable,
        path: &str,
        call: impl FnOnce(&mut FeedWriter, PhpInput<'_>) -> Result<(), Error>,
    ) -> PhpResult<()> {
        let writer = &mut self.writer;
        let written = input::read(table, path, |input| call(writer, input)).and_then(|r| r);
        if written.is_err() {
            self.writer.abort();
        }
        written.map_err(to_php)
    }
}
