//! What orders hold, without HTTP: lines as creations tell them, updates by line number or id,
//! the statuses of all lines or of some, splits on a partial quantity, and the refusals.

use serde_json::{Value, json};

use super::Loyalty;
use super::test_support::{balance, config, line, order_body, run, with_state_file};

/// The HTTP status and the answer of a call.
fn call(loyalty: &mut Loyalty, operation: &str, body: &Value) -> (u16, Value) {
    let raw = serde_json::value::to_raw_value(body).unwrap();
    let handled = loyalty.answer(operation, false, Some(&raw)).unwrap();
    (handled.http_status, handled.answer)
}

fn numbered(id: &str, number: u64, quantity: f64, status: &str) -> Value {
    let mut l = line(id, &format!("SKU-{id}"), quantity, 100.0);
    l["lineNumber"] = json!(number);
    l["status"] = json!(status);
    l
}

/// A standard order 5 of two lines: "a" (3 units) and "b" (1 unit).
fn standard() -> Loyalty {
    let mut loyalty = Loyalty::new(None);
    let body = json!({"order": {"ids": {"websiteID": "5"}, "totalPrice": 400, "deliveryCost": 50,
                                "lines": [numbered("a", 1, 3.0, "CheckedOut"),
                                          numbered("b", 2, 1.0, "CheckedOut")]}});
    run(&mut loyalty, "Website.CreateOrder", &body);
    loyalty
}

fn told(loyalty: &Loyalty) -> Value {
    loyalty.order(&json!({"websiteID": "5"})).unwrap()
}

/// `fields` of each of `lines`, as a JSON list of lists.
fn pick(lines: &Value, fields: &[&str]) -> Value {
    let lines = lines.as_array().unwrap().iter();
    lines
        .map(|l| fields.iter().map(|f| l[f].clone()).collect::<Value>())
        .collect()
}

/// lineId, lineNumber, quantity and status of each line of order 5, as told now.
fn lines(loyalty: &Loyalty) -> Value {
    pick(
        &told(loyalty)["lines"],
        &["lineId", "lineNumber", "quantity", "status"],
    )
}

fn per_line(changes: Value) -> Value {
    json!({"order": {"ids": {"websiteID": "5"}, "lines": changes}})
}

#[test]
fn a_creation_keeps_its_totals_and_lines_and_the_order_its_status() {
    let mut loyalty = standard();
    let order = told(&loyalty);
    assert_eq!(
        order,
        json!({"mindboxId": 1, "ids": {"websiteID": "5"}, "totalPrice": 400.0,
               "deliveryCost": 50.0, "status": "CheckedOut", "lines": [
            {"lineId": "a", "lineNumber": 1, "productIds": {"website": "SKU-a"}, "quantity": 3,
             "basePricePerItem": 100.0, "priceOfLine": null, "status": "CheckedOut"},
            {"lineId": "b", "lineNumber": 2, "productIds": {"website": "SKU-b"}, "quantity": 1,
             "basePricePerItem": 100.0, "priceOfLine": null, "status": "CheckedOut"}]})
    );
    // Lines without numbers come after the largest; a status may be a reference.
    let mut offline = line("c", "X", 1.5, 10.0);
    offline["status"] = json!({"ids": {"externalId": "Paid"}});
    let body = json!({"order": {"ids": {"websiteID": "6"},
                                "lines": [offline, numbered("d", 4, 1.0, "Paid")]}});
    run(&mut loyalty, "Website.SaveOfflineOrder", &body);
    let order = loyalty.order(&json!({"websiteID": 6})).unwrap();
    assert_eq!(order["lines"][0]["lineNumber"], 4);
    assert_eq!(
        (
            &order["lines"][1]["lineNumber"],
            &order["lines"][1]["quantity"]
        ),
        (&json!(5), &json!(1.5))
    );
    assert_eq!(
        (&order["status"], &order["totalPrice"]),
        (&json!("Paid"), &Value::Null)
    );
    assert_eq!(loyalty.orders().as_array().unwrap().len(), 2);
}

#[test]
fn a_processed_order_holds_the_lines_mindbox_answered() {
    let mut loyalty = Loyalty::new(None);
    loyalty.configure(config(
        json!({"promotions": [{"id": "P", "percent": 10, "maxQuantityPerLine": 1}]}),
    ));
    let mut body = order_body(1900.0, 0.0);
    body["order"]["lines"] = json!([line("a", "X", 2.0, 1000.0)]);
    body["order"]["lines"][0]["status"] = json!({"ids": {"externalId": "CheckedOut"}});
    let (status, answer) = call(&mut loyalty, "Website.CreateAuthorizedOrder", &body);
    assert_eq!(
        (status, &answer["order"]["processingStatus"]),
        (200, &json!("Processed"))
    );
    let order = loyalty.order(&json!({"websiteID": "A-1"})).unwrap();
    let kept = pick(
        &order["lines"],
        &["lineId", "lineNumber", "priceOfLine", "status"],
    );
    assert_eq!(
        kept,
        json!([
            ["a", 1, 900.0, "CheckedOut"],
            ["a", 2, 1000.0, "CheckedOut"]
        ])
    );
    assert_eq!(
        pick(&answer["order"]["lines"], &["lineNumber"]),
        json!([[1], [2]])
    );
    assert_eq!(order["totalPrice"], 1900.0);
}

#[test]
fn an_update_replaces_lines_by_number_or_id_and_keeps_the_rest() {
    let mut loyalty = standard();
    let mut more = line("a", "SKU-a", 2.0, 90.0);
    more["status"] = json!("CheckedOut");
    let update = json!({"order": {"ids": {"websiteID": "5", "websiteTempID": "t-5"}, "totalPrice": 280,
                                  "lines": [more, numbered("c", 7, 1.0, "CheckedOut")]}});
    assert_eq!(
        call(&mut loyalty, "Website.UpdateOrder", &update),
        (200, json!({"status": "Success"}))
    );
    let expected = json!([
        ["a", 1, 2, "CheckedOut"],
        ["b", 2, 1, "CheckedOut"],
        ["c", 7, 1, "CheckedOut"]
    ]);
    assert_eq!(lines(&loyalty), expected);
    let order = told(&loyalty);
    assert_eq!(
        (&order["totalPrice"], &order["deliveryCost"]),
        (&json!(280.0), &json!(50.0))
    );
    assert_eq!(order["lines"][0]["basePricePerItem"], 90.0);
    assert_eq!(
        order["ids"],
        json!({"websiteID": "5", "websiteTempID": "t-5"})
    );
    // A line named by its number takes the line's place, whatever it was.
    let renumbered = json!({"order": {"ids": {"websiteID": "5"}, "lines": [numbered("x", 2, 4.0, "Cancelled")]}});
    run(&mut loyalty, "Website.UpdateOrder", &renumbered);
    assert_eq!(lines(&loyalty)[1], json!(["x", 2, 4, "Cancelled"]));
    assert_eq!(told(&loyalty)["status"], Value::Null);
}

#[test]
fn an_update_of_an_order_mindbox_does_not_have_creates_it_without_points() {
    let mut loyalty = Loyalty::new(None);
    loyalty.configure(config(json!({"earnPercent": 10})));
    let bare =
        json!({"customer": {"ids": {"websiteID": "42"}}, "order": {"ids": {"websiteID": "9"}}});
    assert_eq!(
        call(&mut loyalty, "Website.UpdateOrder", &bare),
        (200, json!({"status": "Success"}))
    );
    assert_eq!(loyalty.orders(), json!([]));
    let mut full = bare.clone();
    full["order"]["totalPrice"] = json!(1000);
    full["order"]["lines"] = json!([numbered("a", 1, 1.0, "Paid")]);
    assert_eq!(
        call(&mut loyalty, "Website.UpdateOrder", &full),
        (200, json!({"status": "Success"}))
    );
    let order = loyalty.order(&json!({"websiteID": "9"})).unwrap();
    assert_eq!(
        (&order["mindboxId"], &order["status"]),
        (&json!(1), &json!("Paid"))
    );
    assert_eq!(loyalty.ledger()["orders"][0]["earnedPoints"], 0.0);
    assert_eq!(balance(&mut loyalty), 100.0);
}

#[test]
fn order_lines_status_moves_every_line_and_still_cancels_once() {
    let mut loyalty = Loyalty::new(None);
    run(
        &mut loyalty,
        "Website.CreateAuthorizedOrder",
        &order_body(900.0, 100.0),
    );
    assert_eq!(balance(&mut loyalty), 0.0);
    let cancel = json!({"orderLinesStatus": "Cancelled", "order": {"ids": {"websiteID": "A-1"}}});
    for _ in 0..2 {
        let answer = call(&mut loyalty, "Website.UpdateOrder", &cancel);
        assert_eq!(answer, (200, json!({"status": "Success"})));
        assert_eq!(balance(&mut loyalty), 100.0);
    }
    let order = loyalty.order(&json!({"websiteID": "A-1"})).unwrap();
    assert_eq!(
        (&order["status"], &order["lines"][0]["status"]),
        (&json!("Cancelled"), &json!("Cancelled"))
    );
    // The change of an order Mindbox does not have is HTTP 400; under the update's name, the
    // update's Success (the module's safety-net cancellations).
    let unknown = json!({"orderLinesStatus": "Cancelled", "order": {"ids": {"websiteID": "A-2"}}});
    let (status, answer) = call(&mut loyalty, "Website.UpdateOrderStatus", &unknown);
    assert_eq!(
        (status, &answer["status"], &answer["httpStatusCode"]),
        (400, &json!("ProtocolError"), &json!(400))
    );
    let answer = call(&mut loyalty, "Website.UpdateOrder", &unknown);
    assert_eq!(answer, (200, json!({"status": "Success"})));
    assert_eq!(loyalty.orders().as_array().unwrap().len(), 1);
    let nameless = json!({"orderLinesStatus": "Paid"});
    let (status, answer) = call(&mut loyalty, "Website.UpdateOrderStatus", &nameless);
    assert_eq!(
        (status, answer["errorMessage"].as_str()),
        (400, Some("Order not found: order.ids names none"))
    );
}

#[test]
fn a_partial_quantity_splits_the_line_and_the_answer_numbers_its_lines() {
    let mut loyalty = standard();
    let returned = per_line(json!([{"lineId": "a", "quantity": 1, "status": "Returned"}]));
    let (status, answer) = call(&mut loyalty, "Website.UpdateOrderStatus", &returned);
    assert_eq!(status, 200);
    assert_eq!(
        answer,
        json!({"status": "Success", "order": {"ids": {"mindboxId": 1, "websiteID": "5"}, "lines": [
        {"lineId": "a", "lineNumber": 1, "product": {"ids": {"website": "SKU-a"}}, "quantity": 2,
         "status": {"ids": {"externalId": "CheckedOut"}}},
        {"lineId": "b", "lineNumber": 2, "product": {"ids": {"website": "SKU-b"}}, "quantity": 1,
         "status": {"ids": {"externalId": "CheckedOut"}}},
        {"lineId": "a", "lineNumber": 3, "product": {"ids": {"website": "SKU-a"}}, "quantity": 1,
         "status": {"ids": {"externalId": "Returned"}}}]}})
    );
    assert_eq!(told(&loyalty)["status"], Value::Null);
    // By lineId again: taken from the part not yet returned, split again; told twice, nothing.
    run(&mut loyalty, "Website.UpdateOrderStatus", &returned);
    let whole = per_line(json!([{"lineNumber": 2, "status": "Cancelled"},
                                {"lineNumber": 2, "lineId": "b", "quantity": 1, "status": "Cancelled"}]));
    run(&mut loyalty, "Website.UpdateOrderItemsStatus", &whole);
    let expected = json!([
        ["a", 1, 1, "CheckedOut"],
        ["b", 2, 1, "Cancelled"],
        ["a", 3, 1, "Returned"],
        ["a", 4, 1, "Returned"]
    ]);
    assert_eq!(lines(&loyalty), expected);
    // The rest of "a" by its lineId, with no quantity: every part of it.
    run(
        &mut loyalty,
        "Website.UpdateOrderStatus",
        &per_line(json!([{"lineId": "a", "status": "Returned"}])),
    );
    assert_eq!(lines(&loyalty)[0][3], "Returned");
}

#[test]
fn a_split_shares_the_lines_price() {
    let mut loyalty = Loyalty::new(None);
    let mut priced = numbered("a", 1, 3.0, "Paid");
    priced["priceOfLine"] = json!(100);
    run(
        &mut loyalty,
        "Website.CreateOrder",
        &json!({"order": {"ids": {"websiteID": "5"}, "lines": [priced]}}),
    );
    run(
        &mut loyalty,
        "Website.UpdateOrderStatus",
        &per_line(json!([{"lineNumber": 1, "quantity": 1, "status": "Returned"}])),
    );
    let prices = pick(&told(&loyalty)["lines"], &["priceOfLine"]);
    assert_eq!(prices, json!([[66.67], [33.33]]));
}

#[test]
fn lines_it_does_not_have_and_bad_changes_are_refused_and_change_nothing() {
    let mut loyalty = standard();
    let before = told(&loyalty);
    for (changes, message) in [
        (
            json!([{"lineId": "a", "status": "Paid"}, {"lineId": "zz", "status": "Paid"}]),
            "lineId 'zz' (/order/lines/1)",
        ),
        (
            json!([{"lineNumber": 9, "status": "Paid"}]),
            "lineNumber 9 (/order/lines/0)",
        ),
        (
            json!([{"lineNumber": 1, "lineId": "b", "status": "Paid"}]),
            "lineNumber 1 with lineId 'b' (/order/lines/0)",
        ),
    ] {
        let (status, answer) = call(
            &mut loyalty,
            "Website.UpdateOrderStatus",
            &per_line(changes),
        );
        assert_eq!((status, &answer["status"]), (400, &json!("ProtocolError")));
        let expected = format!(r#"Order line not found: {message} of order {{"websiteID":"5"}}"#);
        assert_eq!(answer["errorMessage"], expected);
    }
    let refused = json!([
        [[{"quantity": 1, "status": "Paid"}], "/order/lines/0"],
        [[{"lineId": "a", "quantity": 1}], "/order/lines/0/status"],
        [[{"lineId": "a", "quantity": 0, "status": "Paid"}], "/order/lines/0/quantity"],
        [[{"lineNumber": "1", "status": "Paid"}], "/order/lines/0/lineNumber"],
        [[{"lineId": "a", "quantity": 4, "status": "Paid"}], "/order/lines/0/quantity"],
    ]);
    let bodies = refused
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (per_line(r[0].clone()), r[1].clone()));
    let whole = [
        (
            json!({"order": {"ids": {"websiteID": "5"}}}),
            json!("/order/lines"),
        ),
        (
            json!({"orderLinesStatus": "", "order": {"ids": {"websiteID": "5"}}}),
            json!("/orderLinesStatus"),
        ),
    ];
    for (body, location) in bodies.chain(whole) {
        let (status, answer) = call(&mut loyalty, "Website.UpdateOrderStatus", &body);
        assert_eq!(
            (status, &answer["status"]),
            (200, &json!("ValidationError")),
            "{body}"
        );
        assert_eq!(
            answer["validationMessages"][0]["location"], location,
            "{body}"
        );
    }
    let (_, answer) = call(
        &mut loyalty,
        "Website.UpdateOrderStatus",
        &per_line(json!([{"lineId": "a", "quantity": 4, "status": "Paid"}])),
    );
    assert_eq!(
        answer["validationMessages"][0]["message"],
        "quantity 4 is more than the 3 of the line not yet Paid"
    );
    assert_eq!(told(&loyalty), before);
}

#[test]
fn what_orders_hold_outlives_a_restart_and_not_a_reset() {
    let (mut loyalty, path) = with_state_file("content");
    let body = json!({"order": {"ids": {"websiteID": "5"}, "lines": [numbered("a", 1, 3.0, "CheckedOut")]}});
    run(&mut loyalty, "Website.CreateOrder", &body);
    run(
        &mut loyalty,
        "Website.UpdateOrderStatus",
        &per_line(json!([{"lineId": "a", "quantity": 1, "status": "Returned"}])),
    );
    let text = std::fs::read_to_string(&path).unwrap();
    let _ = std::fs::remove_file(&path);
    let mut restarted = Loyalty::new(None);
    text.lines().for_each(|l| restarted.replay(l));
    assert_eq!(restarted.orders(), loyalty.orders());
    assert_eq!(told(&restarted)["lines"][1]["lineNumber"], 2);
    restarted.reset();
    assert_eq!(restarted.orders(), json!([]));
}
