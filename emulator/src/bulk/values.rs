//! The checks of a cell's value, as Mindbox's import applies them. The emulator's own rules,
//! written apart from the client's normalisation on purpose (ARCHITECTURE.md): a client that
//! sends what Mindbox refuses must be caught here, not agreed with.

/// A phone as Mindbox stores it: its digits. Spaces, dashes, brackets and a leading `+` are
/// allowed around them; 10 to 15 digits (E.164's longest).
pub fn phone(text: &str) -> Result<String, String> {
    let rest = text.strip_prefix('+').unwrap_or(text);
    let digits: String = rest
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')'))
        .collect();
    if digits.bytes().all(|b| b.is_ascii_digit()) && (10..=15).contains(&digits.len()) {
        Ok(digits)
    } else {
        Err(format!("'{text}' is not a phone number"))
    }
}

/// An address with one `@`, something before it and a dotted domain after it, no spaces.
pub fn email(text: &str) -> Result<String, String> {
    let fits = match text.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !text.chars().any(char::is_whitespace)
                && text.len() <= 256
        }
        None => false,
    };
    if fits {
        Ok(text.to_owned())
    } else {
        Err(format!("'{text}' is not an e-mail address"))
    }
}

/// A decimal written with a point and no exponent (`1234.5`, `-3`): what an import's CSV holds.
pub fn decimal(text: &str) -> Option<f64> {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if digits(whole) && digits(fraction) {
        text.parse().ok()
    } else {
        None
    }
}

/// A sum or a price: a decimal, not negative.
pub fn amount(text: &str) -> Result<f64, String> {
    decimal(text)
        .filter(|v| *v >= 0.0)
        .ok_or_else(|| format!("'{text}' is not a number ≥ 0"))
}

pub fn boolean(text: &str) -> Result<bool, String> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        _ => Err(format!("'{text}' is not true or false")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_are_kept_as_digits() {
        assert_eq!(phone("+7 (900) 123-45-67").unwrap(), "79001234567");
        assert_eq!(phone("79001234567").unwrap(), "79001234567");
        for bad in [
            "12345",
            "+7 900 abc 45 67",
            "7900123456712345",
            "++79001234567",
        ] {
            assert!(phone(bad).unwrap_err().contains(bad), "{bad}");
        }
    }

    #[test]
    fn emails_need_a_local_part_and_a_dotted_domain() {
        assert_eq!(email("a.b@shop.ru").unwrap(), "a.b@shop.ru");
        for bad in [
            "a@b",
            "@shop.ru",
            "a@@shop.ru",
            "a b@shop.ru",
            "a@shop.",
            "shop.ru",
        ] {
            assert!(email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn numbers_use_a_point_and_amounts_are_not_negative() {
        assert_eq!(decimal("1234.50"), Some(1234.5));
        assert_eq!(decimal("-3"), Some(-3.0));
        for bad in ["", "1,5", "1e3", ".5", "5.", "NaN", "inf", " 1", "1 000"] {
            assert_eq!(decimal(bad), None, "{bad}");
        }
        assert_eq!(amount("0").unwrap(), 0.0);
        assert!(amount("-0.01").unwrap_err().contains("-0.01"));
    }

    #[test]
    fn booleans() {
        assert_eq!(boolean("TRUE"), Ok(true));
        assert_eq!(boolean("0"), Ok(false));
        assert!(boolean("yes").is_err());
    }
}
