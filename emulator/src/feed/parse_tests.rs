//! The YML reader and Mindbox's rules on feeds given as text.

use super::parse::{LISTED_REJECTIONS, Tally, read};

fn feed(offers: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <!DOCTYPE yml_catalog SYSTEM \"shops.dtd\">\n\
         <yml_catalog date=\"2026-01-01T00:00:00+00:00\"><shop><name>S</name>\
         <currencies><currency id=\"RUB\" rate=\"1\"/><currency id=\"USD\" rate=\"80.5\"/></currencies>\
         <categories><category id=\"1\">A &amp; B</category><category id=\"2\" parentId=\"1\">C</category></categories>\
         <offers>{offers}</offers></shop></yml_catalog>\n"
    )
}

fn offer(id: &str, extra: &str) -> String {
    format!(
        "<offer id=\"{id}\" available=\"true\"><price>10.5</price><currencyId>RUB</currencyId>\
         <categoryId>1</categoryId>{extra}</offer>\n"
    )
}

fn tally_of(text: &str, wanted: &[&str]) -> Tally {
    let mut tally = Tally {
        wanted: wanted.iter().map(|s| s.to_string()).collect(),
        ..Tally::default()
    };
    read(text.as_bytes(), &mut tally).unwrap();
    tally
}

fn reasons(tally: &Tally) -> Vec<(&str, &str)> {
    tally
        .rejected
        .iter()
        .map(|(id, reason)| (id.as_str(), reason.as_str()))
        .collect()
}

#[test]
fn a_good_feed_is_counted_whole() {
    let offers = [
        offer("a&amp;b", "<name>Dress &lt;1&gt;</name>"),
        offer(
            "sku-1",
            "<categoryId>2</categoryId><description><![CDATA[<p>Silk</p>]]></description>",
        ),
        "<offer id=\"sku-2\" group_id=\"10\"><price>1</price><currencyId>USD</currencyId></offer>"
            .into(),
        "<offer id=\"sku-3\" group_id=\"10\"><price>1</price><currencyId>USD</currencyId></offer>"
            .into(),
    ]
    .concat();
    let tally = tally_of(&feed(&offers), &["a&b", "sku-2", "absent"]);
    assert_eq!(tally.issues, Vec::<String>::new());
    assert_eq!(reasons(&tally), vec![]);
    assert_eq!(tally.offers, 4);
    assert_eq!(tally.currencies.len(), 2);
    assert_eq!(tally.categories.len(), 2);
    assert_eq!(tally.groups.len(), 1);
    let missing: Vec<&String> = tally.wanted.iter().collect();
    assert_eq!(missing, vec!["absent"], "references in ids are resolved");
}

#[test]
fn offers_are_rejected_by_mindbox_rules() {
    let long_id = "я".repeat(201);
    // 9,999 letters and two references that count one character each: 10,001.
    let long_description = format!(
        "<description>{}&amp;&#x44F;</description>",
        "a".repeat(9_999)
    );
    let offers = [
        offer(&long_id, ""),
        offer("long", &long_description),
        offer(
            "ok",
            &format!("<description>{}</description>", "a".repeat(10_000)),
        ),
        offer("ok", ""),
        offer("cat", "<categoryId>9</categoryId>"),
        "<offer id=\"free\"><currencyId>RUB</currencyId></offer>".into(),
        "<offer id=\"bare\"><price>1</price></offer>".into(),
        "<offer id=\"eur\"><price>1</price><currencyId>EUR</currencyId></offer>".into(),
        "<offer><price>1</price></offer>".into(),
    ]
    .concat();
    let tally = tally_of(&feed(&offers), &[]);
    assert_eq!(tally.issues, Vec::<String>::new());
    // An offer without a price is a product Mindbox keeps (unavailable, as the shop marks it).
    assert_eq!(tally.offers, 2);
    let reasons = reasons(&tally);
    let expected = [
        (long_id.as_str(), "longer than 200"),
        ("long", "description is longer than 10000"),
        ("ok", "same id"),
        ("cat", "categoryId 9"),
        ("bare", "a price without currencyId"),
        ("eur", "currencyId EUR"),
        ("", "no id"),
    ];
    assert_eq!(reasons.len(), expected.len(), "{reasons:?}");
    for ((id, reason), (want_id, want)) in reasons.iter().zip(expected) {
        assert_eq!(*id, want_id);
        assert!(reason.contains(want), "{reason:?} should say {want:?}");
    }
    assert_eq!(tally.rejected_count, 7);
}

#[test]
fn rejections_are_listed_up_to_a_limit_and_all_counted() {
    let offers: String = (0..LISTED_REJECTIONS + 5)
        .map(|i| format!("<offer id=\"{i}\"><price>1</price></offer>"))
        .collect();
    let tally = tally_of(&feed(&offers), &[]);
    assert_eq!(tally.rejected.len(), LISTED_REJECTIONS);
    assert_eq!(tally.rejected_count, LISTED_REJECTIONS as u64 + 5);
}

#[test]
fn a_feed_that_is_not_well_formed_is_an_issue() {
    let good = feed(&offer("1", ""));
    let cut = &good[..good.find("</offers>").unwrap()];
    let cases = [
        (good.replace("</name>", "</nam>"), "not well-formed"),
        (cut.to_string(), "cut short"),
        (good.replace("A &amp; B", "A &nbsp; B"), "&nbsp;"),
        (
            good.replace("<yml_catalog", "<catalog")
                .replace("</yml_catalog>", "</catalog>"),
            "not <yml_catalog>",
        ),
        (format!("{good}<yml_catalog/>"), "a second root"),
        (format!("{good}junk"), "text outside"),
        (
            good.replace("<offer id=\"1\"", "<offer id=\"1\" id=\"2\""),
            "not well-formed",
        ),
        (String::new(), "no <yml_catalog>"),
        ("<yml_catalog/>".to_string(), "no <shop>"),
    ];
    for (text, said) in cases {
        let tally = tally_of(&text, &[]);
        assert_eq!(tally.issues.len(), 1, "{said}: {:?}", tally.issues);
        assert!(
            tally.issues[0].contains(said),
            "{:?} should say {said:?}",
            tally.issues
        );
    }
}

#[test]
fn invalid_utf8_is_an_issue() {
    let mut bytes = feed(&offer("1", "<name>x</name>")).into_bytes();
    let at = bytes.windows(1).position(|w| w == b"x").unwrap();
    bytes[at] = 0xFF;
    let mut tally = Tally::default();
    read(bytes.as_slice(), &mut tally).unwrap();
    assert_eq!(tally.issues.len(), 1, "{:?}", tally.issues);
}
