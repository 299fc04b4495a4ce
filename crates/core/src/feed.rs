//! The product feed Mindbox downloads by URL: YML (`yml_catalog` → `shop` → `currencies`,
//! `categories`, `offers`), streamed to a file in constant memory whatever the catalogue's size,
//! and put in place only when it is complete (issue 18; Mindbox's rules in next-wave.md §1.1).
//!
//! The sections come in order, each in as many calls as the caller likes (but the shop, once):
//! `shop`, `currencies`, `categories`, `offers`, then `finish`. Any error closes the writer and
//! removes its file, so a feed with a hole in it is never published; the previous feed stays.

mod batch;
mod drain;
mod fields;
mod file;
mod ids;
mod input;
mod offer;
mod sections;
mod text;
mod xml;

pub(crate) use drain::start_write_back;
pub use input::{FeedInput, FeedKey, FeedValue};

use crate::error::{Error, Result};
use batch::Counts;
use fields::items;
use file::Output;
use ids::OfferIds;
use offer::Known;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Section {
    Opened,
    Shop,
    Currencies,
    Categories,
    Offers,
}

impl Section {
    fn name(self) -> &'static str {
        match self {
            Section::Opened => "open",
            Section::Shop => "shop",
            Section::Currencies => "currencies",
            Section::Categories => "categories",
            Section::Offers => "offers",
        }
    }

    /// The element that holds the section's items (the shop's header has none of its own).
    fn tag(self) -> Option<&'static str> {
        match self {
            Section::Opened | Section::Shop => None,
            Section::Currencies => Some("currencies"),
            Section::Categories => Some("categories"),
            Section::Offers => Some("offers"),
        }
    }

    fn next(self) -> Option<Section> {
        match self {
            Section::Opened => Some(Section::Shop),
            Section::Shop => Some(Section::Currencies),
            Section::Currencies => Some(Section::Categories),
            Section::Categories => Some(Section::Offers),
            Section::Offers => None,
        }
    }
}

/// What `finish` reports.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedSummary {
    pub path: String,
    pub offers: u64,
    pub categories: u64,
    /// Offers left out, by reason (every reason, zero or not): `idTooLong`.
    pub skipped: Vec<(&'static str, u64)>,
    /// Descriptions cut to Mindbox's 10,000 characters.
    pub descriptions_cut: u64,
    /// The file's size, compressed when it is gzip.
    pub bytes: u64,
    pub seconds: f64,
}

pub struct FeedWriter {
    target: PathBuf,
    /// None once finished, aborted or failed.
    open: Option<Open>,
}

struct Open {
    output: Output,
    section: Section,
    currencies: HashSet<String>,
    categories: HashSet<String>,
    offer_ids: OfferIds,
    /// The buffer a large batch's second half is written into.
    spare: Vec<u8>,
    offers: u64,
    id_too_long: u64,
    descriptions_cut: u64,
    started: Instant,
}

fn closed(call: &str) -> Error {
    Error::invalid(
        call,
        "this feed writer is closed (finished, aborted, or failed with an error); open a new one",
    )
}

impl FeedWriter {
    /// Starts a feed that will replace `target` (plain YML, or gzip). Nothing is written to the
    /// target itself before `finish`.
    pub fn open(target: impl AsRef<Path>, gzip: bool) -> Result<FeedWriter> {
        let target = target.as_ref().to_path_buf();
        let output = Output::create(&target, gzip)?;
        Ok(FeedWriter {
            target,
            open: Some(Open {
                output,
                section: Section::Opened,
                currencies: HashSet::new(),
                categories: HashSet::new(),
                offer_ids: OfferIds::new(),
                spare: Vec::new(),
                offers: 0,
                id_too_long: 0,
                descriptions_cut: 0,
                started: Instant::now(),
            }),
        })
    }

    /// `open` with the options of PHP's constructor, `['gzip' => bool]`, checked.
    pub fn open_with<'a>(
        target: impl AsRef<Path>,
        options: Option<impl FeedInput<'a>>,
    ) -> Result<FeedWriter> {
        let gzip = match options {
            None => false,
            Some(given) => fields::Fields::of(given, "options", None, &["gzip"])?.flag(0, false)?,
        };
        Self::open(target, gzip)
    }

    /// `['name' => …, 'company' => …, 'url' => …]`, all three required.
    pub fn shop<'a>(&mut self, shop: impl FeedInput<'a>) -> Result<()> {
        self.step(Section::Shop, |open| {
            let shop = sections::read_shop(shop)?;
            open.output
                .write(|out| sections::write_shop(out, &shop, SystemTime::now()))
        })
    }

    /// A list of `['id' => 'RUB', 'rate' => 1]`.
    pub fn currencies<'a>(&mut self, list: impl FeedInput<'a>) -> Result<()> {
        self.step(Section::Currencies, |open| {
            let batch = sections::read_currencies(list, &mut open.currencies)?;
            open.output
                .write(|out| sections::write_currencies(out, &batch))
        })
    }

    /// A list of `['id' => …, 'parentId' => … (optional), 'name' => …]`.
    pub fn categories<'a>(&mut self, list: impl FeedInput<'a>) -> Result<()> {
        self.step(Section::Categories, |open| {
            let batch = sections::read_categories(list, &mut open.categories)?;
            open.output
                .write(|out| sections::write_categories(out, &batch))
        })
    }

    /// A batch of offers; see `offer.rs` for the fields and their rules.
    pub fn offers<'a>(&mut self, batch: impl FeedInput<'a>) -> Result<()> {
        self.step(Section::Offers, |open| open.offers(batch))
    }

    /// Completes the file and renames it over the target.
    pub fn finish(&mut self) -> Result<FeedSummary> {
        // Taken: whatever happens now, the writer is done, and on an error `open` is dropped,
        // which removes the temporary file.
        let mut open = self.open.take().ok_or_else(|| closed("finish"))?;
        if open.section < Section::Categories {
            return Err(Error::invalid(
                "finish",
                format!(
                    "finish() after {}(): shop, currencies and categories come first",
                    open.section.name()
                ),
            ));
        }
        open.enter(Section::Offers)?;
        open.output.write(|out| {
            for tag in ["offers", "shop", "yml_catalog"] {
                xml::close(out, tag);
            }
        })?;
        let bytes = open.output.commit()?;
        Ok(FeedSummary {
            path: self.target.display().to_string(),
            offers: open.offers,
            categories: open.categories.len() as u64,
            skipped: vec![("idTooLong", open.id_too_long)],
            descriptions_cut: open.descriptions_cut,
            bytes,
            seconds: open.started.elapsed().as_secs_f64(),
        })
    }

    /// Drops the new feed; the target stays as it was. Dropping the writer does the same.
    pub fn abort(&mut self) {
        self.open = None;
    }

    fn step(
        &mut self,
        section: Section,
        write: impl FnOnce(&mut Open) -> Result<()>,
    ) -> Result<()> {
        let open = self.open.as_mut().ok_or_else(|| closed(section.name()))?;
        let result = open.enter(section).and_then(|()| write(open));
        if result.is_err() {
            self.abort();
        }
        result
    }
}

impl Open {
    /// Moves on to `next`, closing the section before it; a section may be continued, but
    /// none skipped or gone back to.
    fn enter(&mut self, next: Section) -> Result<()> {
        let current = self.section;
        if next == current && next != Section::Shop {
            return Ok(());
        }
        let order = "the sections come in order: shop, currencies, categories, offers";
        if next <= current {
            return Err(Error::invalid(
                next.name(),
                format!("{}() after {}(): {order}", next.name(), current.name()),
            ));
        }
        if current.next() != Some(next) {
            let missing = current.next().map_or("", Section::name);
            return Err(Error::invalid(
                next.name(),
                format!("{}() before {missing}(): {order}", next.name()),
            ));
        }
        self.output.write(|out| {
            if let Some(tag) = current.tag() {
                xml::close(out, tag);
            }
            if let Some(tag) = next.tag() {
                xml::open(out, tag, &[]);
            }
        })?;
        self.section = next;
        Ok(())
    }

    fn offers<'a>(&mut self, batch: impl FeedInput<'a>) -> Result<()> {
        let items = items(batch, "offers")?;
        let place = batch::Place {
            known: Known {
                currencies: &self.currencies,
                categories: &self.categories,
            },
            ids: &mut self.offer_ids,
            output: &mut self.output,
            spare: &mut self.spare,
        };
        let mut counts = Counts::default();
        let written = batch::offers(&items, place, &mut counts);
        self.offers += counts.offers;
        self.id_too_long += counts.id_too_long;
        self.descriptions_cut += counts.descriptions_cut;
        written
    }
}

#[cfg(test)]
mod offer_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod xml_tests;
