//! Mindbox's rules for a product feed and its offers (next-wave.md §1.1), as the emulator
//! applies them: what keeps an offer out, and the file's limit. Every rule is here once.

use std::collections::HashSet;

/// Longer offer ids are refused.
pub const MAX_ID: usize = 200;
/// A longer description keeps the product out of Mindbox.
pub const MAX_DESCRIPTION: usize = 10_000;
/// Mindbox's 1.5 GB, read as decimal gigabytes: the stricter reading.
pub const MAX_BYTES: u64 = 1_500_000_000;

/// A text's length as Mindbox's limits count it: in UTF-16 units, the stricter of the counts a
/// parser may use (an emoji counts two).
pub fn length(text: &str) -> usize {
    text.encode_utf16().count()
}

/// What the emulator keeps of one `<offer>` while it reads it.
#[derive(Debug, Default)]
pub struct Offer {
    pub id: Option<String>,
    pub group_id: Option<String>,
    pub price: Option<String>,
    pub currency_id: Option<String>,
    pub category_ids: Vec<String>,
    /// The description's length (see [`length`]); the text itself is not kept.
    pub description_length: usize,
}

/// The currencies and categories the feed declared before its offers.
pub struct Declared<'a> {
    pub currencies: &'a HashSet<String>,
    pub categories: &'a HashSet<String>,
}

/// Why Mindbox would not import the offer, or None when it would. `seen` says whether an
/// earlier offer had the same id.
pub fn refusal(offer: &Offer, declared: &Declared<'_>, seen: bool) -> Option<String> {
    let Some(id) = offer.id.as_deref().filter(|id| !id.trim().is_empty()) else {
        return Some("the offer has no id".into());
    };
    if length(id) > MAX_ID {
        return Some(format!("the id is longer than {MAX_ID} characters"));
    }
    if seen {
        return Some("an earlier offer has the same id".into());
    }
    if offer.description_length > MAX_DESCRIPTION {
        return Some(format!(
            "the description is longer than {MAX_DESCRIPTION} characters: the product is not added"
        ));
    }
    // No rule of Mindbox's makes a price required: a product the shop cannot sell yet (no price,
    // `available="false"`) is still a product of the catalogue. A price needs its currency.
    if let Some(price) = offer.price.as_deref() {
        if !price
            .trim()
            .parse::<f64>()
            .is_ok_and(|p| p.is_finite() && p >= 0.0)
        {
            return Some(format!("the price {price:?} is not a number"));
        }
        if offer.currency_id.is_none() {
            return Some("a price without currencyId".into());
        }
    }
    if let Some(currency) = offer.currency_id.as_deref()
        && !declared.currencies.contains(currency)
    {
        return Some(format!(
            "currencyId {currency} is not among the feed's currencies"
        ));
    }
    offer
        .category_ids
        .iter()
        .find(|c| !declared.categories.contains(c.as_str()))
        .map(|c| format!("categoryId {c} is not among the feed's categories"))
}

/// An IANA charset name Mindbox takes in `Content-Type` (names and registered aliases of the
/// charsets a Russian shop's feed may come in), compared without case.
pub fn is_iana_charset(name: &str) -> bool {
    const NAMES: [&str; 13] = [
        "utf-8",
        "utf-16",
        "utf-16be",
        "utf-16le",
        "us-ascii",
        "iso-8859-1",
        "iso-8859-5",
        "windows-1251",
        "windows-1252",
        "koi8-r",
        "koi8-u",
        "ibm866",
        "cp866",
    ];
    NAMES.iter().any(|n| n.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offer() -> Offer {
        Offer {
            id: Some("sku-1".into()),
            price: Some("10.50".into()),
            currency_id: Some("RUB".into()),
            category_ids: vec!["1".into()],
            ..Offer::default()
        }
    }

    fn judged(offer: &Offer, seen: bool) -> Option<String> {
        let currencies = HashSet::from(["RUB".to_string()]);
        let categories = HashSet::from(["1".to_string()]);
        let declared = Declared {
            currencies: &currencies,
            categories: &categories,
        };
        refusal(offer, &declared, seen)
    }

    #[test]
    fn a_complete_offer_is_imported() {
        assert_eq!(judged(&offer(), false), None);
    }

    #[test]
    fn an_offer_without_a_price_is_imported() {
        let mut o = offer();
        o.price = None;
        assert_eq!(judged(&o, false), None);
        o.currency_id = None;
        assert_eq!(judged(&o, false), None);
    }

    #[test]
    fn each_rule_refuses_with_its_reason() {
        type Change = fn(&mut Offer);
        let cases: [(Change, &str); 7] = [
            (|o| o.id = None, "no id"),
            (|o| o.id = Some("я".repeat(201)), "longer than 200"),
            (|o| o.description_length = 10_001, "product is not added"),
            (|o| o.price = Some("12,5".into()), "not a number"),
            (|o| o.currency_id = None, "a price without currencyId"),
            (|o| o.currency_id = Some("USD".into()), "USD is not among"),
            (
                |o| o.category_ids.push("9".into()),
                "categoryId 9 is not among",
            ),
        ];
        for (change, reason) in cases {
            let mut o = offer();
            change(&mut o);
            let said = judged(&o, false).unwrap_or_default();
            assert!(said.contains(reason), "{said:?} should say {reason:?}");
        }
        assert!(judged(&offer(), true).unwrap().contains("same id"));
    }

    #[test]
    fn limits_are_inclusive_and_count_utf16_units() {
        let mut o = offer();
        o.id = Some("я".repeat(200));
        o.description_length = 10_000;
        assert_eq!(judged(&o, false), None);
        o.id = Some(format!("{}👗", "a".repeat(199)));
        assert!(judged(&o, false).is_some(), "an emoji counts two");
        assert_eq!(length("a👗я"), 4);
    }

    #[test]
    fn charsets_must_be_iana_names() {
        assert!(is_iana_charset("UTF-8"));
        assert!(is_iana_charset("windows-1251"));
        assert!(!is_iana_charset("utf8"));
        assert!(!is_iana_charset("cp1251"));
    }
}
