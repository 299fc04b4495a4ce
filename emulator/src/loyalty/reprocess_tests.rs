//! The processing operation naming an order Mindbox already has: recalculated and updated, or
//! refused with Mindbox's price and nothing changed.

use serde_json::{Value, json};

use super::Loyalty;
use super::test_support::{balance, config, line, order_body, run};

const CREATE: &str = "Website.CreateAuthorizedOrder";

fn programme() -> Loyalty {
    let mut loyalty = Loyalty::new(None);
    loyalty.configure(config(json!({
        "promoCodes": [{"code": "ONCE", "amount": 100, "once": true}],
        "balances": {"websiteID:42": 500},
        "earnPercent": 10,
    })));
    loyalty
}

/// Customer 42's order `A-1` with these lines, total and points.
fn body(lines: Value, total: f64, points: f64) -> Value {
    let mut body = order_body(total, points);
    body["order"]["lines"] = lines;
    body
}

fn with_status(mut line: Value, number: u64, status: &str) -> Value {
    line["lineNumber"] = json!(number);
    line["status"] = json!({"ids": {"externalId": status}});
    line
}

fn orders(loyalty: &Loyalty) -> Vec<Value> {
    loyalty.ledger()["orders"].as_array().unwrap().clone()
}

fn code_status(loyalty: &mut Loyalty) -> Value {
    let mut cart = order_body(0.0, 0.0);
    cart["order"]["ids"] = json!({"websiteID": "other"});
    cart["order"]["coupons"] = json!([{"ids": {"code": "ONCE"}}]);
    let (answer, _) = run(loyalty, "Website.CalculateAuthorizedCart", &cart);
    answer["order"]["couponsInfo"][0]["coupon"]["status"].clone()
}

#[test]
fn an_order_named_by_a_linked_id_is_recalculated_and_updated() {
    let mut loyalty = programme();
    let mut confirmed = order_body(900.0, 100.0);
    confirmed["order"]["ids"] = json!({"websiteTempID": "t-1"});
    run(&mut loyalty, CREATE, &confirmed);
    let linked = json!({"order": {"ids": {"websiteTempID": "t-1", "websiteID": 501}}});
    run(&mut loyalty, "Website.UpdateOrder", &linked);
    // 500 - 100 + 90
    assert_eq!(balance(&mut loyalty), 490.0);

    let mut edited = body(json!([line("a", "X", 2.0, 1000.0)]), 1900.0, 100.0);
    edited["order"]["ids"] = json!({"websiteID": 501});
    let (answer, consumes) = run(&mut loyalty, CREATE, &edited);
    assert!(consumes);
    assert_eq!(answer["status"], "Success");
    assert_eq!(answer["order"]["processingStatus"], "Updated");
    assert_eq!(
        answer["order"]["ids"],
        json!({"mindboxId": 1, "websiteID": "501", "websiteTempID": "t-1"})
    );
    assert_eq!(answer["order"]["totalPrice"], 1900.0);
    assert_eq!(answer["order"]["lines"][0]["quantity"], 2);
    assert_eq!(answer["order"]["lines"][0]["discountedPriceOfLine"], 1900.0);
    assert_eq!(answer["bonusPointsChanges"][0]["earnedAmount"], 190.0);

    let kept = orders(&loyalty);
    assert_eq!(kept.len(), 1);
    assert_eq!(
        kept[0],
        json!({"mindboxId": 1, "kind": "processed", "status": "active",
               "ids": {"websiteID": "501", "websiteTempID": "t-1"},
               "customer": "websiteID:42", "totalPrice": 1900.0, "spentPoints": 100.0,
               "earnedPoints": 190.0, "promoCodes": []})
    );
    // 490 + (190 - 90) earned more, the same 100 spent
    assert_eq!(balance(&mut loyalty), 590.0);
    let order = loyalty.order(&json!({"websiteID": "501"})).unwrap();
    assert_eq!(order["totalPrice"], 1900.0);
    assert_eq!(
        order["lines"],
        json!([{"lineId": "a", "lineNumber": 1, "productIds": {"website": "X"}, "quantity": 2,
                "basePricePerItem": 1000.0, "priceOfLine": 1900.0, "status": null}])
    );
}

#[test]
fn a_total_mindbox_no_longer_stands_by_is_refused_with_its_price_and_changes_nothing() {
    let mut loyalty = programme();
    run(&mut loyalty, CREATE, &order_body(800.0, 200.0));
    let (ledger, told) = (loyalty.ledger(), loyalty.orders());

    // The client still thinks the 200 points come off the second unit too.
    let stale = body(json!([line("a", "X", 2.0, 1000.0)]), 1600.0, 200.0);
    let (answer, consumes) = run(&mut loyalty, CREATE, &stale);
    assert!(!consumes);
    let order = &answer["order"];
    assert_eq!(order["processingStatus"], "PriceHasBeenChanged");
    assert_eq!(
        order["statusDescription"],
        "The order's price has changed: expected 1600.00, calculated 1800.00"
    );
    assert_eq!(order["totalPrice"], 1800.0);
    assert_eq!(
        order["lines"],
        json!([{"lineId": "a", "lineNumber": 1, "product": {"ids": {"website": "X"}},
                "quantity": 2, "basePricePerItem": 1000.0, "discountedPriceOfLine": 1800.0,
                "appliedPromotions": [
                    {"type": "spentBonusPoints", "amount": 200.0},
                    {"type": "earnedBonusPoints", "amount": 180.0}]}])
    );
    assert_eq!(loyalty.ledger(), ledger);
    assert_eq!(loyalty.orders(), told);
}

#[test]
fn the_orders_own_single_use_code_stays_usable_to_it_and_is_freed_when_dropped() {
    let mut loyalty = programme();
    let mut with_code = order_body(900.0, 0.0);
    with_code["order"]["coupons"] = json!([{"ids": {"code": "once"}}]);
    run(&mut loyalty, CREATE, &with_code);
    assert_eq!(code_status(&mut loyalty), "Used");

    let (answer, _) = run(&mut loyalty, CREATE, &with_code);
    assert_eq!(answer["order"]["processingStatus"], "Updated");
    assert_eq!(answer["order"]["totalPrice"], 900.0);
    assert_eq!(orders(&loyalty)[0]["promoCodes"], json!(["ONCE"]));
    assert_eq!(code_status(&mut loyalty), "Used");

    let (answer, _) = run(&mut loyalty, CREATE, &order_body(1000.0, 0.0));
    assert_eq!(answer["order"]["processingStatus"], "Updated");
    assert_eq!(orders(&loyalty)[0]["promoCodes"], json!([]));
    assert_eq!(code_status(&mut loyalty), "CanBeUsed");
}

#[test]
fn the_points_the_order_spent_are_available_to_it() {
    let mut loyalty = programme();
    run(&mut loyalty, CREATE, &order_body(500.0, 500.0));
    // All 500 spent, 10% of 500 earned.
    assert_eq!(balance(&mut loyalty), 50.0);
    let (answer, _) = run(&mut loyalty, CREATE, &order_body(500.0, 500.0));
    assert_eq!(answer["order"]["processingStatus"], "Updated");
    assert_eq!(answer["bonusPointsChanges"][0]["spentAmount"], 500.0);
    assert_eq!(balance(&mut loyalty), 50.0);
    assert_eq!(orders(&loyalty)[0]["spentPoints"], 500.0);
}

#[test]
fn points_no_longer_spent_go_back_to_the_balance() {
    let mut loyalty = programme();
    run(&mut loyalty, CREATE, &order_body(800.0, 200.0));
    // 500 - 200 + 80
    assert_eq!(balance(&mut loyalty), 380.0);
    run(&mut loyalty, CREATE, &order_body(950.0, 50.0));
    // As if the order had spent 50 and earned 95 from the start.
    assert_eq!(balance(&mut loyalty), 545.0);
    let kept = &orders(&loyalty)[0];
    assert_eq!(
        (&kept["spentPoints"], &kept["earnedPoints"]),
        (&json!(50.0), &json!(95.0))
    );
}

#[test]
fn a_line_taken_off_is_kept_with_its_status_and_not_priced() {
    let mut loyalty = programme();
    let two = json!([line("a", "X", 2.0, 1000.0), line("b", "Y", 1.0, 500.0)]);
    run(&mut loyalty, CREATE, &body(two, 2500.0, 0.0));

    // One of a's two units returned (a split line: the parts share lineId, product and price),
    // b cancelled.
    let edited = json!([
        with_status(line("b", "Y", 1.0, 500.0), 1, "Cancelled"),
        with_status(line("a", "X", 1.0, 1000.0), 2, "CheckedOut"),
        with_status(line("a", "X", 1.0, 1000.0), 3, "Returned"),
    ]);
    let (answer, _) = run(&mut loyalty, CREATE, &body(edited, 1000.0, 0.0));
    assert_eq!(answer["order"]["processingStatus"], "Updated");
    assert_eq!(answer["order"]["lines"].as_array().unwrap().len(), 1);
    assert_eq!(answer["order"]["lines"][0]["lineNumber"], 1);
    assert_eq!(orders(&loyalty)[0]["totalPrice"], 1000.0);

    let order = loyalty.order(&json!({"websiteID": "A-1"})).unwrap();
    assert_eq!(order["totalPrice"], 1000.0);
    assert_eq!(order["status"], Value::Null);
    // The line priced first, numbered as the answer numbers it, then those taken off.
    assert_eq!(
        order["lines"],
        json!([
            {"lineId": "a", "lineNumber": 1, "productIds": {"website": "X"}, "quantity": 1,
             "basePricePerItem": 1000.0, "priceOfLine": 1000.0, "status": "CheckedOut"},
            {"lineId": "b", "lineNumber": 2, "productIds": {"website": "Y"}, "quantity": 1,
             "basePricePerItem": 500.0, "priceOfLine": null, "status": "Cancelled"},
            {"lineId": "a", "lineNumber": 3, "productIds": {"website": "X"}, "quantity": 1,
             "basePricePerItem": 1000.0, "priceOfLine": null, "status": "Returned"},
        ])
    );
}

#[test]
fn a_cancelled_order_is_not_recalculated() {
    let mut loyalty = programme();
    run(&mut loyalty, CREATE, &order_body(800.0, 200.0));
    let cancel = json!({"orderLinesStatus": "Cancelled", "order": {"ids": {"websiteID": "A-1"}}});
    run(&mut loyalty, "Website.UpdateOrderStatus", &cancel);
    let ledger = loyalty.ledger();
    let (answer, _) = run(&mut loyalty, CREATE, &order_body(800.0, 200.0));
    assert_eq!(answer["status"], "ValidationError");
    assert_eq!(answer["validationMessages"][0]["location"], "/order/ids");
    assert_eq!(loyalty.ledger(), ledger);
}
