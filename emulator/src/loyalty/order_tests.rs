//! Orders in the ledger, without HTTP: single-use codes, standard orders' debits, ids linked
//! by updates, cancellations and the ledger's own answer.

use serde_json::{Value, json};

use super::Loyalty;
use super::test_support::{balance, config, line, order_body, run, with_state_file};

fn programme() -> Loyalty {
    let mut loyalty = Loyalty::new(None);
    loyalty.configure(config(json!({
        "promoCodes": [{"code": "ONCE", "amount": 100, "once": true},
                       {"code": "MANY", "amount": 10}],
        "balances": {"websiteID:42": 500, "websiteID:7": 20},
        "earnPercent": 10,
    })));
    loyalty
}

fn with_code(mut body: Value, code: &str) -> Value {
    body["order"]["coupons"] = json!([{"ids": {"code": code}}]);
    body
}

fn code_status(loyalty: &mut Loyalty, code: &str) -> Value {
    let body = with_code(order_body(0.0, 0.0), code);
    let (answer, _) = run(loyalty, "Website.CalculateAuthorizedCart", &body);
    answer["order"]["couponsInfo"][0]["coupon"]["status"].clone()
}

fn status_change(ids: Value, status: &str) -> Value {
    json!({"orderLinesStatus": status, "order": {"ids": ids}})
}

/// A standard order of customer 42 with a line per list of discounts.
fn standard(id: &str, lines: &[Value]) -> Value {
    let lines: Vec<Value> = lines
        .iter()
        .enumerate()
        .map(|(i, discounts)| {
            let mut l = line(&i.to_string(), "X", 1.0, 1000.0);
            l["discounts"] = discounts.clone();
            l
        })
        .collect();
    json!({"customer": {"ids": {"websiteID": "42"}},
           "order": {"ids": {"websiteID": id}, "totalPrice": 1000, "lines": lines}})
}

fn orders(loyalty: &Loyalty) -> Vec<Value> {
    loyalty.ledger()["orders"].as_array().unwrap().clone()
}

#[test]
fn a_single_use_code_is_taken_by_the_first_order_and_freed_by_its_cancellation() {
    let mut loyalty = programme();
    let order = with_code(order_body(900.0, 0.0), "once");
    // A refused order takes nothing.
    let mut stale = order.clone();
    stale["order"]["totalPrice"] = json!(1000);
    let (refused, _) = run(&mut loyalty, "Website.CreateAuthorizedOrder", &stale);
    assert_eq!(refused["order"]["processingStatus"], "PriceHasBeenChanged");
    assert_eq!(code_status(&mut loyalty, "ONCE"), "CanBeUsed");

    let (done, _) = run(&mut loyalty, "Website.CreateAuthorizedOrder", &order);
    assert_eq!(done["order"]["processingStatus"], "Processed");
    assert_eq!(orders(&loyalty)[0]["promoCodes"], json!(["ONCE"]));
    assert_eq!(code_status(&mut loyalty, "once"), "Used");
    // A second tab confirming the same discount now gets the price without it.
    let mut other = order.clone();
    other["order"]["ids"] = json!({"websiteID": "A-2"});
    let (second, _) = run(&mut loyalty, "Website.CreateAuthorizedOrder", &other);
    assert_eq!(second["order"]["processingStatus"], "PriceHasBeenChanged");
    // Codes that are not single-use stay usable.
    let mut many = with_code(order_body(990.0, 0.0), "MANY");
    many["order"]["ids"] = json!({"websiteID": "A-3"});
    run(&mut loyalty, "Website.CreateAuthorizedOrder", &many);
    assert_eq!(code_status(&mut loyalty, "MANY"), "CanBeUsed");

    let cancel = status_change(json!({"websiteID": "A-3"}), "Cancelled");
    run(&mut loyalty, "Website.UpdateOrderStatus", &cancel);
    // Another order's cancellation leaves ONCE taken.
    assert_eq!(code_status(&mut loyalty, "ONCE"), "Used");
    run(
        &mut loyalty,
        "Website.UpdateOrderStatus",
        &status_change(json!({"mindboxId": 1}), "Cancelled"),
    );
    assert_eq!(code_status(&mut loyalty, "ONCE"), "CanBeUsed");

    // A guest's order takes a code all the same.
    let mut guest = with_code(order_body(900.0, 0.0), "ONCE");
    guest["customer"] = json!({"email": "a@b.ru"});
    guest["order"]["ids"] = json!({"websiteID": "A-4"});
    let (done, _) = run(&mut loyalty, "Website.CreateUnauthorizedOrder", &guest);
    assert_eq!(done["order"]["processingStatus"], "Processed");
    assert_eq!(code_status(&mut loyalty, "ONCE"), "Used");
}

#[test]
fn a_standard_order_debits_its_balance_discounts_or_nothing() {
    let mut loyalty = programme();
    let first = standard(
        "S-1",
        &[
            json!([{"type": "balance", "amount": 100, "balanceType": {"ids": {"systemName": "Main"}}},
                   {"type": "promoCode", "id": "MANY", "amount": 50}]),
            json!([{"type": "balance", "amount": 150}]),
        ],
    );
    let (answer, _) = run(&mut loyalty, "Website.CreateOrder", &first);
    assert_eq!(answer, json!({"status": "Success"}));
    // 500 - 250 + 10% of 1000
    assert_eq!(balance(&mut loyalty), 350.0);
    let booked = &orders(&loyalty)[0];
    assert_eq!(
        (
            &booked["kind"],
            &booked["spentPoints"],
            &booked["earnedPoints"]
        ),
        (&json!("standard"), &json!(250.0), &json!(100.0))
    );
    assert_eq!(booked["promoCodes"], json!([]));

    let short = standard(
        "S-2",
        &[
            json!([{"type": "balance", "amount": 300}]),
            json!([{"type": "balance", "amount": 50.01}]),
        ],
    );
    let (refused, _) = run(&mut loyalty, "Shop.CreateOrder", &short);
    assert_eq!(refused["status"], "ValidationError");
    let message = &refused["validationMessages"][0];
    assert_eq!(message["location"], "/order/lines/1/discounts/0");
    assert_eq!(
        message["message"],
        "The customer's balance of 350.00 points does not cover the 350.01 points spent"
    );
    let bad = standard("S-3", &[json!([{"type": "balance", "amount": "x"}])]);
    let (refused, _) = run(&mut loyalty, "Website.CreateOrder", &bad);
    assert_eq!(
        refused["validationMessages"][0]["location"],
        "/order/lines/0/discounts/0/amount"
    );
    let mut guest = standard("S-4", &[json!([{"type": "balance", "amount": 1}])]);
    guest["customer"] = json!({"email": "a@b.ru"});
    let (refused, _) = run(&mut loyalty, "Website.CreateOrder", &guest);
    assert_eq!(refused["status"], "ValidationError");
    assert_eq!(balance(&mut loyalty), 350.0);
    assert_eq!(orders(&loyalty).len(), 1);

    // A call without an order is answered as it always was, and books nothing.
    let (answer, _) = run(&mut loyalty, "Website.CreateOrder", &json!({}));
    assert_eq!(answer, json!({"status": "Success"}));
    assert_eq!(orders(&loyalty).len(), 1);
}

#[test]
fn the_ledger_keeps_every_order_and_an_update_links_the_shops_id() {
    let mut loyalty = programme();
    let mut confirmed = with_code(order_body(800.0, 100.0), "ONCE");
    confirmed["order"]["ids"] = json!({"websiteTempID": "t-1"});
    run(&mut loyalty, "Website.CreateAuthorizedOrder", &confirmed);
    let linked = json!({"order": {"ids": {"websiteTempID": "t-1", "websiteID": 501}}});
    run(&mut loyalty, "Website.UpdateOrder", &linked);
    // A bare status change names the order but adds no id to it.
    let paid = status_change(json!({"websiteID": "501", "extra": "x"}), "Paid");
    run(&mut loyalty, "Website.UpdateOrderStatus", &paid);
    let offline = json!({"customer": {"ids": {"websiteID": "7"}},
                         "order": {"ids": {"websiteID": "502"}, "totalPrice": 50,
                                   "bonusPoints": [{"amount": 20}]}});
    run(&mut loyalty, "Website.SaveOfflineOrder", &offline);

    assert_eq!(
        loyalty.ledger(),
        json!({
            "orders": [
                {"mindboxId": 1, "kind": "processed", "status": "active",
                 "ids": {"websiteID": "501", "websiteTempID": "t-1"},
                 "customer": "websiteID:42", "totalPrice": 800.0, "spentPoints": 100.0,
                 "earnedPoints": 80.0, "promoCodes": ["ONCE"]},
                {"mindboxId": 2, "kind": "offline", "status": "active",
                 "ids": {"websiteID": "502"}, "customer": "websiteID:7", "totalPrice": 50.0,
                 "spentPoints": 0.0, "earnedPoints": 5.0, "promoCodes": []},
            ],
            "balances": {"websiteID:42": 480.0, "websiteID:7": 25.0},
        })
    );
}

#[test]
fn a_cancellation_gives_back_what_the_order_moved_and_only_once() {
    let mut loyalty = programme();
    run(
        &mut loyalty,
        "Website.CreateAuthorizedOrder",
        &order_body(800.0, 200.0),
    );
    // 500 - 200 + 80
    assert_eq!(balance(&mut loyalty), 380.0);
    let by_id = |status| status_change(json!({"websiteID": "A-1"}), status);
    run(&mut loyalty, "Website.UpdateOrder", &by_id("Paid"));
    assert_eq!(balance(&mut loyalty), 380.0);
    for _ in 0..2 {
        let (answer, _) = run(&mut loyalty, "Website.UpdateOrder", &by_id("Cancelled"));
        assert_eq!(answer, json!({"status": "Success"}));
        assert_eq!(balance(&mut loyalty), 500.0);
    }
    assert_eq!(orders(&loyalty)[0]["status"], "cancelled");

    let debit = standard("S-1", &[json!([{"type": "balance", "amount": 300}])]);
    run(&mut loyalty, "Website.CreateOrder", &debit);
    assert_eq!(balance(&mut loyalty), 300.0);
    // Mindbox answers a status change of an order it does not have with HTTP 400.
    let unknown = status_change(json!({"websiteID": "nobody"}), "Cancelled");
    let (answer, _) = run(&mut loyalty, "Website.UpdateOrderStatus", &unknown);
    assert_eq!(answer["status"], "ProtocolError");
    assert_eq!(
        answer["errorMessage"],
        r#"Order not found: {"websiteID":"nobody"}"#
    );
    run(
        &mut loyalty,
        "Website.UpdateOrderStatus",
        &status_change(json!({"websiteID": "S-1"}), "Cancelled"),
    );
    // The 300 debited back, the 100 earned taken back.
    assert_eq!(balance(&mut loyalty), 500.0);
}

#[test]
fn cancelling_statuses_come_from_the_configuration() {
    let mut loyalty = Loyalty::new(None);
    loyalty.configure(config(json!({"cancelStatuses": ["Отменен"]})));
    run(
        &mut loyalty,
        "Website.CreateAuthorizedOrder",
        &order_body(900.0, 100.0),
    );
    assert_eq!(balance(&mut loyalty), 0.0);
    let ids = json!({"websiteID": "A-1"});
    run(
        &mut loyalty,
        "X.UpdateOrderStatus",
        &status_change(ids.clone(), "Cancelled"),
    );
    assert_eq!(balance(&mut loyalty), 0.0);
    run(
        &mut loyalty,
        "X.UpdateOrderStatus",
        &status_change(ids, "Отменен"),
    );
    assert_eq!(balance(&mut loyalty), 100.0);
}

#[test]
fn the_ledger_outlives_a_restart_and_not_a_reset() {
    let (mut loyalty, path) = with_state_file("ledger");
    loyalty.configure(programme().config().clone());
    let mut confirmed = with_code(order_body(800.0, 100.0), "ONCE");
    confirmed["order"]["ids"] = json!({"websiteTempID": "t-1"});
    run(&mut loyalty, "Website.CreateAuthorizedOrder", &confirmed);
    let linked = json!({"order": {"ids": {"websiteTempID": "t-1", "websiteID": "9"}}});
    run(&mut loyalty, "Website.UpdateOrder", &linked);
    run(
        &mut loyalty,
        "Website.CreateOrder",
        &standard("S-1", &[json!([{"type": "balance", "amount": 30}])]),
    );
    let cancel = status_change(json!({"websiteID": "9"}), "Cancelled");
    run(&mut loyalty, "Website.UpdateOrderStatus", &cancel);
    // A new programme keeps the orders: a later cancellation still finds them.
    let mut same = loyalty.config().clone();
    same.earn_percent = 0.0;
    loyalty.configure(same);
    let before = loyalty.ledger();
    assert_eq!(before["orders"].as_array().unwrap().len(), 2);

    let text = std::fs::read_to_string(&path).unwrap();
    let _ = std::fs::remove_file(&path);
    let mut restarted = Loyalty::new(None);
    text.lines().for_each(|l| restarted.replay(l));
    assert_eq!(restarted.ledger(), before);
    assert_eq!(code_status(&mut restarted, "ONCE"), "CanBeUsed");
    let (done, _) = run(
        &mut restarted,
        "Website.SaveOfflineOrder",
        &order_body(1.0, 0.0),
    );
    assert_eq!(done["status"], "Success");
    assert_eq!(orders(&restarted)[2]["mindboxId"], 3);

    restarted.reset();
    assert_eq!(restarted.ledger(), json!({"orders": [], "balances": {}}));
}
