use super::*;
use serde_json::json;

fn ok(mut v: Value) -> Value {
    normalize(&mut v).unwrap();
    v
}

fn bad_path(mut v: Value) -> String {
    match normalize(&mut v) {
        Err(Error::InvalidArgument { path, .. }) => path,
        other => panic!("expected InvalidArgument, got {other:?}"),
    }
}

#[test]
fn phones_emails_money_and_quantities() {
    let v = ok(
        json!({"customer": {"mobilePhone": "+7 (900) 123-45-67", "email": "  a@b.ru "},
        "order": {"totalPrice": "1999.999", "deliveryCost": 300, "lines": [
            {"quantity": 1.23456, "basePricePerItem": 10.005}]}}),
    );
    assert_eq!(v["customer"]["mobilePhone"], "79001234567");
    assert_eq!(v["customer"]["email"], "a@b.ru");
    assert_eq!(v["order"]["totalPrice"], json!(2000));
    assert_eq!(v["order"]["deliveryCost"], json!(300));
    assert_eq!(v["order"]["lines"][0]["quantity"], json!(1.235));
    assert_eq!(
        v["order"]["lines"][0]["basePricePerItem"].as_f64(),
        Some(10.01)
    );
}

#[test]
fn line_numbers_fill_the_gaps() {
    let v = ok(json!({"order": {"lines": [{"quantity": 1}, {"lineNumber": 5}, {}]}}));
    let numbers: Vec<i64> = v["order"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["lineNumber"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, vec![6, 5, 7]);
    let v = ok(json!({"order": {"lines": [{}, {}, {}]}}));
    assert_eq!(v["order"]["lines"][2]["lineNumber"], 3);
}

#[test]
fn bad_fields_are_named_by_path() {
    assert_eq!(
        bad_path(json!({"order": {"lines": [{"quantity": 1}, {"quantity": "two"}]}})),
        "body.order.lines[1].quantity"
    );
    assert_eq!(
        bad_path(json!({"order": {"lines": [{"basePricePerItem": -1}]}})),
        "body.order.lines[0].basePricePerItem"
    );
    assert_eq!(
        bad_path(json!({"customer": {"email": 5}})),
        "body.customer.email"
    );
    assert_eq!(bad_path(json!([1, 2])), "body");
    assert_eq!(bad_path(json!("text")), "body");
}

#[test]
fn custom_fields_are_left_alone() {
    let v = ok(json!({"customer": {"customFields": {"count": "many", "email": 3}}}));
    assert_eq!(v["customer"]["customFields"]["count"], "many");
}

#[test]
fn oversize_bodies_are_refused() {
    let big = json!({"x": "y".repeat(MAX_BODY_BYTES)});
    assert!(matches!(to_bytes(&big), Err(Error::InvalidArgument { .. })));
    assert!(to_bytes(&json!({"a": "Привет"})).is_ok());
}

#[test]
fn money_and_quantities_round_as_php_does() {
    for (n, places, php) in [
        (1.005, 2, 1.01),
        (2.675, 2, 2.68),
        (0.1 + 0.2, 2, 0.3),
        (966.666666, 2, 966.67),
        (1.0005, 3, 1.001),
        (5.0, 2, 5.0),
        (0.004, 2, 0.0),
    ] {
        assert_eq!(round_half_away(n, places), Some(php), "{n}");
    }
    assert_eq!(round_half_away(1e15, 2), None);
}

#[test]
fn numbers_json_cannot_carry_are_refused_not_nulled() {
    for body in [
        json!({"order": {"totalPrice": 1e308}}),
        json!({"order": {"lines": [{"quantity": 1e306}]}}),
    ] {
        let mut body = body;
        let e = normalize(&mut body).unwrap_err();
        assert!(e.to_string().contains("too large"), "{e}");
    }
}

#[test]
fn a_junk_phone_costs_the_field_not_the_body() {
    let v = ok(
        json!({"customer": {"email": "a@b.ru", "mobilePhone": "call me", "lastName": "И"},
        "order": {"customer": {"mobilePhone": "8 (900) 123-45-67, 8 495 123-45-67"}}}),
    );
    assert_eq!(v["customer"], json!({"email": "a@b.ru", "lastName": "И"}));
    let keys: Vec<&String> = v["customer"].as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        ["email", "lastName"],
        "the other fields keep their order"
    );
    assert_eq!(v["order"]["customer"]["mobilePhone"], "89001234567");
    assert_eq!(
        ok(json!({"customer": {"mobilePhone": null}}))["customer"],
        json!({"mobilePhone": null})
    );
}
