use super::*;
use crate::private::test_dir;
use serde_json::{Value, json};
use std::fs;
use std::io::Read as _;
use std::os::unix::fs::PermissionsExt;

/// A writer past its categories: currency RUB, categories 1 and 2.
pub(crate) fn started(target: &Path, gzip: bool) -> FeedWriter {
    let mut w = FeedWriter::open(target, gzip).unwrap();
    w.shop(&json!({"name": "Shop", "company": "Shop & Co", "url": "https://shop.example"}))
        .unwrap();
    w.currencies(&json!([{"id": "RUB", "rate": 1}])).unwrap();
    w.categories(
        &json!([{"id": 1, "name": "Dresses"}, {"id": 2, "parentId": 1, "name": "Evening"}]),
    )
    .unwrap();
    w
}

/// The file's text with the date made constant.
pub(crate) fn text_of(path: &Path) -> String {
    let text = fs::read_to_string(path).unwrap();
    let start = text.find("date=\"").unwrap() + 6;
    let end = start + text[start..].find('"').unwrap();
    format!("{}DATE{}", &text[..start], &text[end..])
}

/// Temporary files left in `dir`.
pub(crate) fn leftovers(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect()
}

#[test]
fn writes_the_sections_in_order() {
    let dir = test_dir("feed-order");
    let target = dir.join("feed.yml");
    let mut w = started(&target, false);
    w.offers(
        &json!([{"id": 7, "available": false, "price": 1299.5, "currencyId": "RUB",
        "categoryId": 2, "name": "Dress"}]),
    )
    .unwrap();
    let summary = w.finish().unwrap();
    assert_eq!(
        text_of(&target),
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<yml_catalog date=\"DATE\">\n<shop>\n\
         <name>Shop</name>\n<company>Shop &amp; Co</company>\n<url>https://shop.example</url>\n\
         <currencies>\n<currency id=\"RUB\" rate=\"1\"/>\n</currencies>\n<categories>\n\
         <category id=\"1\">Dresses</category>\n<category id=\"2\" parentId=\"1\">Evening</category>\n\
         </categories>\n<offers>\n<offer id=\"7\" available=\"false\">\n<price>1299.5</price>\n\
         <currencyId>RUB</currencyId>\n<categoryId>2</categoryId>\n<name>Dress</name>\n</offer>\n\
         </offers>\n</shop>\n</yml_catalog>\n"
    );
    assert_eq!(summary.offers, 1);
    assert_eq!(summary.categories, 2);
    assert_eq!(summary.bytes, fs::metadata(&target).unwrap().len());
    assert_eq!(summary.skipped, vec![("idTooLong", 0)]);
    assert!(leftovers(&dir).is_empty());
}

#[test]
fn an_empty_catalogue_still_has_every_section() {
    let dir = test_dir("feed-empty");
    let target = dir.join("feed.yml");
    started(&target, false).finish().unwrap();
    assert!(
        text_of(&target).ends_with("</categories>\n<offers>\n</offers>\n</shop>\n</yml_catalog>\n")
    );
}

#[test]
fn sections_out_of_order_are_refused() {
    let dir = test_dir("feed-out-of-order");
    let target = dir.join("feed.yml");
    let err = |f: &dyn Fn(&mut FeedWriter) -> Result<()>| {
        let mut w = FeedWriter::open(&target, false).unwrap();
        w.shop(&json!({"name": "S", "company": "C", "url": "https://s"}))
            .unwrap();
        f(&mut w).unwrap_err().to_string()
    };
    assert!(
        err(&|w: &mut FeedWriter| w.categories(&json!([])))
            .contains("categories() before currencies()")
    );
    assert!(
        err(&|w: &mut FeedWriter| w.offers(&json!([]))).contains("offers() before currencies()")
    );
    assert!(err(&|w: &mut FeedWriter| w.shop(&json!({"name": "S", "company": "C", "url": "https://s"})))
        .contains("shop() after shop()"));
    assert!(
        err(&|w: &mut FeedWriter| {
            w.currencies(&json!([{"id": "RUB", "rate": 1}]))?;
            w.categories(&json!([{"id": 1, "name": "A"}]))?;
            w.offers(&json!([]))?;
            w.currencies(&json!([{"id": "USD", "rate": 80}]))
        })
        .contains("currencies() after offers()")
    );
    let mut w = FeedWriter::open(&target, false).unwrap();
    assert!(
        w.finish()
            .unwrap_err()
            .to_string()
            .contains("finish() after open()")
    );
    assert!(!target.exists());
    assert!(leftovers(&dir).is_empty());
}

#[test]
fn sections_may_come_in_several_batches() {
    let dir = test_dir("feed-batches");
    let target = dir.join("feed.yml");
    let mut w = started(&target, false);
    w.categories(&json!([{"id": 3, "name": "Shoes"}])).unwrap();
    let offer = |id: u32, category: u32| json!({"id": id, "categoryId": category});
    w.offers(&json!([offer(1, 1), offer(2, 3)])).unwrap();
    w.offers(&json!([offer(3, 2)])).unwrap();
    assert_eq!(w.finish().unwrap().offers, 3);
    assert_eq!(text_of(&target).matches("<offer ").count(), 3);
}

#[test]
fn rates_are_written_as_given() {
    let dir = test_dir("feed-rates");
    let target = dir.join("feed.yml");
    let mut w = FeedWriter::open(&target, false).unwrap();
    w.shop(&json!({"name": "S", "company": "C", "url": "https://s"}))
        .unwrap();
    w.currencies(
        &json!([{"id": "RUB", "rate": 1}, {"id": "USD", "rate": 80.5},
        {"id": "EUR", "rate": "92,3456"}]),
    )
    .unwrap();
    w.categories(&json!([])).unwrap();
    w.finish().unwrap();
    let text = text_of(&target);
    assert!(
        text.contains("<currency id=\"USD\" rate=\"80.5\"/>"),
        "{text}"
    );
    assert!(
        text.contains("<currency id=\"EUR\" rate=\"92.3456\"/>"),
        "{text}"
    );
    for (bad, path) in [
        (json!([{"id": "USD", "rate": 0}]), "currencies[0].rate"),
        (json!([{"id": "USD"}]), "currencies[0].rate"),
        (
            json!([{"id": "RUB", "rate": 1}, {"id": "RUB", "rate": 1}]),
            "currencies[1].id",
        ),
        (
            json!([{"id": "USD", "rate": 1, "sign": "$"}]),
            "currencies[0].sign",
        ),
    ] {
        let mut w = FeedWriter::open(&target, false).unwrap();
        w.shop(&json!({"name": "S", "company": "C", "url": "https://s"}))
            .unwrap();
        match w.currencies(&bad) {
            Err(Error::InvalidArgument { path: p, .. }) => assert_eq!(p, path),
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn duplicate_categories_are_refused() {
    let dir = test_dir("feed-duplicate-categories");
    let mut w = started(&dir.join("feed.yml"), false);
    match w.categories(&json!([{"id": 3, "name": "A"}, {"id": "1", "name": "B"}])) {
        Err(Error::InvalidArgument { path, .. }) => assert_eq!(path, "categories[1].id"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn gzip_decompresses_to_the_same_xml() {
    let dir = test_dir("feed-gzip");
    let write = |name: &str, gzip: bool| {
        let target = dir.join(name);
        let mut w = started(&target, gzip);
        for batch in 0..20 {
            let offers: Vec<Value> = (0..500)
                .map(|i| json!({"id": batch * 500 + i, "categoryId": 1, "name": "Платье & <co>"}))
                .collect();
            w.offers(&Value::Array(offers)).unwrap();
        }
        (target, w.finish().unwrap())
    };
    let (plain, plain_summary) = write("feed.yml", false);
    let (gzip, gzip_summary) = write("feed.yml.gz", true);
    let mut unzipped = String::new();
    flate2::read::GzDecoder::new(fs::File::open(&gzip).unwrap())
        .read_to_string(&mut unzipped)
        .unwrap();
    let strip = |t: &str| t[t.find("<shop>").unwrap()..].to_string();
    assert_eq!(
        strip(&unzipped),
        strip(&fs::read_to_string(&plain).unwrap())
    );
    assert_eq!(gzip_summary.bytes, fs::metadata(&gzip).unwrap().len());
    assert!(gzip_summary.bytes * 5 < plain_summary.bytes);
}

#[test]
fn finish_replaces_the_target_and_keeps_its_mode() {
    let dir = test_dir("feed-rename");
    let target = dir.join("feed.yml");
    fs::write(&target, "old feed").unwrap();
    fs::set_permissions(&target, fs::Permissions::from_mode(0o640)).unwrap();
    let mut w = started(&target, false);
    assert_eq!(
        fs::read_to_string(&target).unwrap(),
        "old feed",
        "untouched until finish"
    );
    w.finish().unwrap();
    assert!(
        fs::read_to_string(&target)
            .unwrap()
            .contains("<yml_catalog")
    );
    assert_eq!(
        fs::metadata(&target).unwrap().permissions().mode() & 0o777,
        0o640
    );
    let fresh = dir.join("fresh.yml");
    started(&fresh, false).finish().unwrap();
    assert_eq!(
        fs::metadata(&fresh).unwrap().permissions().mode() & 0o777,
        0o644
    );
    assert!(leftovers(&dir).is_empty());
}

#[test]
fn the_temporary_file_is_beside_the_target_under_an_unguessable_name() {
    let dir = test_dir("feed-temp");
    let w = started(&dir.join("feed.yml"), false);
    let names = leftovers(&dir);
    assert_eq!(names.len(), 1);
    assert!(
        names[0].starts_with(".feed.yml.") && names[0].len() > 40,
        "{names:?}"
    );
    drop(w);
    assert!(leftovers(&dir).is_empty());
}

#[test]
fn an_error_or_an_abandoned_writer_leaves_the_old_feed() {
    let dir = test_dir("feed-failure");
    let target = dir.join("feed.yml");
    fs::write(&target, "old feed").unwrap();
    let mut w = started(&target, true);
    w.offers(&json!([{"id": 1, "categoryId": 1}])).unwrap();
    assert!(w.offers(&json!([{"id": 2, "categoryId": 99}])).is_err());
    assert!(leftovers(&dir).is_empty(), "removed at the error");
    assert!(
        w.offers(&json!([{"id": 3, "categoryId": 1}]))
            .unwrap_err()
            .to_string()
            .contains("closed")
    );
    assert!(w.finish().is_err());
    assert_eq!(fs::read_to_string(&target).unwrap(), "old feed");

    let mut w = started(&target, false);
    w.offers(&json!([{"id": 1, "categoryId": 1}])).unwrap();
    drop(w);
    let mut aborted = started(&target, false);
    aborted.abort();
    assert_eq!(fs::read_to_string(&target).unwrap(), "old feed");
    assert!(leftovers(&dir).is_empty());
}

#[test]
fn an_unwritable_place_is_a_feed_error() {
    let dir = test_dir("feed-unwritable");
    let missing = dir.join("no/such/feed.yml");
    match FeedWriter::open(&missing, false) {
        Err(Error::Feed { path, message }) => {
            assert_eq!(path, missing.display().to_string());
            assert!(message.contains("cannot create a file in"), "{message}");
        }
        Err(other) => panic!("{other:?}"),
        Ok(_) => panic!("opened"),
    }
    assert!(matches!(
        FeedWriter::open(&dir, false),
        Err(Error::Feed { .. })
    ));
}
