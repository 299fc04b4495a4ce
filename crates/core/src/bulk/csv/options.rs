//! The writer's options, as PHP's constructor takes them, checked.

use super::field::Control;
use crate::error::{Error, Result};
use crate::feed::{FeedInput, FeedKey, FeedValue};

/// Under Mindbox's 200 MB a request, with room to spare (next-wave.md §2.4).
const MAX_BYTES: u64 = 150_000_000;
const MAX_ROWS: u64 = 1_000_000;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) struct Options {
    pub(super) part: u64,
    pub(super) max_bytes: u64,
    pub(super) max_rows: u64,
    pub(super) gzip: bool,
    pub(super) delimiter: u8,
    pub(super) qualifier: u8,
    pub(super) control: Control,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            part: 1,
            max_bytes: MAX_BYTES,
            max_rows: MAX_ROWS,
            gzip: false,
            delimiter: b';',
            qualifier: b'"',
            control: Control::Replace,
        }
    }
}

const KEYS: &str = "part, maxBytes, maxRows, gzip, delimiter, qualifier, control";

impl Options {
    pub(super) fn read<'a, T: FeedInput<'a>>(given: Option<T>) -> Result<Options> {
        let mut options = Options::default();
        let Some(given) = given else {
            return Ok(options);
        };
        let entries = match given.value() {
            FeedValue::Map(map) => map.entries(),
            // PHP's [] (and only it: a list has no names).
            FeedValue::List(list) if list.entries().next().is_none() => list.entries(),
            _ => {
                return Err(Error::invalid(
                    "options",
                    format!("must be an array of {KEYS}"),
                ));
            }
        };
        for (key, value) in entries {
            let FeedKey::Name(key) = key else {
                return Err(Error::invalid(
                    "options",
                    format!("takes only the keys {KEYS}"),
                ));
            };
            let path = format!("options.{key}");
            let value = value.value();
            match key {
                "part" => options.part = positive(value, &path)?,
                "maxBytes" => options.max_bytes = positive(value, &path)?,
                "maxRows" => options.max_rows = positive(value, &path)?,
                "gzip" => match value {
                    FeedValue::Bool(b) => options.gzip = b,
                    _ => return Err(Error::invalid(path, "must be true or false")),
                },
                "delimiter" => options.delimiter = character(value, &path, true)?,
                "qualifier" => options.qualifier = character(value, &path, false)?,
                "control" => {
                    options.control = match value {
                        FeedValue::Str("replace") => Control::Replace,
                        FeedValue::Str("refuse") => Control::Refuse,
                        _ => return Err(Error::invalid(path, "must be 'replace' or 'refuse'")),
                    }
                }
                _ => {
                    return Err(Error::invalid(
                        path,
                        format!("is not an option; the options are {KEYS}"),
                    ));
                }
            }
        }
        if options.delimiter == options.qualifier {
            return Err(Error::invalid(
                "options.qualifier",
                "must differ from the delimiter",
            ));
        }
        Ok(options)
    }
}

fn positive<'a, T>(value: FeedValue<'a, T>, path: &str) -> Result<u64> {
    match value {
        FeedValue::Int(i) if i >= 1 => Ok(i as u64),
        _ => Err(Error::invalid(path, "must be a whole number of at least 1")),
    }
}

/// One ASCII punctuation character (or TAB, as a delimiter) that no number written unqualified
/// holds (`-`, `+`, `.`), so that only texts are ever qualified.
fn character<'a, T>(value: FeedValue<'a, T>, path: &str, tab: bool) -> Result<u8> {
    let ok = |b: u8| (b.is_ascii_punctuation() && !b"-+.".contains(&b)) || (tab && b == b'\t');
    match value {
        FeedValue::Str(s) if s.len() == 1 && ok(s.as_bytes()[0]) => Ok(s.as_bytes()[0]),
        _ => Err(Error::invalid(
            path,
            format!(
                "must be one ASCII punctuation character{}, other than - + .",
                if tab { " or a TAB" } else { "" }
            ),
        )),
    }
}
