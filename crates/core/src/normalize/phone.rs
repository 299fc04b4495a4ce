//! The phone rule, the only one: the body's `mobilePhone` and `MindboxClient::normalizePhone()`
//! (which the Bitrix module asks before it warns in its event log) both go by it.
//!
//! A field as people fill it in ("+7 (900) 123-45-67", "-", "нет", "8 900 123-45-67, 8 495
//! 123-45-67") gives the digits of its first usable number: the field is split at `,` and `;`, a
//! number's formatting (spaces, `+`, brackets, dashes, letters) is dropped, and a number has 10 to
//! 15 digits. Nothing is added or replaced: a leading 8 stays an 8, as Mindbox takes it.

use serde_json::Value;

/// Fewer is no subscriber number anywhere Mindbox works; E.164 allows no more.
const MIN_DIGITS: usize = 10;
const MAX_DIGITS: usize = 15;

/// The digits of the first usable number in `raw`, or `None` when it holds none.
pub fn normalize_phone(raw: &str) -> Option<String> {
    phone_part(raw).map(|part| part.chars().filter(char::is_ascii_digit).collect())
}

/// The part of `raw` whose digits are its phone (for writers that copy them where they go).
pub(crate) fn phone_part(raw: &str) -> Option<&str> {
    // Split as bytes: ',' and ';' are never part of another character in UTF-8.
    let mut start = 0;
    let mut digits = 0;
    for (i, b) in raw.bytes().chain([b',']).enumerate() {
        match b {
            b'0'..=b'9' => digits += 1,
            b',' | b';' if (MIN_DIGITS..=MAX_DIGITS).contains(&digits) => return raw.get(start..i),
            b',' | b';' => (start, digits) = (i + 1, 0),
            _ => {}
        }
    }
    None
}

/// A body's `mobilePhone` as it is sent, or `None` when it is not a phone: a junk phone costs
/// the field, never the event. An explicit null stays, as the caller wrote it.
pub(super) fn field(value: &Value) -> Option<Value> {
    match value {
        Value::Null => Some(Value::Null),
        Value::String(raw) => normalize_phone(raw).map(Value::String),
        Value::Number(n) if n.is_u64() => normalize_phone(&n.to_string()).map(Value::String),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn formatting_goes_and_the_digits_stay() {
        for (raw, digits) in [
            ("+7 (900) 123-45-67", "79001234567"),
            ("8 900 123 45 67", "89001234567"),
            ("9001234567", "9001234567"),
            ("tel. +44 20 7946 0958", "442079460958"),
            ("+86 138 0013 8000", "8613800138000"),
            ("00 49 30 1234 5678 9", "004930123456789"),
        ] {
            assert_eq!(normalize_phone(raw).as_deref(), Some(digits), "{raw}");
        }
    }

    #[test]
    fn the_first_usable_number_of_a_list_is_the_one() {
        assert_eq!(
            normalize_phone("+7 (900) 123-45-67, 8 495 123-45-67").as_deref(),
            Some("79001234567")
        );
        assert_eq!(
            normalize_phone("доб. 123; 8 495 123-45-67").as_deref(),
            Some("84951234567")
        );
    }

    #[test]
    fn junk_is_no_phone() {
        for raw in [
            "",
            "   ",
            "-",
            "нет",
            "call me",
            "123-45-67",
            "1234567890123456",
            "+7 900 123 45 67 89 01 23",
            "900, 123; 45",
        ] {
            assert_eq!(normalize_phone(raw), None, "{raw:?}");
        }
    }

    #[test]
    fn a_body_field_is_sent_as_digits_kept_as_null_or_dropped() {
        assert_eq!(
            field(&json!("+7 900 123-45-67")),
            Some(json!("79001234567"))
        );
        assert_eq!(field(&json!(79001234567u64)), Some(json!("79001234567")));
        assert_eq!(field(&json!(null)), Some(json!(null)));
        for junk in [
            json!("call me"),
            json!(""),
            json!(12345),
            json!(7.9e10),
            json!([1]),
        ] {
            assert_eq!(field(&junk), None, "{junk}");
        }
    }
}
