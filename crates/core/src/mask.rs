//! Personal data out of what the extension writes down (the log, stored errors, exception
//! messages), shape kept: enough to debug a mapping without exposing a customer.

use serde_json::{Map, Value};

/// Personal data out, shape kept: enough to debug a mapping without exposing a customer.
pub(crate) fn mask(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), mask_field(k, v)))
                .collect::<Map<String, Value>>(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(mask).collect()),
        Value::String(s) => Value::String(text(s)),
        other => other.clone(),
    }
}

fn mask_field(key: &str, value: &Value) -> Value {
    let k = key.to_ascii_lowercase();
    if k.contains("password") || k.contains("ticket") || k.contains("secret") {
        return Value::String("***".into());
    }
    if k.contains("phone") {
        return match value {
            Value::String(s) => Value::String(mask_phone(s)),
            Value::Number(n) => Value::String(mask_phone(&n.to_string())),
            other => mask(other),
        };
    }
    mask(value)
}

/// Keeps the last two digits, which is what support needs to tell two numbers apart.
fn mask_phone(s: &str) -> String {
    let digits = s.chars().filter(char::is_ascii_digit).count();
    let mut seen = 0;
    s.chars()
        .map(|c| {
            if c.is_ascii_digit() {
                seen += 1;
                if seen + 2 <= digits { '*' } else { c }
            } else {
                c
            }
        })
        .collect()
}

/// `ivan.petrov@mail.ru` → `i***@mail.ru`, wherever it appears in a string.
fn mask_emails(s: &str) -> String {
    if !s.contains('@') {
        return s.to_string();
    }
    let is_local = |c: char| c.is_alphanumeric() || "._%+-".contains(c);
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        if is_local(chars[i]) {
            let start = i;
            while i < chars.len() && is_local(chars[i]) {
                i += 1;
            }
            let followed_by_domain =
                i + 1 < chars.len() && chars[i] == '@' && chars[i + 1].is_alphanumeric();
            out.push(chars[start]);
            if followed_by_domain {
                out.push_str("***");
            } else {
                out.extend(&chars[start + 1..i]);
            }
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// E-mail addresses and phone numbers out of free text: an error message, a string anywhere in a
/// body. A phone is a run of 10 to 15 digits (with spaces, dashes, brackets, a leading +) that
/// stands apart from letters, so the digits inside a GUID or an id stay.
pub(crate) fn text(s: &str) -> String {
    mask_phones(&mask_emails(s))
}

fn mask_phones(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let starts = (chars[i].is_ascii_digit()
            || (chars[i] == '+' && chars.get(i + 1).is_some_and(char::is_ascii_digit)))
            && (i == 0 || !chars[i - 1].is_alphanumeric());
        if !starts {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let mut end = i + 1;
        while end < chars.len() && (chars[end].is_ascii_digit() || " -()".contains(chars[end])) {
            end += 1;
        }
        // Separators at the end belong to the text around the number.
        while end > i && " -(".contains(chars[end - 1]) {
            end -= 1;
        }
        let run: String = chars[i..end].iter().collect();
        let digits = run.chars().filter(char::is_ascii_digit).count();
        let apart = end == chars.len() || !chars[end].is_alphanumeric();
        out.push_str(&if apart && (10..=15).contains(&digits) {
            mask_phone(&run)
        } else {
            run
        });
        i = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_and_emails_in_free_text_are_masked_ids_are_not() {
        assert_eq!(
            text("Customer +7 (900) 123-45-67 ivan.petrov@mail.ru is blocked"),
            "Customer +* (***) ***-**-67 i***@mail.ru is blocked"
        );
        let guid = "0f8fad5b-d9cb-469f-a165-70867728950e";
        assert_eq!(text(guid), guid);
        assert_eq!(text("order 1001, 3 items"), "order 1001, 3 items");
        assert_eq!(text("79001234567"), "*********67");
    }
}
