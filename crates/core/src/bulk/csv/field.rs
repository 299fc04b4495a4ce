//! One field's text: the value as its column's kind writes it (the core's rules for money,
//! quantities, phones and e-mail), then the control policy and RFC 4180's quoting. Written
//! straight into the batch's buffer: no allocation for a field but on an error.

use super::columns::Kind;
use crate::error::{Error, Result};
use crate::feed::{FeedInput, FeedValue};
use crate::normalize;
use std::io::Write as _;

/// What a text does with control characters (C0, DEL, C1; CR, LF and TAB among them).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Control {
    /// Each becomes a space.
    Replace,
    /// The batch is refused, naming the row and the column.
    Refuse,
}

/// What a byte of a text asks for.
const PLAIN: u8 = 0;
/// The delimiter or the qualifier: the field is qualified.
const QUALIFY: u8 = 1;
/// A C0 control or DEL.
const CONTROL: u8 = 2;
/// The first byte of U+0080–U+00BF in UTF-8, C1 controls among them.
const C1_LEAD: u8 = 3;

pub(super) struct Format {
    delimiter: u8,
    qualifier: u8,
    control: Control,
    classes: [u8; 256],
}

impl Format {
    /// `delimiter` and `qualifier` are checked by the options: ASCII, different, neither a
    /// character of a number nor a line end.
    pub(super) fn new(delimiter: u8, qualifier: u8, control: Control) -> Format {
        let mut classes = [PLAIN; 256];
        for b in (0..0x20).chain([0x7f]) {
            classes[b] = CONTROL;
        }
        classes[0xc2] = C1_LEAD;
        // A TAB delimiter stays a control: a text's TAB is replaced or refused, never qualified.
        for b in [delimiter, qualifier] {
            if classes[usize::from(b)] == PLAIN {
                classes[usize::from(b)] = QUALIFY;
            }
        }
        Format {
            delimiter,
            qualifier,
            control,
            classes,
        }
    }

    pub(super) fn delimiter(&self) -> u8 {
        self.delimiter
    }

    pub(super) fn qualifier(&self) -> u8 {
        self.qualifier
    }

    /// Writes a value as `kind` writes it; `path` names it in an error (`rows[3].Email`).
    pub(super) fn value<'a, T: FeedInput<'a>>(
        &self,
        out: &mut Vec<u8>,
        kind: Kind,
        value: FeedValue<'a, T>,
        path: impl Fn() -> String,
    ) -> Result<()> {
        let value = match value {
            FeedValue::Null => return Ok(()),
            FeedValue::Invalid(message) => return Err(Error::invalid(path(), message)),
            FeedValue::List(_) | FeedValue::Map(_) => {
                return Err(Error::invalid(
                    path(),
                    "must be a string, a number, a boolean or null, not an array or an object",
                ));
            }
            // CSV has one empty field for both.
            FeedValue::Str("") => return Ok(()),
            scalar => scalar,
        };
        match kind {
            Kind::Text => self.scalar_text(out, value, path),
            Kind::Email => match value {
                FeedValue::Str(s) => self.text(out, normalize::email_text(s), path),
                _ => Err(Error::invalid(
                    path(),
                    "must be a string (an e-mail address)",
                )),
            },
            Kind::Phone => {
                phone(out, value);
                Ok(())
            }
            Kind::Money => decimal(out, value, 2, path),
            Kind::Quantity => decimal(out, value, 3, path),
            Kind::Integer => integer(out, value, path),
            Kind::Boolean => boolean(out, value, path),
        }
    }

    fn scalar_text<'a, T>(
        &self,
        out: &mut Vec<u8>,
        value: FeedValue<'a, T>,
        path: impl Fn() -> String,
    ) -> Result<()> {
        match value {
            FeedValue::Str(s) => return self.text(out, s, path),
            FeedValue::Int(i) => int(out, i),
            // Rust writes the shortest text that reads back as the same double, never with an
            // exponent.
            FeedValue::Float(f) => write!(out, "{f}").expect("writing to a Vec cannot fail"),
            FeedValue::Bool(b) => out.extend_from_slice(if b { b"true" } else { b"false" }),
            _ => unreachable!("value() passes scalars only"),
        }
        Ok(())
    }

    /// A text, qualified when it holds the delimiter or the qualifier or begins or ends with a
    /// space (after the control policy); the qualifier doubled inside.
    pub(super) fn text(
        &self,
        out: &mut Vec<u8>,
        text: &str,
        path: impl Fn() -> String,
    ) -> Result<()> {
        let bytes = text.as_bytes();
        if self.plain(bytes) && bytes.first() != Some(&b' ') && bytes.last() != Some(&b' ') {
            out.extend_from_slice(bytes);
            return Ok(());
        }
        if self.control == Control::Refuse
            && let Some(c) = text.chars().find(|c| c.is_control())
        {
            return Err(Error::invalid(
                path(),
                format!(
                    "holds the control character U+{:04X} (the writer's control option is 'refuse'; 'replace' makes it a space)",
                    u32::from(c)
                ),
            ));
        }
        let edge = |c: Option<char>| c.is_some_and(|c| c == ' ' || c.is_control());
        let qualify = edge(text.chars().next())
            || edge(text.chars().next_back())
            || bytes
                .iter()
                .any(|b| self.classes[usize::from(*b)] == QUALIFY);
        if qualify {
            out.push(self.qualifier);
        }
        let mut run = 0;
        let mut i = 0;
        while i < bytes.len() {
            let width = match self.classes[usize::from(bytes[i])] {
                CONTROL => 1,
                C1_LEAD if bytes.get(i + 1).is_some_and(|b| (0x80..0xa0).contains(b)) => 2,
                QUALIFY if bytes[i] == self.qualifier => {
                    out.extend_from_slice(&bytes[run..=i]);
                    run = i;
                    i += 1;
                    continue;
                }
                _ => {
                    i += 1;
                    continue;
                }
            };
            out.extend_from_slice(&bytes[run..i]);
            out.push(b' ');
            i += width;
            run = i;
        }
        out.extend_from_slice(&bytes[run..]);
        if qualify {
            out.push(self.qualifier);
        }
        Ok(())
    }
}

impl Format {
    /// Whether no byte of `bytes` asks for anything, looked at 8 at a time (a table lookup for
    /// each byte took a tenth of a row's time). A byte 0xC2 sends the text to the careful way,
    /// which tells C1 controls from the other characters that begin with it.
    pub(super) fn plain(&self, bytes: &[u8]) -> bool {
        const ONES: u64 = 0x0101_0101_0101_0101;
        const HIGH: u64 = 0x8080_8080_8080_8080;
        // Exact for the word as a whole: some byte is zero.
        let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
        let [delimiter, qualifier] = [self.delimiter, self.qualifier].map(|b| ONES * u64::from(b));
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let x = u64::from_le_bytes(chunk.try_into().expect("chunks of 8"));
            let control = x.wrapping_sub(ONES * 0x20) & !x & HIGH;
            let special = zero(x ^ (ONES * 0x7f))
                | zero(x ^ (ONES * 0xc2))
                | zero(x ^ delimiter)
                | zero(x ^ qualifier);
            if control | special != 0 {
                return false;
            }
        }
        chunks
            .remainder()
            .iter()
            .all(|b| self.classes[usize::from(*b)] == PLAIN)
    }
}

/// The phone rule's digits; a junk phone (or a number that is not one) leaves the field empty.
fn phone<'a, T>(out: &mut Vec<u8>, value: FeedValue<'a, T>) {
    let digits = |out: &mut Vec<u8>, raw: &str| {
        if let Some(part) = normalize::phone_part(raw) {
            out.extend(part.bytes().filter(u8::is_ascii_digit));
        }
    };
    match value {
        FeedValue::Str(s) => digits(out, s),
        FeedValue::Int(i) if i >= 0 => digits(out, &i.to_string()),
        _ => {}
    }
}

/// Money (2 places) and quantities (3) by the rule the API's bodies go by: never negative,
/// rounded half away from zero, written as the API writes them (`1299.5`, `2`, `0.125`).
fn decimal<'a, T>(
    out: &mut Vec<u8>,
    value: FeedValue<'a, T>,
    places: u32,
    path: impl Fn() -> String,
) -> Result<()> {
    let n = match value {
        FeedValue::Int(i) if i >= 0 => {
            int(out, i);
            return Ok(());
        }
        FeedValue::Int(i) => Some(i as f64),
        FeedValue::Float(f) => Some(f),
        FeedValue::Str(s) => normalize::parse_decimal(s),
        _ => None,
    };
    // Below 10^15 units before the point (the rule's limit), so within a u64 with the places.
    let units = normalize::rounded_units(n, places as i32, path)? as u64;
    let scale = 10u64.pow(places);
    digits(out, units / scale, 1);
    let (mut fraction, mut width) = (units % scale, places as usize);
    if fraction != 0 {
        while fraction % 10 == 0 {
            fraction /= 10;
            width -= 1;
        }
        out.push(b'.');
        digits(out, fraction, width);
    }
    Ok(())
}

fn integer<'a, T>(
    out: &mut Vec<u8>,
    value: FeedValue<'a, T>,
    path: impl Fn() -> String,
) -> Result<()> {
    let i = match value {
        FeedValue::Int(i) => Some(i),
        // Exactly representable: ±2^53.
        FeedValue::Float(f) if f.fract() == 0.0 && f.abs() <= 9_007_199_254_740_992.0 => {
            Some(f as i64)
        }
        FeedValue::Str(s) => s.trim().parse().ok(),
        _ => None,
    };
    let i = i.ok_or_else(|| Error::invalid(path(), "must be a whole number"))?;
    int(out, i);
    Ok(())
}

fn int(out: &mut Vec<u8>, i: i64) {
    if i < 0 {
        out.push(b'-');
    }
    digits(out, i.unsigned_abs(), 1);
}

/// `n` in decimal, padded with zeros to `width` digits: without `fmt`'s machinery, which took a
/// tenth of a row's time.
fn digits(out: &mut Vec<u8>, mut n: u64, width: usize) {
    let mut buffer = [b'0'; 20];
    let mut start = buffer.len();
    while n > 0 {
        start -= 1;
        buffer[start] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    out.extend_from_slice(&buffer[start.min(buffer.len() - width)..]);
}

fn boolean<'a, T>(
    out: &mut Vec<u8>,
    value: FeedValue<'a, T>,
    path: impl Fn() -> String,
) -> Result<()> {
    let b = match value {
        FeedValue::Bool(b) => Some(b),
        FeedValue::Int(0) | FeedValue::Str("0" | "false") => Some(false),
        FeedValue::Int(1) | FeedValue::Str("1" | "true") => Some(true),
        _ => None,
    };
    let b = b.ok_or_else(|| {
        Error::invalid(path(), "must be true or false (or 1, 0, 'true', 'false')")
    })?;
    out.extend_from_slice(if b { b"true" } else { b"false" });
    Ok(())
}
