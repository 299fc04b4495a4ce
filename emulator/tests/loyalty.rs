//! The loyalty programme over HTTP: its control endpoint, calculations, orders that spend
//! points once, changed prices and balances that follow.

mod common;

use serde_json::{Value, json};

use common::{Answer, Emulator};

const KEY: Option<&str> = Some("SecretKey key");
const TX: &str = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
const TX2: &str = "3f2504e0-4f89-41d3-9a0c-0305e82c3302";

fn programme() -> Value {
    json!({
        "promotions": [{"id": "SALE10", "name": "10% off", "percent": 10, "products": ["SKU-1"],
                        "maxQuantityPerLine": 1}],
        "promoCodes": [{"code": "WELCOME", "percent": 5}, {"code": "GONE", "amount": 50, "used": true}],
        "balances": {"websiteID:42": 500.0},
        "earnPercent": 5,
    })
}

fn order(total: Option<f64>, points: f64) -> String {
    let mut order = json!({
        "ids": {"websiteID": "A-1"},
        "deliveryCost": 300,
        "lines": [{"lineId": "b17", "product": {"ids": {"website": "SKU-1"}}, "quantity": 3,
                   "basePricePerItem": 333.33}],
        "coupons": [{"ids": {"code": "WELCOME"}}, {"ids": {"code": "GONE"}}],
        "bonusPoints": [{"amount": points}],
    });
    if let Some(total) = total {
        order["totalPrice"] = json!(total);
    }
    json!({"customer": {"ids": {"websiteID": "42"}}, "order": order}).to_string()
}

/// The calculation of the test cart with `points` asked for.
fn calculate(emu: &Emulator, points: f64) -> Answer {
    emu.call(
        "Website.CalculateAuthorizedCart",
        "",
        KEY,
        &order(None, points),
    )
}

fn balance(emu: &Emulator) -> Value {
    let body = r#"{"customer":{"ids":{"websiteID":"42"}}}"#;
    emu.call("Website.GetCustomerBalance", "", KEY, body).body["balances"][0]["available"].clone()
}

fn post_status(emu: &Emulator, path: &str, body: Value) -> (u16, Value) {
    let mut response = emu
        .agent
        .post(&emu.url(&format!("/__emulator{path}")))
        .send_json(body)
        .unwrap();
    let body = response.body_mut().read_json().unwrap_or(Value::Null);
    (response.status().as_u16(), body)
}

#[test]
fn the_control_endpoint_sets_reads_and_refuses() {
    let emu = Emulator::start(&[]);
    let default = emu.control("GET", "/loyalty", None);
    assert_eq!(default["defaultBalance"], 100.0);
    assert_eq!(default["maxPointsPercent"], 100.0);
    assert_eq!(default["promotions"], json!([]));

    let (status, body) = post_status(&emu, "/loyalty", json!({"promotions": [], "bonus": 1}));
    assert_eq!(status, 400);
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("unknown field `bonus`"),
        "{body}"
    );
    let bad_code = json!({"promoCodes": [{"code": "X", "percent": 5, "amount": 1}]});
    assert_eq!(post_status(&emu, "/loyalty", bad_code).0, 400);

    emu.control("POST", "/loyalty", Some(programme()));
    let read = emu.control("GET", "/loyalty", None);
    assert_eq!(read["promotions"][0]["maxQuantityPerLine"], 1);
    assert_eq!(read["balances"]["websiteID:42"], 500.0);
    assert_eq!(balance(&emu), 500.0);

    emu.control("POST", "/reset", None);
    assert_eq!(emu.control("GET", "/loyalty", None), default);
    assert_eq!(balance(&emu), 100.0);
}

#[test]
fn a_cart_is_calculated() {
    let emu = Emulator::start(&[]);
    emu.control("POST", "/loyalty", Some(programme()));
    let a = calculate(&emu, 150.0);
    assert_eq!(a.status, 200);
    let o = &a.body["order"];
    assert_eq!(a.body["status"], "Success");
    assert_eq!(o["processingStatus"], "Calculated");
    // 333.33 - 33.33 (SALE10, one unit) + 666.66 = 966.66; WELCOME 5%: 15.00 + 33.33;
    // 150 points over 285.00 and 633.33; 5% earned on 768.33.
    assert_eq!(o["totalPrice"], 768.33);
    assert_eq!(o["deliveryCost"], 300.0);
    let lines = o["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        (&lines[0]["lineId"], &lines[0]["lineNumber"]),
        (&json!("b17"), &json!(1))
    );
    assert_eq!(
        (&lines[1]["lineId"], &lines[1]["lineNumber"]),
        (&json!("b17"), &json!(2))
    );
    assert_eq!(lines[0]["quantity"], 1);
    assert_eq!(
        lines[0]["appliedPromotions"][0]["promotion"]["ids"]["externalId"],
        "SALE10"
    );
    assert_eq!(lines[0]["appliedPromotions"][0]["amount"], 33.33);
    assert_eq!(
        lines[0]["appliedPromotions"][1]["coupon"]["ids"]["code"],
        "WELCOME"
    );
    assert_eq!(lines[0]["appliedPromotions"][2]["type"], "spentBonusPoints");
    assert_eq!(
        o["totalBonusPointsInfo"]["availableAmountForCurrentOrder"],
        500.0
    );
    assert_eq!(
        o["totalBonusPointsInfo"]["spentAmountForCurrentOrder"],
        150.0
    );
    assert_eq!(o["totalBonusPointsInfo"]["balance"]["available"], 500.0);
    assert_eq!(o["bonusPointsChanges"][0]["earnedAmount"], 38.42);
    assert_eq!(o["couponsInfo"][0]["coupon"]["status"], "CanBeUsed");
    assert_eq!(o["couponsInfo"][0]["discountAmountForCurrentOrder"], 48.33);
    assert_eq!(o["couponsInfo"][1]["coupon"]["status"], "Used");
    let sum: f64 = lines
        .iter()
        .map(|l| l["discountedPriceOfLine"].as_f64().unwrap())
        .sum();
    assert!((sum - 768.33).abs() < 1e-9);

    // Anonymous: no points to spend.
    let anonymous = emu.call(
        "Website.CalculateUnauthorizedCart",
        "",
        KEY,
        &order(None, 150.0),
    );
    assert_eq!(
        anonymous.body["order"]["totalBonusPointsInfo"]["spentAmountForCurrentOrder"],
        0.0
    );
    assert_eq!(balance(&emu), 500.0);
    assert_eq!(emu.journal("?outcome=processed").len(), 3);

    let bad = emu.call(
        "Website.CalculateAuthorizedCart",
        "",
        KEY,
        r#"{"order":{}}"#,
    );
    assert_eq!(bad.body["status"], "ValidationError");
}

#[test]
fn an_order_spends_points_once_and_the_balance_follows() {
    let emu = Emulator::start(&[]);
    emu.control("POST", "/loyalty", Some(programme()));
    let query = format!("&transactionId={TX}");
    let first = emu.call(
        "Website.CreateAuthorizedOrder",
        &query,
        KEY,
        &order(Some(768.33), 150.0),
    );
    assert_eq!(
        first.body["order"]["processingStatus"], "Processed",
        "{}",
        first.body
    );
    assert_eq!(first.body["order"]["ids"]["mindboxId"], 1);
    assert_eq!(first.body["order"]["ids"]["websiteID"], "A-1");
    assert_eq!(first.body["bonusPointsChanges"][0]["spentAmount"], 150.0);
    // 500 - 150 + 38.42
    assert_eq!(balance(&emu), 388.42);

    let again = emu.call(
        "Website.CreateAuthorizedOrder",
        &query,
        KEY,
        &order(Some(768.33), 150.0),
    );
    assert_eq!(again.body["status"], "TransactionAlreadyProcessed");
    assert_eq!(balance(&emu), 388.42);
    let outcomes: Vec<Value> = emu
        .journal("?operation=Website.CreateAuthorizedOrder")
        .iter()
        .map(|e| e["outcome"].clone())
        .collect();
    assert_eq!(outcomes, [json!("processed"), json!("duplicate")]);

    // An offline order earns and spends nothing.
    let offline = r#"{"customer":{"ids":{"websiteID":"42"}},"order":{"totalPrice":200}}"#;
    let saved = emu.call("Website.SaveOfflineOrder", "", KEY, offline);
    assert_eq!(saved.body, json!({"status": "Success"}));
    assert_eq!(balance(&emu), 398.42);
}

#[test]
fn a_price_that_changed_is_refused_and_the_transaction_stays_free() {
    let emu = Emulator::start(&[]);
    emu.control("POST", "/loyalty", Some(programme()));
    let calculated = calculate(&emu, 0.0);
    let total = calculated.body["order"]["totalPrice"].as_f64().unwrap();
    assert_eq!(total, 918.33);

    let mut cheaper = programme();
    cheaper["promotions"][0]["percent"] = json!(20);
    emu.control("POST", "/loyalty", Some(cheaper));
    let query = format!("&transactionId={TX2}");
    let refused = emu.call(
        "Website.CreateAuthorizedOrder",
        &query,
        KEY,
        &order(Some(total), 0.0),
    );
    assert_eq!(refused.body["status"], "Success");
    assert_eq!(
        refused.body["order"]["processingStatus"],
        "PriceHasBeenChanged"
    );
    assert_eq!(
        refused.body["order"]["statusDescription"],
        "The order's price has changed: expected 918.33, calculated 886.66"
    );
    assert_eq!(balance(&emu), 500.0);

    let retried = emu.call(
        "Website.CreateAuthorizedOrder",
        &query,
        KEY,
        &order(Some(886.66), 0.0),
    );
    assert_eq!(retried.body["order"]["processingStatus"], "Processed");
    // 5% of 886.66 earned.
    assert_eq!(balance(&emu), 544.33);
}

#[test]
fn scripts_and_faults_come_first() {
    let emu = Emulator::start(&[]);
    emu.control("POST", "/loyalty", Some(programme()));
    emu.control(
        "POST",
        "/faults",
        Some(
            json!({"rules": [{"operation": "Website.CreateAuthorizedOrder", "kind": "status",
                               "status": 503, "times": 1}]}),
        ),
    );
    let query = format!("&transactionId={TX}");
    let down = emu.call(
        "Website.CreateAuthorizedOrder",
        &query,
        KEY,
        &order(Some(768.33), 150.0),
    );
    assert_eq!(down.status, 503);
    assert_eq!(balance(&emu), 500.0);

    emu.control(
        "POST",
        "/scripts",
        Some(json!({"operation": "Website.CalculateAuthorizedCart", "times": 1,
                    "response": {"status": "Success", "order": {"processingStatus": "DiscountsCalculationIsUnavailable"}}})),
    );
    let scripted = calculate(&emu, 0.0);
    assert_eq!(
        scripted.body["order"]["processingStatus"],
        "DiscountsCalculationIsUnavailable"
    );
    let real = calculate(&emu, 0.0);
    assert_eq!(real.body["order"]["processingStatus"], "Calculated");
}

#[test]
fn balances_survive_a_restart_with_a_state_file() {
    let path = std::env::temp_dir().join(format!("emulator-loyalty-{}", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let state = path.to_str().unwrap();
    {
        let emu = Emulator::start(&["--state-file", state]);
        emu.control("POST", "/loyalty", Some(programme()));
        let query = format!("&transactionId={TX}");
        emu.call(
            "Website.CreateAuthorizedOrder",
            &query,
            KEY,
            &order(Some(768.33), 150.0),
        );
        assert_eq!(balance(&emu), 388.42);
    }
    let emu = Emulator::start(&["--state-file", state]);
    assert_eq!(balance(&emu), 388.42);
    assert_eq!(emu.control("GET", "/loyalty", None)["earnPercent"], 5.0);
    let query = format!("&transactionId={TX}");
    let again = emu.call(
        "Website.CreateAuthorizedOrder",
        &query,
        KEY,
        &order(Some(768.33), 150.0),
    );
    assert_eq!(again.body["status"], "TransactionAlreadyProcessed");
    drop(emu);
    let _ = std::fs::remove_file(&path);
}
