//! Reading a YML feed as it streams in, with quick-xml, into a [`Tally`]: what is kept of the
//! feed is its ids and counts, never its text, so memory follows the offers' count, not the
//! file's size.

use std::collections::HashSet;
use std::io::{self, BufRead};

use quick_xml::XmlVersion;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Error, Reader};

use super::rules::{self, Declared, Offer};

/// Rejections listed in the answer; the rest are counted.
pub const LISTED_REJECTIONS: usize = 1000;
const XML: &str = "not well-formed XML";
/// The text kept of a short field (price, currencyId, categoryId): more is no valid value.
const SHORT_TEXT: usize = 1024;

#[derive(Debug, Default)]
pub struct Tally {
    /// Offers Mindbox would import.
    pub offers: u64,
    pub currencies: HashSet<String>,
    pub categories: HashSet<String>,
    /// The `group_id`s of imported offers: the products their SKUs belong to.
    pub groups: HashSet<String>,
    /// Every offer id seen, imported or not: a later offer with one of them is a duplicate.
    pub ids: HashSet<String>,
    /// (offer id, reason), the first [`LISTED_REJECTIONS`] of them.
    pub rejected: Vec<(String, String)>,
    pub rejected_count: u64,
    /// What makes Mindbox refuse or doubt the whole feed.
    pub issues: Vec<String>,
    /// Ids the caller asked about; those imported are removed as they are seen.
    pub wanted: HashSet<String>,
}

/// Where the reader is: the elements that matter, and any other.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Node {
    Catalog,
    Shop,
    Currencies,
    Categories,
    Offers,
    Offer,
    Field(Field),
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Field {
    Price,
    CurrencyId,
    CategoryId,
    Description,
}

struct Parser<'t> {
    tally: &'t mut Tally,
    stack: Vec<Node>,
    offer: Offer,
    text: String,
    root_seen: bool,
    shop_seen: bool,
}

/// Reads the feed to its end, or to its first error. Errors of the XML become issues; an
/// error of reading (the connection, the decompression) is returned, for the caller knows
/// what it means.
pub fn read(source: impl BufRead, tally: &mut Tally) -> io::Result<()> {
    let mut reader = Reader::from_reader(source);
    let mut parser = Parser {
        tally,
        stack: Vec::new(),
        offer: Offer::default(),
        text: String::new(),
        root_seen: false,
        shop_seen: false,
    };
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let position = reader.buffer_position();
        let event = match reader.read_event_into(&mut buf) {
            Ok(event) => event,
            Err(Error::Io(e)) => return Err(io::Error::new(e.kind(), e.to_string())),
            Err(e) => {
                let at = reader.error_position();
                parser.issue(format!("not well-formed XML: {e} (at byte {at})"));
                return Ok(());
            }
        };
        let step = match event {
            Event::Eof => {
                parser.end_of_file();
                return Ok(());
            }
            Event::Start(e) => parser.start(&e, false),
            Event::Empty(e) => parser.start(&e, true),
            Event::End(_) => parser.end(),
            Event::Text(t) => parser.text(&t.xml_content(XmlVersion::Implicit1_0)),
            Event::CData(t) => parser.text(&t.xml_content(XmlVersion::Implicit1_0)),
            Event::GeneralRef(r) => match r.resolve_char_ref() {
                Ok(Some(c)) => parser.text(c.encode_utf8(&mut [0; 4])),
                Ok(None) => match resolve_predefined_entity(&r) {
                    Some(text) => parser.text(text),
                    None => Err(format!("{XML}: &{}; is not an entity XML defines", &*r)),
                },
                Err(e) => Err(format!("{XML}: {e}")),
            },
            Event::Decl(_) | Event::PI(_) | Event::DocType(_) | Event::Comment(_) => Ok(()),
        };
        if let Err(e) = step {
            parser.issue(format!("{e} (at byte {position})"));
            return Ok(());
        }
    }
}

impl Parser<'_> {
    fn issue(&mut self, issue: String) {
        self.tally.issues.push(issue);
    }

    fn start(&mut self, e: &BytesStart<'_>, empty: bool) -> Result<(), String> {
        let name = e.name();
        let node = match (self.stack.last(), name.as_ref()) {
            (None, _) if self.root_seen => return Err(format!("{XML}: a second root element")),
            (None, "yml_catalog") => Node::Catalog,
            (None, other) => {
                return Err(format!(
                    "not a YML catalogue: the root is <{other}>, not <yml_catalog>"
                ));
            }
            (Some(Node::Catalog), "shop") => Node::Shop,
            (Some(Node::Shop), "currencies") => Node::Currencies,
            (Some(Node::Shop), "categories") => Node::Categories,
            (Some(Node::Shop), "offers") => Node::Offers,
            (Some(Node::Currencies), "currency") => {
                let id = attribute(e, "id")?.unwrap_or_default();
                self.tally.currencies.insert(id);
                Node::Other
            }
            (Some(Node::Categories), "category") => {
                let id = attribute(e, "id")?.unwrap_or_default();
                self.tally.categories.insert(id);
                Node::Other
            }
            (Some(Node::Offers), "offer") => {
                self.offer = Offer {
                    id: attribute(e, "id")?,
                    group_id: attribute(e, "group_id")?,
                    ..Offer::default()
                };
                Node::Offer
            }
            (Some(Node::Offer), "price") => Node::Field(Field::Price),
            (Some(Node::Offer), "currencyId") => Node::Field(Field::CurrencyId),
            (Some(Node::Offer), "categoryId") => Node::Field(Field::CategoryId),
            (Some(Node::Offer), "description") => Node::Field(Field::Description),
            _ => Node::Other,
        };
        self.root_seen = true;
        self.shop_seen |= node == Node::Shop;
        self.text.clear();
        if empty {
            self.close(node);
        } else {
            self.stack.push(node);
        }
        Ok(())
    }

    fn end(&mut self) -> Result<(), String> {
        // quick-xml checks that the end tag matches its start, so there is one to pop.
        if let Some(node) = self.stack.pop() {
            self.close(node);
        }
        Ok(())
    }

    fn text(&mut self, text: &str) -> Result<(), String> {
        match self.stack.last() {
            None if !text.trim().is_empty() => Err(format!("{XML}: text outside the root element")),
            Some(Node::Field(Field::Description)) => {
                self.offer.description_length += rules::length(text);
                Ok(())
            }
            Some(Node::Field(_)) if self.text.len() < SHORT_TEXT => {
                self.text.push_str(text);
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn close(&mut self, node: Node) {
        let text = std::mem::take(&mut self.text);
        match node {
            Node::Field(Field::Price) => self.offer.price = Some(text),
            Node::Field(Field::CurrencyId) => self.offer.currency_id = Some(text),
            Node::Field(Field::CategoryId) => self.offer.category_ids.push(text),
            Node::Offer => self.judge(),
            _ => {}
        }
    }

    fn judge(&mut self) {
        let offer = std::mem::take(&mut self.offer);
        let tally = &mut *self.tally;
        let id = offer.id.clone().unwrap_or_default();
        let seen = !tally.ids.insert(id.clone());
        let declared = Declared {
            currencies: &tally.currencies,
            categories: &tally.categories,
        };
        match rules::refusal(&offer, &declared, seen) {
            Some(reason) => {
                tally.rejected_count += 1;
                if tally.rejected.len() < LISTED_REJECTIONS {
                    tally.rejected.push((id, reason));
                }
            }
            None => {
                tally.offers += 1;
                tally.wanted.remove(&id);
                tally.groups.extend(offer.group_id);
            }
        }
    }

    fn end_of_file(&mut self) {
        if !self.stack.is_empty() {
            let open = self.stack.len();
            return self.issue(format!(
                "the file ends with {open} element(s) still open: it is cut short"
            ));
        }
        if !self.root_seen {
            self.issue("the file has no <yml_catalog>".into());
        } else if !self.shop_seen {
            self.issue("<yml_catalog> has no <shop>".into());
        }
    }
}

/// An attribute's value, its references resolved.
fn attribute(e: &BytesStart<'_>, name: &str) -> Result<Option<String>, String> {
    for attribute in e.attributes() {
        let attribute = attribute.map_err(|e| format!("{XML}: {e}"))?;
        if attribute.key.as_ref() == name {
            let value = attribute
                .normalized_value(XmlVersion::Implicit1_0)
                .map_err(|e| format!("{XML}: {e}"))?;
            return Ok(Some(value.into_owned()));
        }
    }
    Ok(None)
}
