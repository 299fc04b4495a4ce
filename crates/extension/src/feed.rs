//! `MindboxFeedWriter`: the product feed's writer (`mindbox_core::FeedWriter`) for PHP. Arrays
//! become JSON values handed to the core, which makes every decision.

use super::client::constructed_already;
use super::convert;
use super::exceptions::to_php;
use ext_php_rs::boxed::ZBox;
use ext_php_rs::flags::ClassFlags;
use ext_php_rs::prelude::*;
use ext_php_rs::types::ZendHashTable;
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
        let options = match options {
            Some(o) => convert::array_to_json(o, "options").map_err(to_php)?,
            None => Value::Null,
        };
        let writer = FeedWriter::open_with(&path, &options).map_err(to_php)?;
        Ok(MindboxFeedWriter { writer })
    }

    pub fn shop(&mut self, shop: &ZendHashTable) -> PhpResult<()> {
        let shop = self.convert(shop, "shop")?;
        self.writer.shop(&shop).map_err(to_php)
    }

    pub fn currencies(&mut self, currencies: &ZendHashTable) -> PhpResult<()> {
        let currencies = self.convert(currencies, "currencies")?;
        self.writer.currencies(&currencies).map_err(to_php)
    }

    pub fn categories(&mut self, categories: &ZendHashTable) -> PhpResult<()> {
        let categories = self.convert(categories, "categories")?;
        self.writer.categories(&categories).map_err(to_php)
    }

    pub fn offers(&mut self, offers: &ZendHashTable) -> PhpResult<()> {
        let offers = self.convert(offers, "offers")?;
        self.writer.offers(&offers).map_err(to_php)
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
    /// A value that cannot be converted (not UTF-8, say) fails the feed like any other bad
    /// input: the writer closes and its file is removed.
    fn convert(&mut self, table: &ZendHashTable, path: &str) -> PhpResult<Value> {
        convert::array_to_json(table, path).map_err(|e| {
            self.writer.abort();
            to_php(e)
        })
    }
}
