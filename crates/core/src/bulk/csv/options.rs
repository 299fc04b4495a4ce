//! The writer's options, as PHP's constructor takes them, checked.

use super::field::Control;
use super::part::CsvCheckpoint;
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
    /// A checkpoint to carry its part on from; `part` is its part.
    pub(super) resume: Option<CsvCheckpoint>,
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
            resume: None,
        }
    }
}

const KEYS: &str = "part, maxBytes, maxRows, gzip, delimiter, qualifier, control, resume";
const CHECKPOINT: &str = "the array checkpoint() returned";

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
        let mut part = None;
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
                "part" => part = Some(positive(value, &path)?),
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
                "resume" => options.resume = checkpoint(value, &path)?,
                _ => {
                    return Err(Error::invalid(
                        path,
                        format!("is not an option; the options are {KEYS}"),
                    ));
                }
            }
        }
        options.part = match (part, options.resume) {
            (Some(part), Some(at)) if part != at.part => {
                return Err(Error::invalid(
                    "options.part",
                    format!(
                        "is {part}, but the checkpoint to resume is in part {}",
                        at.part
                    ),
                ));
            }
            (_, Some(at)) => at.part,
            (Some(part), None) => part,
            (None, None) => options.part,
        };
        if let Some(at) = options.resume {
            if at.gzip != options.gzip {
                return Err(Error::invalid(
                    "options.gzip",
                    format!("must be {} as in the checkpoint to resume", at.gzip),
                ));
            }
            if at.rows > options.max_rows || at.bytes > options.max_bytes {
                return Err(Error::invalid(
                    "options.resume",
                    "holds a part larger than options.maxBytes or maxRows allow",
                ));
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

/// `null` (nothing to resume) or what `checkpoint()` returned, whole.
fn checkpoint<'a, T: FeedInput<'a>>(
    value: FeedValue<'a, T>,
    path: &str,
) -> Result<Option<CsvCheckpoint>> {
    let map = match value {
        FeedValue::Null => return Ok(None),
        FeedValue::Map(map) => map,
        _ => {
            return Err(Error::invalid(
                path,
                format!("must be null or {CHECKPOINT}"),
            ));
        }
    };
    let (mut part, mut rows, mut bytes, mut gzip, mut crc, mut plain) =
        (None, None, None, None, None, None);
    for (key, value) in map.entries() {
        let FeedKey::Name(key) = key else {
            return Err(Error::invalid(path, format!("must be {CHECKPOINT}")));
        };
        let at = format!("{path}.{key}");
        match (key, value.value()) {
            ("part", v) => part = Some(positive(v, &at)?),
            ("rows", v) => rows = Some(positive(v, &at)?),
            ("bytes", v) => bytes = Some(positive(v, &at)?),
            ("gzip", FeedValue::Bool(b)) => gzip = Some(b),
            ("gzip", _) => return Err(Error::invalid(at, "must be true or false")),
            ("crc", v) => crc = Some(word(v, &at)?),
            ("plainBytes", v) => plain = Some(word(v, &at)?),
            _ => return Err(Error::invalid(at, format!("is not in {CHECKPOINT}"))),
        }
    }
    match (part, rows, bytes, gzip, crc, plain) {
        (Some(part), Some(rows), Some(bytes), Some(gzip), Some(crc), Some(plain_bytes)) => {
            Ok(Some(CsvCheckpoint {
                part,
                rows,
                bytes,
                gzip,
                crc,
                plain_bytes,
            }))
        }
        _ => Err(Error::invalid(
            path,
            format!("must be {CHECKPOINT}: part, rows, bytes, gzip, crc and plainBytes"),
        )),
    }
}

fn word<'a, T>(value: FeedValue<'a, T>, path: &str) -> Result<u32> {
    match value {
        FeedValue::Int(i) if (0..=i64::from(u32::MAX)).contains(&i) => Ok(i as u32),
        _ => Err(Error::invalid(
            path,
            "must be a whole number from 0 to 4294967295",
        )),
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
