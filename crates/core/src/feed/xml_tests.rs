use super::xml::*;
use quick_xml::Writer;
use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};

fn written(write: impl FnOnce(&mut Vec<u8>)) -> String {
    let mut out = Vec::new();
    write(&mut out);
    String::from_utf8(out).unwrap()
}

fn escaped(text: &str) -> String {
    let line = written(|out| element(out, "t", &[], text));
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
        escaped("a\u{0}b\u{1}c\u{8}d\u{B}e\u{C}f\u{1F}g\u{7F}h\u{85}i\u{9F}j\u{FFFE}k\u{FFFF}l"),
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
        written(|out| empty(out, "c", &[("id", "a&\"<\u{1}"), ("n", "x\ty")])),
        "<c id=\"a&amp;&quot;&lt;\" n=\"x&#9;y\"/>\n"
    );
    assert_eq!(
        written(|out| {
            declaration(out);
            open(out, "shop", &[]);
            close(out, "shop")
        }),
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<shop>\n</shop>\n"
    );
}

/// What quick-xml's writer makes of the same element, the forbidden characters removed first.
fn by_quick_xml(tag: &str, attributes: &[(&str, &str)], text: &str) -> String {
    let clean = |s: &str| s.chars().filter(|c| !is_forbidden(*c)).collect::<String>();
    let mut w = Writer::new(Vec::new());
    let mut start = BytesStart::new(tag);
    for (name, value) in attributes {
        start.push_attribute((*name, clean(value).as_str()));
    }
    w.write_event(Event::Start(start)).unwrap();
    w.write_event(Event::Text(BytesText::new(&clean(text))))
        .unwrap();
    w.write_event(Event::End(BytesEnd::new(tag))).unwrap();
    String::from_utf8(w.into_inner()).unwrap() + "\n"
}

#[test]
fn text_and_attributes_are_written_as_quick_xml_writes_them() {
    // Every character the escaping looks at, its look-alikes, and plain text in several widths,
    // in strings long enough to cross the 16-byte blocks at every offset.
    let alphabet = [
        "a",
        " ",
        "я",
        "✓",
        "👗",
        "<",
        ">",
        "&",
        "'",
        "\"",
        "\r",
        "\n",
        "\t",
        "\u{0}",
        "\u{1}",
        "\u{1F}",
        "\u{7F}",
        "\u{80}",
        "\u{85}",
        "\u{9F}",
        "\u{A0}",
        "«",
        "\u{FEFF}",
        "\u{FFBF}",
        "\u{FFFD}",
        "\u{FFFE}",
        "\u{FFFF}",
        "abcdefghijklmnop",
    ];
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = |n: usize| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % n as u64) as usize
    };
    for _ in 0..5_000 {
        let mut text = String::new();
        for _ in 0..next(40) {
            text.push_str(alphabet[next(alphabet.len())]);
        }
        let attribute: String = text.chars().rev().collect();
        assert_eq!(
            written(|out| element(out, "p", &[("name", &attribute)], &text)),
            by_quick_xml("p", &[("name", &attribute)], &text),
            "{text:?}"
        );
    }
}

#[test]
fn lengths_count_utf16_units_of_what_is_written() {
    assert!(!longer_than("abc", 3));
    assert!(longer_than("abcd", 3));
    assert!(!longer_than("яя", 2), "two units in four bytes");
    assert!(longer_than("я👗", 2), "an emoji counts two");
    assert!(
        !longer_than("a\u{1}b", 2),
        "a removed character counts none"
    );
}

#[test]
fn cuts_at_a_character_boundary() {
    assert_eq!(cut("яяя", 2), ("яя", true));
    assert_eq!(cut("a👗", 2), ("a", true));
    assert_eq!(cut("a👗", 3), ("a👗", false));
    assert_eq!(cut("\u{1}\u{1}ab", 2), ("\u{1}\u{1}ab", false));
}

#[test]
fn the_catalog_date_is_iso_8601_in_utc() {
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_millis(1_765_000_000_123);
    assert_eq!(catalog_date(t), "2025-12-06T05:46:40+00:00");
}
