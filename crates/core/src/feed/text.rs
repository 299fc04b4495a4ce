//! A value's text as the feed writes it: a string as it is, a number in the feed's notation. The
//! integers and prices every offer has are written in place, without an allocation each.

use std::ops::Deref;

#[derive(Clone)]
pub(super) enum Text<'a> {
    Borrowed(&'a str),
    /// An integer's or a price's digits.
    Digits(Digits),
    /// A fraction's, in plain decimal notation (Rust's `Display` of a float never uses an
    /// exponent, which YML's numbers do not take). Rare: a fraction where a text was expected.
    Owned(String),
}

impl<'a> Text<'a> {
    pub(super) fn int(i: i64) -> Text<'a> {
        let mut digits = Digits::new();
        digits.push_unsigned(u128::from(i.unsigned_abs()));
        if i < 0 {
            digits.push(b'-');
        }
        Text::Digits(digits)
    }

    pub(super) fn float(f: f64) -> Text<'a> {
        Text::Owned(f.to_string())
    }

    /// An amount in hundredths (kopecks), written as the double nearest to it would be: `1299.5`,
    /// `0.05`, `100`. The shortest text that reads back as that double is the amount itself, as
    /// amounts have at most 15 significant digits and no other number of 15 digits is that near.
    pub(super) fn cents(cents: u128) -> Text<'a> {
        let mut digits = Digits::new();
        let fraction = (cents % 100) as u8;
        if fraction != 0 {
            if !fraction.is_multiple_of(10) {
                digits.push(b'0' + fraction % 10);
            }
            digits.push(b'0' + fraction / 10);
            digits.push(b'.');
        }
        digits.push_unsigned(cents / 100);
        Text::Digits(digits)
    }
}

impl Deref for Text<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        match self {
            Text::Borrowed(s) => s,
            Text::Digits(d) => d.as_str(),
            Text::Owned(s) => s,
        }
    }
}

/// Digits filled from the end: room for any u128 and a sign.
#[derive(Clone)]
pub(super) struct Digits {
    bytes: [u8; 40],
    start: usize,
}

impl Digits {
    fn new() -> Digits {
        Digits {
            bytes: [0; 40],
            start: 40,
        }
    }

    fn push(&mut self, b: u8) {
        self.start -= 1;
        self.bytes[self.start] = b;
    }

    fn push_unsigned(&mut self, mut n: u128) {
        loop {
            self.push(b'0' + (n % 10) as u8);
            n /= 10;
            if n == 0 {
                break;
            }
        }
    }

    fn as_str(&self) -> &str {
        // SAFETY: only ASCII digits, '.' and '-' are ever pushed. (Checking them again each time
        // the text is read cost as much as the rest of an offer's numbers.)
        unsafe { std::str::from_utf8_unchecked(&self.bytes[self.start..]) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize;
    use serde_json::{Number, Value};

    #[test]
    fn integers_as_rust_writes_them() {
        for i in [0, 7, -7, 10, 1_000_000, i64::MAX, i64::MIN] {
            assert_eq!(&*Text::int(i), i.to_string());
        }
    }

    #[test]
    fn fractions_never_use_an_exponent() {
        assert_eq!(&*Text::float(92.35), "92.35");
        assert_eq!(&*Text::float(1e-7), "0.0000001");
        assert_eq!(&*Text::float(1e21), "1000000000000000000000");
    }

    /// The text of a price is the one the API's rounding gives (`normalize::decimal`, then the
    /// number written as serde_json keeps it).
    #[test]
    fn prices_as_the_api_rounds_and_writes_them() {
        let mut x: u64 = 88_172_645_463_325_252;
        let mut samples = vec![
            0.0,
            0.01,
            0.05,
            0.1,
            1.005,
            99.999,
            1299.5,
            1e-7,
            999_999_999_999.99,
        ];
        for _ in 0..20_000 {
            // xorshift: varied, and the same on every run.
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let magnitude = 10f64.powi((x % 17) as i32 - 3);
            samples.push((x >> 11) as f64 / (1u64 << 53) as f64 * magnitude);
            samples.push(((x >> 20) % 100_000_000) as f64 / 100.0);
        }
        for n in samples {
            let mut value = Value::Number(Number::from_f64(n).unwrap());
            normalize::decimal(&mut value, "", 2).unwrap();
            let expected = match value {
                Value::Number(n) if n.is_i64() => n.as_i64().unwrap().to_string(),
                Value::Number(n) => n.as_f64().unwrap().to_string(),
                other => panic!("{other}"),
            };
            let cents = normalize::rounded_units(Some(n), 2, String::new).unwrap();
            assert_eq!(&*Text::cents(cents), expected, "{n}");
        }
    }
}
