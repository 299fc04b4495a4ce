//! The feed's XML, written by quick-xml (tags, and the escaping of text and attribute values).
//! What quick-xml leaves to us: one character XML 1.0 forbids (a control character pasted into a
//! description) makes the whole file unreadable to Mindbox's parser, so such characters are
//! removed, never escaped; and Mindbox's limits are counted on the text as it will be read.
//! Every element ends its line, as in the official modules' feeds.

use crate::log;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use serde_json::Number;
use std::borrow::Cow;
use std::io::{self, Write};
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

/// `text` without the characters XML forbids; borrowed when it has none (nearly always).
pub(super) fn clean(text: &str) -> Cow<'_, str> {
    // A byte test first, without branches so it runs as fast as a copy: every forbidden
    // character starts with one of these bytes (C1 controls are 0xC2 0x80..=0x9F, U+FFFE and
    // U+FFFF 0xEF 0xBF …), which plain text seldom has.
    let suspect = |b: u8| {
        (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || matches!(b, 0x7F | 0xC2 | 0xEF)
    };
    if text.bytes().fold(false, |any, b| any | suspect(b)) && text.chars().any(is_forbidden) {
        Cow::Owned(text.chars().filter(|c| !is_forbidden(*c)).collect())
    } else {
        Cow::Borrowed(text)
    }
}

/// The length Mindbox's limits are checked against, of the text as it will be written. Counted
/// in UTF-16 units, the stricter of the counts a parser may use: an emoji counts two.
pub(super) fn length(text: &str) -> usize {
    text.chars()
        .filter(|c| !is_forbidden(*c))
        .map(char::len_utf16)
        .sum()
}

/// `text` cut to at most `max` units (as [`length`] counts them) at a character boundary, and
/// whether it was cut.
pub(super) fn cut(text: &str, max: usize) -> (&str, bool) {
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

/// A start tag with its attributes, each value cleaned (quick-xml escapes it).
fn start<'a>(tag: &'a str, attributes: &[(&str, &str)]) -> BytesStart<'a> {
    let mut start = BytesStart::new(tag);
    for (name, value) in attributes {
        start.push_attribute((*name, &*clean(value)));
    }
    start
}

fn end_line<W: Write>(w: &mut Writer<W>) -> io::Result<()> {
    w.get_mut().write_all(b"\n")
}

/// `<?xml version="1.0" encoding="UTF-8"?>` and a newline.
pub(super) fn declaration<W: Write>(w: &mut Writer<W>) -> io::Result<()> {
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    end_line(w)
}

/// `<tag a="…">` and a newline: an element whose children follow on lines of their own.
pub(super) fn open<W: Write>(
    w: &mut Writer<W>,
    tag: &str,
    attributes: &[(&str, &str)],
) -> io::Result<()> {
    w.write_event(Event::Start(start(tag, attributes)))?;
    end_line(w)
}

/// `</tag>` and a newline.
pub(super) fn close<W: Write>(w: &mut Writer<W>, tag: &str) -> io::Result<()> {
    w.write_event(Event::End(BytesEnd::new(tag)))?;
    end_line(w)
}

/// `<tag a="…"/>` and a newline.
pub(super) fn empty<W: Write>(
    w: &mut Writer<W>,
    tag: &str,
    attributes: &[(&str, &str)],
) -> io::Result<()> {
    w.write_event(Event::Empty(start(tag, attributes)))?;
    end_line(w)
}

/// `<tag a="…">text</tag>` and a newline.
pub(super) fn element<W: Write>(
    w: &mut Writer<W>,
    tag: &str,
    attributes: &[(&str, &str)],
    text: &str,
) -> io::Result<()> {
    w.write_event(Event::Start(start(tag, attributes)))?;
    w.write_event(Event::Text(BytesText::new(&clean(text))))?;
    w.write_event(Event::End(BytesEnd::new(tag)))?;
    end_line(w)
}

/// A number as the feed writes it: integers as they are, fractions in plain decimal notation
/// (Rust's `Display` of a float never uses an exponent, which YML's numbers do not take).
pub(super) fn number_text(n: &Number) -> String {
    match (n.as_i64(), n.as_u64()) {
        (Some(i), _) => i.to_string(),
        (None, Some(u)) => u.to_string(),
        _ => n.as_f64().unwrap_or(0.0).to_string(),
    }
}

/// `yml_catalog`'s date: ISO 8601 to the second, in UTC.
pub(super) fn catalog_date(t: SystemTime) -> String {
    let stamp = log::iso8601(t);
    format!("{}+00:00", stamp.get(..19).unwrap_or(&stamp))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(write: impl FnOnce(&mut Writer<Vec<u8>>) -> io::Result<()>) -> String {
        let mut w = Writer::new(Vec::new());
        write(&mut w).unwrap();
        String::from_utf8(w.into_inner()).unwrap()
    }

    fn escaped(text: &str) -> String {
        let line = written(|w| element(w, "t", &[], text));
        line["<t>".len()..line.len() - "</t>\n".len()].to_string()
    }

    #[test]
    fn escapes_the_five_special_characters() {
        assert_eq!(
            escaped(r#"Tom & Jerry <b>"big"</b> 'n'"#),
            "Tom &amp; Jerry &lt;b&gt;&quot;big&quot;&lt;/b&gt; &apos;n&apos;"
        );
        assert_eq!(escaped("Платье ✓ 👗"), "Платье ✓ 👗");
    }

    #[test]
    fn removes_what_xml_forbids_and_keeps_tabs_and_newlines() {
        assert_eq!(
            escaped(
                "a\u{0}b\u{1}c\u{8}d\u{B}e\u{C}f\u{1F}g\u{7F}h\u{85}i\u{9F}j\u{FFFE}k\u{FFFF}l"
            ),
            "abcdefghijkl"
        );
        // A carriage return is written as a reference: a parser would read a bare one as a newline.
        assert_eq!(escaped("line\tone\nline\rtwo"), "line\tone\nline&#13;two");
        assert_eq!(escaped("\u{1}&\u{2}"), "&amp;");
        assert_eq!(
            escaped("© \u{FFFD} \u{A0}"),
            "© \u{FFFD} \u{A0}",
            "their first bytes only look alike"
        );
    }

    #[test]
    fn attributes_are_escaped_and_cleaned_too() {
        assert_eq!(
            written(|w| empty(w, "c", &[("id", "a&\"<\u{1}"), ("n", "x\ty")])),
            "<c id=\"a&amp;&quot;&lt;\" n=\"x&#9;y\"/>\n"
        );
        assert_eq!(
            written(|w| {
                declaration(w)?;
                open(w, "shop", &[])?;
                close(w, "shop")
            }),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<shop>\n</shop>\n"
        );
    }

    #[test]
    fn lengths_count_utf16_units_of_what_is_written() {
        assert_eq!(length("abc"), 3);
        assert_eq!(length("яя"), 2);
        assert_eq!(length("👗"), 2);
        assert_eq!(length("a\u{1}b"), 2);
    }

    #[test]
    fn cuts_at_a_character_boundary() {
        assert_eq!(cut("яяя", 2), ("яя", true));
        assert_eq!(cut("a👗", 2), ("a", true));
        assert_eq!(cut("a👗", 3), ("a👗", false));
        assert_eq!(cut("\u{1}\u{1}ab", 2), ("\u{1}\u{1}ab", false));
    }

    #[test]
    fn numbers_never_use_an_exponent() {
        let n = |v: serde_json::Value| match v {
            serde_json::Value::Number(n) => number_text(&n),
            other => panic!("{other}"),
        };
        assert_eq!(n(serde_json::json!(80)), "80");
        assert_eq!(n(serde_json::json!(92.35)), "92.35");
        assert_eq!(n(serde_json::json!(1e-7)), "0.0000001");
        assert_eq!(n(serde_json::json!(1e21)), "1000000000000000000000");
    }

    #[test]
    fn the_catalog_date_is_iso_8601_in_utc() {
        let t = std::time::UNIX_EPOCH + std::time::Duration::from_millis(1_765_000_000_123);
        assert_eq!(catalog_date(t), "2025-12-06T05:46:40+00:00");
    }
}
