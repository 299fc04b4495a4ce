//! The ledger of orders over HTTP: single-use codes, standard orders that debit once per
//! transaction, ids linked by updates, cancellations, and `/__emulator/loyalty/ledger`.

mod common;

use serde_json::{Value, json};

use common::Emulator;

const KEY: Option<&str> = Some("SecretKey key");
const TX: &str = "6f9619ff-8b86-d011-b42d-00c04fc96401";
const TX2: &str = "6f9619ff-8b86-d011-b42d-00c04fc96402";

fn programme() -> Value {
    json!({
        "promoCodes": [{"code": "ONCE", "amount": 100, "once": true}],
        "balances": {"websiteID:42": 500.0, "websiteID:7": 0.0},
        "earnPercent": 10,
    })
}

fn start() -> Emulator {
    let emu = Emulator::start(&[]);
    emu.control("POST", "/loyalty", Some(programme()));
    emu
}

/// A processed order of customer 42 under a temporary id: one line of 1000 less the code.
fn confirmation(temp_id: &str, total: f64) -> String {
    json!({"customer": {"ids": {"websiteID": "42"}},
           "order": {"ids": {"websiteTempID": temp_id}, "totalPrice": total,
                     "lines": [{"lineId": "1", "product": {"ids": {"website": "SKU-1"}},
                                "quantity": 1, "basePricePerItem": 1000}],
                     "coupons": [{"ids": {"code": "ONCE"}}]}})
    .to_string()
}

/// A standard order of customer 42 that spends `points` on its one line.
fn standard(id: &str, points: f64) -> String {
    json!({"customer": {"ids": {"websiteID": "42"}},
           "order": {"ids": {"websiteID": id}, "totalPrice": 1000.0 - points,
                     "lines": [{"lineId": "1", "product": {"ids": {"website": "SKU-1"}},
                                "quantity": 1, "basePricePerItem": 1000,
                                "discounts": [{"type": "balance", "amount": points,
                                               "balanceType": {"ids": {"systemName": "Main"}}}]}]}})
    .to_string()
}

fn status_change(ids: Value, status: &str) -> String {
    json!({"orderLinesStatus": status, "order": {"ids": ids}}).to_string()
}

fn ledger(emu: &Emulator) -> Value {
    emu.control("GET", "/loyalty/ledger", None)
}

fn code_status(emu: &Emulator) -> Value {
    let calculated = emu.call(
        "Website.CalculateAuthorizedCart",
        "",
        KEY,
        &confirmation("t-0", 0.0),
    );
    calculated.body["order"]["couponsInfo"][0]["coupon"]["status"].clone()
}

#[test]
fn a_single_use_code_is_used_until_its_order_is_cancelled() {
    let emu = start();
    assert_eq!(code_status(&emu), "CanBeUsed");
    let first = emu.call(
        "Website.CreateAuthorizedOrder",
        "",
        KEY,
        &confirmation("t-1", 900.0),
    );
    assert_eq!(first.body["order"]["processingStatus"], "Processed");
    assert_eq!(code_status(&emu), "Used");
    let second = emu.call(
        "Website.CreateAuthorizedOrder",
        "",
        KEY,
        &confirmation("t-2", 900.0),
    );
    assert_eq!(
        second.body["order"]["processingStatus"],
        "PriceHasBeenChanged"
    );

    let cancel = status_change(json!({"websiteTempID": "t-1"}), "Cancelled");
    let answer = emu.call("Website.UpdateOrder", "", KEY, &cancel);
    assert_eq!(answer.body, json!({"status": "Success"}));
    assert_eq!(code_status(&emu), "CanBeUsed");
    assert_eq!(ledger(&emu)["orders"][0]["status"], "cancelled");
}

#[test]
fn a_standard_order_debits_once_per_transaction_and_never_beyond_the_balance() {
    let emu = start();
    let query = format!("&transactionId={TX}");
    for expected in ["Success", "TransactionAlreadyProcessed"] {
        let answer = emu.call("Website.CreateOrder", &query, KEY, &standard("S-1", 300.0));
        assert_eq!(answer.body["status"], expected);
    }
    let after = ledger(&emu);
    // 500 - 300 + 10% of 700
    assert_eq!(after["balances"]["websiteID:42"], 270.0);
    assert_eq!(after["orders"].as_array().unwrap().len(), 1);

    let query = format!("&transactionId={TX2}");
    let refused = emu.call("Website.CreateOrder", &query, KEY, &standard("S-2", 270.01));
    assert_eq!(refused.status, 200);
    assert_eq!(refused.body["status"], "ValidationError");
    assert_eq!(
        refused.body["validationMessages"][0]["location"],
        "/order/lines/0/discounts/0"
    );
    assert_eq!(ledger(&emu), after);
    // A refusal leaves the transaction free: the order sent again with what the balance holds.
    let retried = emu.call("Website.CreateOrder", &query, KEY, &standard("S-2", 270.0));
    assert_eq!(retried.body["status"], "Success");
    assert_eq!(ledger(&emu)["balances"]["websiteID:42"], 73.0);
}

#[test]
fn an_order_saved_again_is_updated_once_per_transaction() {
    let emu = start();
    emu.call(
        "Website.CreateAuthorizedOrder",
        "",
        KEY,
        &confirmation("t-1", 900.0),
    );
    let edit = |total: f64| {
        let mut body: Value = serde_json::from_str(&confirmation("t-1", total)).unwrap();
        body["order"]["lines"][0]["quantity"] = json!(2);
        body.to_string()
    };
    let query = format!("&transactionId={TX}");
    let stale = emu.call("Website.CreateAuthorizedOrder", &query, KEY, &edit(2000.0));
    assert_eq!(
        stale.body["order"]["processingStatus"],
        "PriceHasBeenChanged"
    );
    assert_eq!(stale.body["order"]["totalPrice"], 1900.0);
    // The refusal left the transaction free for the price Mindbox calculated.
    for expected in ["Success", "TransactionAlreadyProcessed"] {
        let answer = emu.call("Website.CreateAuthorizedOrder", &query, KEY, &edit(1900.0));
        assert_eq!(answer.body["status"], expected);
    }
    let after = ledger(&emu);
    assert_eq!(after["orders"].as_array().unwrap().len(), 1);
    assert_eq!(after["orders"][0]["totalPrice"], 1900.0);
    // 500 + 10% of 1900, the code still the order's own
    assert_eq!(after["balances"]["websiteID:42"], 690.0);
    assert_eq!(after["orders"][0]["promoCodes"], json!(["ONCE"]));
}

#[test]
fn the_ledger_links_ids_cancels_once_and_is_cleared_by_a_reset() {
    let emu = start();
    emu.call(
        "Website.CreateAuthorizedOrder",
        "",
        KEY,
        &confirmation("t-1", 900.0),
    );
    let linked = json!({"order": {"ids": {"websiteTempID": "t-1", "websiteID": "501"}}});
    emu.call("Website.UpdateOrder", "", KEY, &linked.to_string());
    let offline = json!({"customer": {"ids": {"websiteID": "7"}},
                         "order": {"ids": {"websiteID": "502"}, "totalPrice": 200}});
    emu.call("Website.SaveOfflineOrder", "", KEY, &offline.to_string());
    let expected_order = |status: &str| {
        json!({"mindboxId": 1, "kind": "processed", "status": status,
               "ids": {"websiteID": "501", "websiteTempID": "t-1"}, "customer": "websiteID:42",
               "totalPrice": 900.0, "spentPoints": 0.0, "earnedPoints": 90.0,
               "promoCodes": ["ONCE"]})
    };
    let offline_order = json!({"mindboxId": 2, "kind": "offline", "status": "active",
                               "ids": {"websiteID": "502"}, "customer": "websiteID:7",
                               "totalPrice": 200.0, "spentPoints": 0.0, "earnedPoints": 20.0,
                               "promoCodes": []});
    assert_eq!(
        ledger(&emu),
        json!({"orders": [expected_order("active"), offline_order],
               "balances": {"websiteID:42": 590.0, "websiteID:7": 20.0}})
    );

    let cancel = status_change(json!({"websiteID": 501}), "Cancelled");
    for _ in 0..2 {
        let answer = emu.call("Website.UpdateOrderStatus", "", KEY, &cancel);
        assert_eq!(answer.body, json!({"status": "Success"}));
        assert_eq!(
            ledger(&emu),
            json!({"orders": [expected_order("cancelled"), offline_order],
                   "balances": {"websiteID:42": 500.0, "websiteID:7": 20.0}})
        );
    }
    // An order Mindbox does not have: HTTP 400, as Mindbox answers.
    let unknown = status_change(json!({"websiteID": "nobody"}), "Cancelled");
    let answer = emu.call("Website.UpdateOrderStatus", "", KEY, &unknown);
    assert_eq!(
        (answer.status, &answer.body["status"]),
        (400, &json!("ProtocolError"))
    );

    let response = emu
        .agent
        .post(&emu.url("/__emulator/loyalty/ledger"))
        .send_empty()
        .unwrap();
    assert_eq!(response.status(), 405);
    emu.control("POST", "/reset", None);
    assert_eq!(ledger(&emu), json!({"orders": [], "balances": {}}));
}

#[test]
fn the_ledger_survives_a_restart_with_a_state_file() {
    let path = std::env::temp_dir().join(format!("emulator-ledger-{}", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let state = path.to_str().unwrap();
    let before = {
        let emu = Emulator::start(&["--state-file", state]);
        emu.control("POST", "/loyalty", Some(programme()));
        emu.call(
            "Website.CreateAuthorizedOrder",
            "",
            KEY,
            &confirmation("t-1", 900.0),
        );
        emu.call("Website.CreateOrder", "", KEY, &standard("S-1", 100.0));
        let cancel = status_change(json!({"websiteID": "S-1"}), "Cancelled");
        emu.call("Website.UpdateOrderStatus", "", KEY, &cancel);
        ledger(&emu)
    };
    assert_eq!(before["orders"][1]["status"], "cancelled");
    let emu = Emulator::start(&["--state-file", state]);
    assert_eq!(ledger(&emu), before);
    assert_eq!(code_status(&emu), "Used");
    drop(emu);
    let _ = std::fs::remove_file(&path);
}
