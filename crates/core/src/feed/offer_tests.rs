use super::tests::{leftovers, started, text_of};
use super::*;
use crate::private::test_dir;
use serde_json::{Value, json};

/// The feed of one batch of offers, or the error's path and message.
fn feed(name: &str, offers: Value) -> std::result::Result<(String, FeedSummary), (String, String)> {
    let dir = test_dir(&format!("feed-offer-{name}"));
    let target = dir.join("feed.yml");
    let mut w = started(&target, false);
    let result = w.offers(&offers).and_then(|()| w.finish());
    assert!(leftovers(&dir).is_empty());
    match result {
        Ok(summary) => Ok((text_of(&target), summary)),
        Err(Error::InvalidArgument { path, message }) => {
            assert!(!target.exists(), "no feed after an error");
            Err((path, message))
        }
        Err(other) => panic!("{other}"),
    }
}

fn offer_xml(name: &str, offer: Value) -> String {
    let (text, _) = feed(name, json!([offer])).unwrap();
    let start = text.find("<offer ").unwrap();
    text[start..text.find("</offers>").unwrap()].to_string()
}

#[test]
fn every_field_in_yml_order() {
    let xml = offer_xml(
        "fields",
        json!({"id": "sku-1", "available": true, "group_id": 10, "url": "https://s/p?a=1&b=2",
            "price": "1299,505", "oldprice": 1500, "currencyId": "RUB", "categoryId": [1, "2"],
            "picture": ["https://cdn/1.jpg", "https://cdn/2.jpg"], "name": "Dress",
            "vendor": "Brand", "vendorCode": 12345, "description": "<p>Silk</p>",
            "param": {"COLOR_REF": ["red", "blue"], "Size": "M", "Sale": true}}),
    );
    assert_eq!(
        xml,
        "<offer id=\"sku-1\" available=\"true\" group_id=\"10\">\n\
         <url>https://s/p?a=1&amp;b=2</url>\n<price>1299.51</price>\n<oldprice>1500</oldprice>\n\
         <currencyId>RUB</currencyId>\n<categoryId>1</categoryId>\n<categoryId>2</categoryId>\n\
         <picture>https://cdn/1.jpg</picture>\n<picture>https://cdn/2.jpg</picture>\n\
         <name>Dress</name>\n<vendor>Brand</vendor>\n<vendorCode>12345</vendorCode>\n\
         <description>&lt;p&gt;Silk&lt;/p&gt;</description>\n\
         <param name=\"COLOR_REF\">red|blue</param>\n<param name=\"Size\">M</param>\n\
         <param name=\"Sale\">true</param>\n</offer>\n"
    );
}

#[test]
fn oldprice_only_when_given_and_available_by_default() {
    let xml = offer_xml(
        "minimal",
        json!({"id": 1, "price": 10, "currencyId": "RUB", "categoryId": 1}),
    );
    assert!(!xml.contains("oldprice"));
    assert!(xml.starts_with("<offer id=\"1\" available=\"true\">"));
}

#[test]
fn skus_carry_their_product_as_group_id() {
    let (text, summary) = feed(
        "skus",
        json!([{"id": "101", "group_id": "100", "categoryId": 1, "param": {"Size": "S"}},
            {"id": "102", "group_id": "100", "categoryId": 1, "param": {"Size": "M"}}]),
    )
    .unwrap();
    assert_eq!(text.matches("group_id=\"100\"").count(), 2);
    assert_eq!(summary.offers, 2);
}

#[test]
fn text_is_escaped_and_stripped_of_what_xml_forbids() {
    let xml = offer_xml(
        "escaping",
        json!({"id": "a&b", "categoryId": 1, "name": "Tom & \"Jerry\" <'1'>\u{1}\u{1F}",
            "param": {"a<b": "x\u{0}y"}}),
    );
    assert!(xml.contains("<offer id=\"a&amp;b\""), "{xml}");
    assert!(
        xml.contains("<name>Tom &amp; &quot;Jerry&quot; &lt;&apos;1&apos;&gt;</name>"),
        "{xml}"
    );
    assert!(xml.contains("<param name=\"a&lt;b\">xy</param>"), "{xml}");
}

#[test]
fn a_too_long_id_skips_the_offer_and_is_counted() {
    let longest = "x".repeat(200);
    let emoji = "👗".repeat(101);
    let (text, summary) = feed(
        "long-id",
        json!([{"id": longest, "categoryId": 1}, {"id": "y".repeat(201), "categoryId": 1},
            {"id": emoji, "categoryId": 99}]),
    )
    .unwrap();
    assert!(text.contains(&format!("<offer id=\"{longest}\"")));
    assert_eq!(summary.offers, 1);
    assert_eq!(summary.skipped, vec![("idTooLong", 2)]);
}

#[test]
fn a_long_description_is_cut_at_a_character_boundary_and_counted() {
    let long = format!("{}👗tail", "я".repeat(9_999));
    let (text, summary) = feed(
        "description",
        json!([{"id": 1, "categoryId": 1, "description": long},
            {"id": 2, "categoryId": 1, "description": "я".repeat(10_000)}]),
    )
    .unwrap();
    assert!(text.contains(&format!("<description>{}</description>", "я".repeat(9_999))));
    assert!(text.contains(&format!(
        "<description>{}</description>",
        "я".repeat(10_000)
    )));
    assert_eq!(summary.descriptions_cut, 1);
}

#[test]
fn duplicate_ids_are_refused_naming_the_offer() {
    let (path, message) = feed(
        "duplicates",
        json!([{"id": 5, "categoryId": 1}, {"id": 6, "categoryId": 1}, {"id": "5", "categoryId": 1}]),
    )
    .unwrap_err();
    assert_eq!(path, "offers[2].id");
    assert!(message.contains("offer \"5\""), "{message}");
}

#[test]
fn an_unknown_category_is_refused_naming_the_offer_and_field() {
    let (path, message) = feed(
        "unknown-category",
        json!([{"id": 1, "categoryId": 1}, {"id": "sku-2", "categoryId": [2, 77]}]),
    )
    .unwrap_err();
    assert_eq!(path, "offers[1].categoryId[1]");
    assert!(
        message.contains("77") && message.contains("offer \"sku-2\""),
        "{message}"
    );
}

#[test]
fn bad_offers_are_refused_by_path() {
    let cases = [
        (json!({"categoryId": 1}), "offers[0].id"),
        (json!({"id": "", "categoryId": 1}), "offers[0].id"),
        (json!({"id": 1}), "offers[0].categoryId"),
        (json!({"id": 1, "categoryId": []}), "offers[0].categoryId"),
        (json!({"id": 1, "categoryId": 99}), "offers[0].categoryId"),
        (
            json!({"id": 1, "categoryId": [null, 1, "", 99]}),
            "offers[0].categoryId[3]",
        ),
        (
            json!({"id": 1, "categoryId": 1, "price": 5}),
            "offers[0].currencyId",
        ),
        (
            json!({"id": 1, "categoryId": 1, "price": 5, "currencyId": "USD"}),
            "offers[0].currencyId",
        ),
        (
            json!({"id": 1, "categoryId": 1, "price": -5, "currencyId": "RUB"}),
            "offers[0].price",
        ),
        (
            json!({"id": 1, "categoryId": 1, "oldprice": "a lot"}),
            "offers[0].oldprice",
        ),
        (
            json!({"id": 1, "categoryId": 1, "available": "Y"}),
            "offers[0].available",
        ),
        (
            json!({"id": 1, "categoryId": 1, "name": ["a"]}),
            "offers[0].name",
        ),
        (
            json!({"id": 1, "categoryId": 1, "colour": "red"}),
            "offers[0].colour",
        ),
        (
            json!({"id": 1, "categoryId": 1, "param": "red"}),
            "offers[0].param",
        ),
        (
            json!({"id": 1, "categoryId": 1, "param": {"Size": {"a": 1}}}),
            "offers[0].param.Size",
        ),
        (
            json!({"id": 1, "categoryId": 1, "param": {"Size": ["S", [1]]}}),
            "offers[0].param.Size[1]",
        ),
        (
            json!({"id": 1, "categoryId": 1, "param": {" ": "x"}}),
            "offers[0].param. ",
        ),
        (json!("not an offer"), "offers[0]"),
    ];
    for (offer, expected) in cases {
        let (path, _) = feed("bad", json!([offer])).unwrap_err();
        assert_eq!(path, expected, "{offer}");
    }
    let (path, _) = feed("keyed", json!({"4": {"id": 1}})).unwrap_err();
    assert_eq!(
        path, "offers[4].categoryId",
        "a PHP array's own keys name the offer"
    );
    let (path, _) = feed("not-a-list", json!("offers")).unwrap_err();
    assert_eq!(path, "offers");
}
