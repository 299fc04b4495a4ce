//! One field's text: kinds, the control policy both ways, quoting.

use super::columns::Kind;
use super::field::{Control, Format};
use crate::error::Error;
use crate::feed::{FeedInput, FeedValue};
use serde_json::{Value, json};

fn format() -> Format {
    Format::new(b';', b'"', Control::Replace)
}

fn write_with(format: &Format, kind: Kind, value: Value) -> Result<String, Error> {
    let mut out = Vec::new();
    format.value(&mut out, kind, (&value).value(), || "rows[0].C".to_string())?;
    Ok(String::from_utf8(out).unwrap())
}

fn write(kind: Kind, value: Value) -> String {
    write_with(&format(), kind, value).unwrap()
}

fn refused(kind: Kind, value: Value) -> String {
    match write_with(&format(), kind, value) {
        Err(Error::InvalidArgument { path, message }) => {
            assert_eq!(path, "rows[0].C");
            message
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_text_is_qualified_only_when_it_must_be() {
    for (text, field) in [
        ("plain", "plain"),
        ("Иванов Иван", "Иванов Иван"),
        ("a;b", "\"a;b\""),
        ("say \"hi\"", "\"say \"\"hi\"\"\""),
        ("\"", "\"\"\"\""),
        (" lead", "\" lead\""),
        ("trail ", "\"trail \""),
        (" ", "\" \""),
        ("in side", "in side"),
        ("comma,is,fine", "comma,is,fine"),
    ] {
        assert_eq!(write(Kind::Text, json!(text)), field, "{text:?}");
    }
}

#[test]
fn control_characters_become_spaces_and_the_field_is_qualified_at_its_edges() {
    for (text, field) in [
        ("a\r\nb", "a  b"),
        ("a\tb", "a b"),
        ("a\u{0}b\u{7f}c", "a b c"),
        // C1 controls (two bytes in UTF-8) become one space; their neighbours in U+0080–U+00BF stay.
        ("a\u{85}b\u{9f}c\u{a0}d\u{bf}", "a b c\u{a0}d\u{bf}"),
        ("line\n", "\"line \""),
        ("\tx", "\" x\""),
        ("\u{85}", "\" \""),
        ("x\n\"y\"", "\"x \"\"y\"\"\""),
    ] {
        assert_eq!(write(Kind::Text, json!(text)), field, "{text:?}");
    }
}

#[test]
fn refuse_names_the_character_and_writes_nothing() {
    let format = Format::new(b';', b'"', Control::Refuse);
    for (text, code) in [
        ("a\nb", "U+000A"),
        ("\r", "U+000D"),
        ("tab\there", "U+0009"),
        ("c1\u{85}", "U+0085"),
    ] {
        match write_with(&format, Kind::Text, json!(text)) {
            Err(Error::InvalidArgument { path, message }) => {
                assert_eq!(path, "rows[0].C");
                assert!(message.contains(code), "{message}");
            }
            other => panic!("{text:?}: {other:?}"),
        }
    }
    assert_eq!(
        write_with(&format, Kind::Text, json!("é ; \u{a0}")).unwrap(),
        "\"é ; \u{a0}\""
    );
}

#[test]
fn other_delimiters_and_qualifiers() {
    let tab = Format::new(b'\t', b'\'', Control::Replace);
    assert_eq!(write_with(&tab, Kind::Text, json!("a\tb")).unwrap(), "a b");
    assert_eq!(
        write_with(&tab, Kind::Text, json!("it's")).unwrap(),
        "'it''s'"
    );
    assert_eq!(
        write_with(&tab, Kind::Text, json!("a;\"b\"")).unwrap(),
        "a;\"b\""
    );
    let pipe = Format::new(b'|', b'"', Control::Replace);
    assert_eq!(
        write_with(&pipe, Kind::Text, json!("a|b")).unwrap(),
        "\"a|b\""
    );
    assert_eq!(write_with(&pipe, Kind::Text, json!("a;b")).unwrap(), "a;b");
}

#[test]
fn scalars_as_text() {
    assert_eq!(write(Kind::Text, json!(42)), "42");
    assert_eq!(write(Kind::Text, json!(-7)), "-7");
    assert_eq!(write(Kind::Text, json!(92.35)), "92.35");
    assert_eq!(write(Kind::Text, json!(1e21)), "1000000000000000000000");
    assert_eq!(write(Kind::Text, json!(true)), "true");
    assert_eq!(write(Kind::Text, json!(false)), "false");
    assert_eq!(write(Kind::Text, json!(null)), "");
    assert_eq!(write(Kind::Text, json!("")), "");
}

#[test]
fn money_and_quantities_go_by_the_api_rule() {
    for (value, field) in [
        (json!(1299.5), "1299.5"),
        (json!(1299.499), "1299.5"),
        (json!(1.005), "1.01"),
        (json!("1 299"), ""),
        (json!("99,999"), "100"),
        (json!(" 0.05 "), "0.05"),
        (json!(100), "100"),
        (json!(0), "0"),
        (json!(999_999_999_999.99), "999999999999.99"),
    ] {
        if field.is_empty() {
            refused(Kind::Money, value);
        } else {
            assert_eq!(write(Kind::Money, value.clone()), field, "{value}");
        }
    }
    assert_eq!(write(Kind::Quantity, json!(0.1255)), "0.126");
    assert_eq!(write(Kind::Quantity, json!("2.5000")), "2.5");
    assert_eq!(write(Kind::Quantity, json!(3)), "3");
    assert_eq!(write(Kind::Money, json!(null)), "");
    assert_eq!(write(Kind::Money, json!("")), "");
    assert!(refused(Kind::Money, json!(-1)).contains("negative"));
    assert!(refused(Kind::Quantity, json!(-0.5)).contains("negative"));
    assert!(refused(Kind::Money, json!("abc")).contains("number"));
    assert!(refused(Kind::Money, json!(true)).contains("number"));
    assert!(refused(Kind::Money, json!(1e16)).contains("too large"));
}

/// The text of an amount is the one the API's bodies carry for it.
#[test]
fn money_is_written_as_the_api_writes_it() {
    for n in [0.01, 0.1, 12.3, 1299.99, 5e-3, 7.0, 123_456.785] {
        let mut body = json!(n);
        crate::normalize::decimal(&mut body, "", 2).unwrap();
        assert_eq!(write(Kind::Money, json!(n)), body.to_string(), "{n}");
    }
}

#[test]
fn a_junk_phone_leaves_the_field_empty() {
    assert_eq!(
        write(Kind::Phone, json!("+7 (900) 123-45-67")),
        "79001234567"
    );
    assert_eq!(
        write(Kind::Phone, json!("нет; 8 495 123-45-67")),
        "84951234567"
    );
    assert_eq!(write(Kind::Phone, json!(79001234567u64)), "79001234567");
    for junk in [
        json!("call me"),
        json!("123"),
        json!(-79001234567i64),
        json!(7.9e10),
        json!(true),
    ] {
        assert_eq!(write(Kind::Phone, junk.clone()), "", "{junk}");
    }
}

#[test]
fn emails_are_trimmed_and_must_be_text() {
    assert_eq!(write(Kind::Email, json!("  a@b.ru ")), "a@b.ru");
    assert_eq!(write(Kind::Email, json!("a;b@c.ru")), "\"a;b@c.ru\"");
    assert!(refused(Kind::Email, json!(5)).contains("string"));
}

#[test]
fn integers_and_booleans() {
    assert_eq!(write(Kind::Integer, json!(-12)), "-12");
    assert_eq!(write(Kind::Integer, json!(" 0042 ")), "42");
    assert_eq!(write(Kind::Integer, json!(3.0)), "3");
    for bad in [
        json!(3.5),
        json!("3.5"),
        json!("x"),
        json!(true),
        json!(1e300),
    ] {
        assert!(
            refused(Kind::Integer, bad.clone()).contains("whole"),
            "{bad}"
        );
    }
    for (value, field) in [
        (json!(true), "true"),
        (json!(false), "false"),
        (json!(1), "true"),
        (json!(0), "false"),
        (json!("true"), "true"),
        (json!("0"), "false"),
        (json!(null), ""),
    ] {
        assert_eq!(write(Kind::Boolean, value.clone()), field, "{value}");
    }
    for bad in [json!(2), json!("yes"), json!("Y"), json!(0.0)] {
        assert!(
            refused(Kind::Boolean, bad.clone()).contains("true or false"),
            "{bad}"
        );
    }
}

#[test]
fn arrays_and_unreadable_values_are_refused_for_every_kind() {
    for kind in [Kind::Text, Kind::Money, Kind::Phone, Kind::Boolean] {
        assert!(refused(kind, json!([1])).contains("not an array"));
        assert!(refused(kind, json!({"a": 1})).contains("not an array"));
    }
    let mut out = Vec::new();
    let invalid: FeedValue<'_, &Value> = FeedValue::Invalid("is not valid UTF-8".into());
    let error = format()
        .value(&mut out, Kind::Text, invalid, || "rows[2].Name".into())
        .unwrap_err();
    assert_eq!(error.to_string(), "rows[2].Name: is not valid UTF-8");
    assert!(out.is_empty());
}

/// The look at 8 bytes at a time finds every byte the table names, wherever it sits.
#[test]
fn the_fast_look_agrees_with_the_byte_table() {
    for (delimiter, qualifier) in [(b';', b'"'), (b'\t', b'\''), (b'|', b'#')] {
        let format = Format::new(delimiter, qualifier, Control::Replace);
        for b in 0..=255u8 {
            let special = b < 0x20 || [0x7f, 0xc2, delimiter, qualifier].contains(&b);
            for place in 0..17 {
                let mut bytes = [b'a'; 17];
                bytes[place] = b;
                assert_eq!(format.plain(&bytes[..]), !special, "{b:#x} at {place}");
                assert_eq!(format.plain(&bytes[..place + 1]), !special, "{b:#x} last");
            }
        }
    }
}
