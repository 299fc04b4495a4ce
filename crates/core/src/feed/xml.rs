//! The feed's XML, appended to the output's buffer: tags, and text and attribute values escaped
//! as quick-xml escapes them (`<>&'"` and a carriage return; in attributes a tab and a newline
//! too: xml_tests.rs holds our output to quick-xml's). One character XML 1.0 forbids (a control
//! character pasted into a description) makes the whole file unreadable to Mindbox's parser, so
//! such characters are removed, never escaped; and Mindbox's limits are counted on the text as
//! it will be read. Every element ends its line, as in the official modules' feeds.

use crate::log;
use std::time::SystemTime;

/// Characters XML 1.0 forbids (C0 controls but tab, newline and carriage return; U+FFFE, U+FFFF)
/// and the C1 controls it discourages, which some parsers refuse as well. Surrogates cannot occur
/// in a Rust string.
pub(super) fn is_forbidden(c: char) -> bool {
    matches!(
        c,
        '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{7F}'..='\u{9F}'
            | '\u{FFFE}' | '\u{FFFF}'
    )
}

/// The bytes that need a look: the five escaped characters, control characters, and the first
/// bytes of the other forbidden characters (C1 controls are 0xC2 0x80..=0x9F, U+FFFE and U+FFFF
/// 0xEF 0xBF …). Without branches, so that a block of bytes is tested at once.
fn suspect(b: u8) -> bool {
    (b < 0x20)
        | (b == b'<')
        | (b == b'>')
        | (b == b'&')
        | (b == b'\'')
        | (b == b'"')
        | (b == 0x7F)
        | (b == 0xC2)
        | (b == 0xEF)
}

/// The suspect bytes of a block: 1 in the mask's byte at each one's place. Compiled to a few
/// vector instructions.
fn suspects(block: &[u8; 16]) -> u128 {
    u128::from_le_bytes(block.map(|b| u8::from(suspect(b))))
}

/// The suspect bytes of the 16 from `start` on (fewer at the end: the mask has none past it).
fn suspects_from(bytes: &[u8], start: usize) -> u128 {
    if let Some(block) = bytes[start..].first_chunk() {
        suspects(block)
    } else if let Some(last) = bytes.last_chunk() {
        // The last 16 bytes, less those already looked at.
        suspects(last) >> (8 * (start + 16 - bytes.len()))
    } else {
        // A text shorter than a block, as most fields are.
        let mut padded = [b' '; 16];
        padded[..bytes.len()].copy_from_slice(bytes);
        suspects(&padded)
    }
}

/// Whether a text shorter than a block has a suspect byte. Its bytes are read as two words that
/// may overlap, padded with spaces, and tested as one block without leaving the registers:
/// padding them in memory would stall the processor on every short field.
fn any_suspect_in_short(bytes: &[u8]) -> bool {
    const SPACES: u64 = 0x2020_2020_2020_2020;
    let words = match (bytes.first_chunk::<8>(), bytes.last_chunk::<8>()) {
        (Some(first), Some(last)) => Some((u64::from_le_bytes(*first), u64::from_le_bytes(*last))),
        _ => match (bytes.first_chunk::<4>(), bytes.last_chunk::<4>()) {
            (Some(first), Some(last)) => Some((
                u64::from(u32::from_le_bytes(*first)) | SPACES << 32,
                u64::from(u32::from_le_bytes(*last)) | SPACES << 32,
            )),
            _ => None,
        },
    };
    match words {
        Some((first, last)) => {
            suspects(&(u128::from(first) | u128::from(last) << 64).to_le_bytes()) != 0
        }
        None => bytes.iter().any(|&b| suspect(b)),
    }
}

/// What a suspect byte becomes: up to 8 bytes, of which the first `len`.
struct Replacement {
    bytes: [u8; 8],
    len: usize,
}

const fn replacements(attribute: bool) -> [Replacement; 256] {
    let mut table = [const {
        Replacement {
            bytes: [0; 8],
            len: 0,
        }
    }; 256];
    let mut b = 0;
    while b < 256 {
        let reference: &[u8] = match b as u8 {
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'&' => b"&amp;",
            b'\'' => b"&apos;",
            b'"' => b"&quot;",
            // A parser would read a bare carriage return as a newline.
            b'\r' => b"&#13;",
            // In an attribute a parser would read these as spaces.
            b'\t' if attribute => b"&#9;",
            b'\n' if attribute => b"&#10;",
            b'\t' => b"\t",
            b'\n' => b"\n",
            // Other control characters, forbidden: removed.
            _ => b"",
        };
        let mut i = 0;
        while i < reference.len() {
            table[b].bytes[i] = reference[i];
            i += 1;
        }
        table[b].len = reference.len();
        b += 1;
    }
    table
}

static TEXT: [Replacement; 256] = replacements(false);
static ATTRIBUTE: [Replacement; 256] = replacements(true);

/// Appends `text` escaped (for an attribute's value when `attribute`), without the characters XML
/// forbids. Plain text, nearly all of a feed, is copied in runs between the bytes that need a
/// look, which are found 16 at a time; each is replaced through a table rather than a branch per
/// kind, which the processor would mispredict at every other one.
pub(super) fn escape(out: &mut Vec<u8>, text: &str, attribute: bool) {
    let bytes = text.as_bytes();
    // Most fields are short and plain (a number, a code, a word): copied at once.
    if bytes.len() < 16 && !any_suspect_in_short(bytes) {
        out.extend_from_slice(bytes);
        return;
    }
    let table = if attribute { &ATTRIBUTE } else { &TEXT };
    // Bytes from `plain` on are still to be copied.
    let mut plain = 0;
    for start in (0..bytes.len()).step_by(16) {
        let mut mask = suspects_from(bytes, start);
        while mask != 0 {
            let i = start + (mask.trailing_zeros() / 8) as usize;
            mask &= mask - 1;
            let len = match bytes[i] {
                0xC2 if matches!(bytes.get(i + 1), Some(0x80..=0x9F)) => 2,
                0xEF if matches!(bytes.get(i + 1..i + 3), Some([0xBF, 0xBE | 0xBF])) => 3,
                // The first byte of a character XML allows.
                0xC2 | 0xEF => continue,
                _ => 1,
            };
            out.extend_from_slice(&bytes[plain..i]);
            // A forbidden character of 2 or 3 bytes is removed: its first byte's entry is empty.
            let replacement = &table[usize::from(bytes[i])];
            // All 8 bytes, then back to the replacement's length: a copy of a fixed size is one
            // instruction, of a varying one a call.
            out.extend_from_slice(&replacement.bytes);
            out.truncate(out.len() - 8 + replacement.len);
            plain = i + len;
        }
    }
    out.extend_from_slice(&bytes[plain..]);
}

/// Whether `text`, as it will be written, is longer than `max` units as [`cut`] counts them.
pub(super) fn longer_than(text: &str, max: usize) -> bool {
    cut(text, max).1
}

/// `text` cut to at most `max` units at a character boundary, and whether it was cut. Units are
/// UTF-16's, the stricter of the counts a parser may use (an emoji counts two), of the text as it
/// will be written (without the characters XML forbids).
pub(super) fn cut(text: &str, max: usize) -> (&str, bool) {
    // A character takes at least as many bytes as units: a short text needs no count.
    if text.len() <= max {
        return (text, false);
    }
    let mut units = 0;
    for (i, c) in text.char_indices() {
        if is_forbidden(c) {
            continue;
        }
        units += c.len_utf16();
        if units > max {
            return (&text[..i], true);
        }
    }
    (text, false)
}

// The writers are inlined where they are called: the tags are then constants, copied by a move
// or two instead of a call to memcpy each (several dozen an offer).
#[inline]
fn start(out: &mut Vec<u8>, tag: &str, attributes: &[(&str, &str)]) {
    out.push(b'<');
    out.extend_from_slice(tag.as_bytes());
    for (name, value) in attributes {
        out.push(b' ');
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b"=\"");
        escape(out, value, true);
        out.push(b'"');
    }
}

/// `<?xml version="1.0" encoding="UTF-8"?>` and a newline.
pub(super) fn declaration(out: &mut Vec<u8>) {
    out.extend_from_slice(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
}

/// `<tag a="…">` and a newline: an element whose children follow on lines of their own.
#[inline]
pub(super) fn open(out: &mut Vec<u8>, tag: &str, attributes: &[(&str, &str)]) {
    start(out, tag, attributes);
    out.extend_from_slice(b">\n");
}

/// `</tag>` and a newline.
#[inline]
pub(super) fn close(out: &mut Vec<u8>, tag: &str) {
    out.extend_from_slice(b"</");
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(b">\n");
}

/// `<tag a="…"/>` and a newline.
#[inline]
pub(super) fn empty(out: &mut Vec<u8>, tag: &str, attributes: &[(&str, &str)]) {
    start(out, tag, attributes);
    out.extend_from_slice(b"/>\n");
}

/// `<tag a="…">`: an element whose text follows on the same line, then [`close`].
#[inline]
pub(super) fn begin(out: &mut Vec<u8>, tag: &str, attributes: &[(&str, &str)]) {
    start(out, tag, attributes);
    out.push(b'>');
}

/// `<tag a="…">text</tag>` and a newline.
#[inline]
pub(super) fn element(out: &mut Vec<u8>, tag: &str, attributes: &[(&str, &str)], text: &str) {
    begin(out, tag, attributes);
    escape(out, text, false);
    close(out, tag);
}

/// `yml_catalog`'s date: ISO 8601 to the second, in UTC.
pub(super) fn catalog_date(t: SystemTime) -> String {
    let stamp = log::iso8601(t);
    format!("{}+00:00", stamp.get(..19).unwrap_or(&stamp))
}
