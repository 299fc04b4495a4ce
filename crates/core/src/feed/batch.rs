//! A batch of offers on two cores: this thread reads and writes the first half of a large batch
//! while another reads and writes the second half into a buffer of its own, which follows the
//! first into the file. Duplicate ids of the second half are looked for once both are done, in
//! the batch's order, so a bad batch is refused as it would be in one piece: at its first error.

use super::drain::BUFFER;
use super::fields::Label;
use super::file::Output;
use super::ids::OfferIds;
use super::input::FeedInput;
use super::offer::{self, Known, Lists, Offer};
use super::text::Text;
use crate::error::{Error, Result};
use std::hash::RandomState;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;

/// A second thread pays from this many offers on: it is started for each batch (tens of
/// microseconds, against a few for each offer).
const SPLIT_FROM: usize = 256;

/// What a run over offers counts.
#[derive(Default)]
pub(super) struct Counts {
    pub(super) offers: u64,
    pub(super) id_too_long: u64,
    pub(super) descriptions_cut: u64,
}

/// Reads the offers of `items` in order, handing each to `take`; stops at the first error (or
/// once `stop` is set, the other half having failed).
fn each<'a, T: FeedInput<'a>>(
    items: &[(Label<'a>, T)],
    known: &Known<'_>,
    counts: &mut Counts,
    stop: &AtomicBool,
    mut take: impl FnMut(Label<'a>, &Offer<'a>, &Lists<'a>) -> Result<()>,
) -> Result<()> {
    let mut lists = Lists::default();
    for &(label, item) in items {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let Some(offer) = offer::read(item, label, known, &mut lists)? else {
            counts.id_too_long += 1;
            continue;
        };
        take(label, &offer, &lists)?;
        counts.offers += 1;
        counts.descriptions_cut += u64::from(offer.description_cut);
    }
    Ok(())
}

/// The second half, written apart.
struct Apart<'a> {
    xml: Vec<u8>,
    /// The hash of each offer's id, with what names it in an error.
    ids: Vec<(u64, Label<'a>, Text<'a>)>,
    counts: Counts,
    /// The first error, where the half stopped.
    error: Option<Error>,
}

fn apart<'a, T: FeedInput<'a>>(
    items: &[(Label<'a>, T)],
    known: &Known<'_>,
    key: &RandomState,
    stop: &AtomicBool,
    mut xml: Vec<u8>,
) -> Apart<'a> {
    let mut ids = Vec::with_capacity(items.len());
    let mut counts = Counts::default();
    let written = each(items, known, &mut counts, stop, |label, offer, lists| {
        ids.push((OfferIds::hash(key, &offer.id), label, offer.id.clone()));
        offer.write(&mut xml, lists);
        Ok(())
    });
    Apart {
        xml,
        ids,
        counts,
        error: written.err(),
    }
}

/// Where a batch is read and written.
pub(super) struct Place<'s> {
    pub(super) known: Known<'s>,
    pub(super) ids: &'s mut OfferIds,
    pub(super) output: &'s mut Output,
    /// The second half's buffer, kept from batch to batch: a new one would be mapped into
    /// memory, page by page, each time.
    pub(super) spare: &'s mut Vec<u8>,
}

/// Reads the offers of a batch and writes them to the output, in the batch's order.
pub(super) fn offers<'a, T: FeedInput<'a>>(
    items: &[(Label<'a>, T)],
    place: Place<'_>,
    counts: &mut Counts,
) -> Result<()> {
    let Place {
        known,
        ids,
        output,
        spare,
    } = place;
    let known = &known;
    // Asked once: the answer reads the process's cgroup files.
    static CORES: OnceLock<usize> = OnceLock::new();
    let cores = *CORES.get_or_init(|| thread::available_parallelism().map_or(1, usize::from));
    // This thread's part is the smaller: it also looks for the other's duplicates and copies
    // its XML into the output.
    let split = if items.len() >= SPLIT_FROM && cores > 1 {
        items.len() * 9 / 20
    } else {
        items.len()
    };
    let (mine, theirs) = items.split_at(split);
    let buffer = std::mem::take(spare);
    let key = ids.key().clone();
    let stop = AtomicBool::new(false);
    thread::scope(|scope| {
        let other = (!theirs.is_empty()).then(|| {
            thread::Builder::new()
                .name("mindbox-feed-half".into())
                .spawn_scoped(scope, || apart(theirs, known, &key, &stop, buffer))
        });
        let first = each(mine, known, counts, &stop, |label, offer, lists| {
            if !ids.insert(&offer.id) {
                return Err(duplicate(label, &offer.id));
            }
            output.write(|out| offer.write(out, lists))
        });
        if first.is_err() {
            stop.store(true, Ordering::Relaxed);
        }
        // Joined whatever happened: a scoped thread is, and the batch is not done before it.
        let second = other.map(|spawned| match spawned {
            Ok(handle) => handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            // No thread to be had: this one writes the second half too.
            Err(_) => apart(theirs, known, &key, &stop, Vec::new()),
        });
        first?;
        let Some(second) = second else {
            return Ok(());
        };
        for (hash, label, id) in &second.ids {
            if !ids.insert_hash(*hash) {
                return Err(duplicate(*label, id));
            }
        }
        if let Some(error) = second.error {
            return Err(error);
        }
        counts.offers += second.counts.offers;
        counts.id_too_long += second.counts.id_too_long;
        counts.descriptions_cut += second.counts.descriptions_cut;
        output.write(|out| out.extend_from_slice(&second.xml))?;
        *spare = second.xml;
        spare.clear();
        // A batch of huge offers need not keep its room.
        spare.shrink_to(4 * BUFFER);
        Ok(())
    })
}

fn duplicate(label: Label<'_>, id: &str) -> Error {
    Error::invalid(
        format!("offers[{label}].id"),
        format!("was written already: offer ids are unique (offer \"{id}\")"),
    )
}

#[cfg(test)]
mod tests {
    use crate::error::Error;
    use crate::feed::tests::{started, text_of};
    use crate::private::test_dir;
    use serde_json::{Value, json};

    fn offer(i: usize) -> Value {
        json!({"id": format!("sku-{i}"), "categoryId": 1 + i % 2, "name": format!("Платье & <{i}>"),
            "price": i as f64 / 4.0, "currencyId": "RUB", "param": {"Size": ["S", i]}})
    }

    /// The feed of `offers` in batches of `size`, or the error's path and message.
    fn feed(name: &str, offers: &[Value], size: usize) -> Result<String, (String, String)> {
        let dir = test_dir(&format!("feed-batch-{name}"));
        let target = dir.join("feed.yml");
        let mut w = started(&target, false);
        for batch in offers.chunks(size) {
            if let Err(Error::InvalidArgument { path, message }) = w.offers(&json!(batch)) {
                return Err((path, message));
            }
        }
        w.finish().unwrap();
        Ok(text_of(&target))
    }

    #[test]
    fn a_large_batch_is_written_as_small_ones_are() {
        let mut offers: Vec<Value> = (0..1000).map(offer).collect();
        offers[700]["id"] = json!("x".repeat(201));
        offers[900]["description"] = json!("я".repeat(10_001));
        let whole = feed("whole", &offers, 1000).unwrap();
        assert_eq!(whole, feed("pieces", &offers, 10).unwrap());
        assert_eq!(whole.matches("<offer ").count(), 999);
        assert!(whole.contains("<offer id=\"sku-999\""));
    }

    #[test]
    fn a_large_batch_is_refused_at_its_first_error() {
        let offers: Vec<Value> = (0..1000).map(offer).collect();
        let refused = |change: &dyn Fn(&mut Vec<Value>)| {
            let mut batch = offers.clone();
            change(&mut batch);
            feed("refused", &batch, 1000).unwrap_err()
        };
        let (path, message) = refused(&|b| b[800]["id"] = json!("sku-3"));
        assert_eq!(path, "offers[800].id", "a duplicate of the first half's");
        assert!(message.contains("offer \"sku-3\""), "{message}");
        let (path, _) = refused(&|b| b[900]["id"] = json!("sku-700"));
        assert_eq!(path, "offers[900].id", "a duplicate within the second half");
        let (path, _) = refused(&|b| b[600]["categoryId"] = json!(99));
        assert_eq!(path, "offers[600].categoryId");
        let (path, _) = refused(&|b| {
            b[600]["categoryId"] = json!(99);
            b[400]["available"] = json!("Y");
        });
        assert_eq!(
            path, "offers[400].available",
            "the first half's error comes first"
        );
        let (path, _) = refused(&|b| {
            b[900]["categoryId"] = json!(99);
            b[950]["id"] = json!("sku-1");
        });
        assert_eq!(
            path, "offers[900].categoryId",
            "a later duplicate is not reached"
        );
    }
}
