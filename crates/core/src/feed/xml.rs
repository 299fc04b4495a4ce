//! Text as XML 1.0 takes it. One character XML forbids (a control character pasted into a
//! description) makes the whole file unreadable to Mindbox's parser, so such characters are
//! removed, never escaped; the five special characters are escaped everywhere, attributes and
//! text alike, so one function serves both.

use crate::log;
use serde_json::Number;
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

/// Appends `text` escaped, without the forbidden characters.
pub(super) fn escape_into(out: &mut Vec<u8>, text: &str) {
    let mut start = 0;
    for (i, c) in text.char_indices() {
        let replacement = match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' => "&quot;",
            '\'' => "&apos;",
            c if is_forbidden(c) => "",
            _ => continue,
        };
        out.extend_from_slice(&text.as_bytes()[start..i]);
        out.extend_from_slice(replacement.as_bytes());
        start = i + c.len_utf8();
    }
    out.extend_from_slice(&text.as_bytes()[start..]);
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

/// `<tag>text</tag>` and a newline.
pub(super) fn element(out: &mut Vec<u8>, tag: &str, text: &str) {
    out.push(b'<');
    out.extend_from_slice(tag.as_bytes());
    out.push(b'>');
    escape_into(out, text);
    out.extend_from_slice(b"</");
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(b">\n");
}

/// ` name="value"`.
pub(super) fn attribute(out: &mut Vec<u8>, name: &str, value: &str) {
    out.push(b' ');
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b"=\"");
    escape_into(out, value);
    out.push(b'"');
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

    fn escaped(text: &str) -> String {
        let mut out = Vec::new();
        escape_into(&mut out, text);
        String::from_utf8(out).unwrap()
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
        assert_eq!(escaped("line\tone\nline\rtwo"), "line\tone\nline\rtwo");
        assert_eq!(escaped("\u{1}&\u{2}"), "&amp;");
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
