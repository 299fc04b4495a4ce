//! What the handlers read from a request's head.

use hyper::HeaderMap;

use crate::state::journal::Pairs;

/// Query parameters, percent-decoded; a repeated name keeps its first value, as the checks do.
pub fn decode_query(query: &str) -> Pairs {
    let mut pairs = Pairs::default();
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        if pairs.get(&name).is_none() {
            pairs.0.push((name.into_owned(), value.into_owned()));
        }
    }
    pairs
}

pub fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_is_decoded_and_first_value_wins() {
        let q = decode_query("operation=Website.A%2BB&x=a+b&x=c&deviceUUID=%D0%AF");
        assert_eq!(q.get("operation"), Some("Website.A+B"));
        assert_eq!(q.get("x"), Some("a b"));
        assert_eq!(q.get("deviceUUID"), Some("Я"));
    }
}
