//! Orders and their lines over HTTP: `GET /__emulator/orders` (all, or one by an id), a
//! partial return splitting a line, and HTTP 400 for an order or a line Mindbox does not have.

mod common;

use serde_json::{Value, json};

use common::Emulator;

const KEY: Option<&str> = Some("SecretKey key");

fn created() -> String {
    json!({"customer": {"ids": {"websiteID": "42"}},
           "order": {"ids": {"websiteID": "1001"}, "totalPrice": 2500, "deliveryCost": 300,
                     "lines": [{"lineId": "7", "lineNumber": 1, "product": {"ids": {"website": "SKU-1"}},
                                "quantity": 2, "basePricePerItem": 1000, "status": "CheckedOut"},
                               {"lineId": "8", "lineNumber": 2, "product": {"ids": {"website": "SKU-2"}},
                                "quantity": 1, "basePricePerItem": 500, "status": "CheckedOut"}]}})
    .to_string()
}

/// The status and body of a control GET.
fn get(emu: &Emulator, path: &str) -> (u16, Value) {
    let mut response = emu.agent.get(&emu.url(path)).call().unwrap();
    let body = response.body_mut().read_json().unwrap_or(Value::Null);
    (response.status().as_u16(), body)
}

#[test]
fn the_orders_mindbox_was_told_of_their_lines_and_statuses() {
    let emu = Emulator::start(&[]);
    assert_eq!(emu.control("GET", "/orders", None), json!([]));
    emu.call("Website.CreateOrder", "", KEY, &created());
    let returned = json!({"order": {"ids": {"websiteID": "1001"},
                                    "lines": [{"lineId": "7", "quantity": 1, "status": "Returned"}]}});
    let answer = emu.call("Website.UpdateOrderStatus", "", KEY, &returned.to_string());
    assert_eq!(answer.status, 200);
    let numbers: Vec<_> = answer.body["order"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["lineId"].clone(),
                l["lineNumber"].clone(),
                l["quantity"].clone(),
            )
        })
        .collect();
    assert_eq!(
        numbers,
        [
            (json!("7"), json!(1), json!(1)),
            (json!("8"), json!(2), json!(1)),
            (json!("7"), json!(3), json!(1))
        ]
    );

    let order = json!({"mindboxId": 1, "ids": {"websiteID": "1001"}, "totalPrice": 2500.0,
        "deliveryCost": 300.0, "status": null, "lines": [
        {"lineId": "7", "lineNumber": 1, "productIds": {"website": "SKU-1"}, "quantity": 1,
         "basePricePerItem": 1000.0, "priceOfLine": null, "status": "CheckedOut"},
        {"lineId": "8", "lineNumber": 2, "productIds": {"website": "SKU-2"}, "quantity": 1,
         "basePricePerItem": 500.0, "priceOfLine": null, "status": "CheckedOut"},
        {"lineId": "7", "lineNumber": 3, "productIds": {"website": "SKU-1"}, "quantity": 1,
         "basePricePerItem": 1000.0, "priceOfLine": null, "status": "Returned"}]});
    assert_eq!(emu.control("GET", "/orders", None), json!([order]));
    assert_eq!(
        get(&emu, "/__emulator/orders?websiteID=1001"),
        (200, order.clone())
    );
    assert_eq!(get(&emu, "/__emulator/orders?mindboxId=1"), (200, order));
    assert_eq!(
        get(&emu, "/__emulator/orders?websiteID=1002"),
        (404, json!({"error": "no order with websiteID '1002'"}))
    );
    assert_eq!(get(&emu, "/__emulator/orders?websiteID=1001&x=1").0, 400);
    let post = emu
        .agent
        .post(&emu.url("/__emulator/orders"))
        .send_empty()
        .unwrap();
    assert_eq!(post.status(), 405);
    emu.control("POST", "/reset", None);
    assert_eq!(emu.control("GET", "/orders", None), json!([]));
}

#[test]
fn an_order_or_a_line_mindbox_does_not_have_is_http_400() {
    let emu = Emulator::start(&[]);
    emu.call("Website.CreateOrder", "", KEY, &created());
    let paid = |id: &str| {
        json!({"orderLinesStatus": "Paid", "order": {"ids": {"websiteID": id}}}).to_string()
    };
    let unknown = emu.call("Website.UpdateOrderStatus", "", KEY, &paid("1002"));
    assert_eq!(
        (unknown.status, &unknown.body["status"]),
        (400, &json!("ProtocolError"))
    );
    assert_eq!(
        unknown.body["errorMessage"],
        r#"Order not found: {"websiteID":"1002"}"#
    );
    // Under the update's name, the update's answer (src/loyalty/orders.rs says why).
    let updated = emu.call("Website.UpdateOrder", "", KEY, &paid("1002"));
    assert_eq!(
        (updated.status, &updated.body),
        (200, &json!({"status": "Success"}))
    );
    let line = json!({"order": {"ids": {"websiteID": "1001"},
                                "lines": [{"lineNumber": 5, "status": "Cancelled"}]}});
    let unknown_line = emu.call("Website.UpdateOrderStatus", "", KEY, &line.to_string());
    assert_eq!(unknown_line.status, 400);
    assert_eq!(
        unknown_line.body["errorMessage"],
        r#"Order line not found: lineNumber 5 (/order/lines/0) of order {"websiteID":"1001"}"#
    );
    let rejected = emu.journal("?outcome=rejected");
    assert_eq!(
        rejected
            .iter()
            .map(|e| e["httpStatus"].clone())
            .collect::<Vec<_>>(),
        [json!(400), json!(400)]
    );
    // The same call made asynchronously is accepted; Mindbox only logs what became of it.
    let url = emu.url("/v3/operations/async?endpointId=shop&operation=Website.UpdateOrderStatus");
    let mut accepted = emu
        .agent
        .post(&url)
        .header("authorization", "SecretKey key")
        .header("content-type", "application/json")
        .send(paid("1002"))
        .unwrap();
    assert_eq!(accepted.status(), 200);
    assert_eq!(
        accepted.body_mut().read_json::<Value>().unwrap(),
        json!({"status": "Success"})
    );
    let ok = emu.call("Website.UpdateOrder", "", KEY, &paid("1001"));
    assert_eq!((ok.status, &ok.body), (200, &json!({"status": "Success"})));
    assert_eq!(
        emu.control("GET", "/orders?websiteID=1001", None)["status"],
        "Paid"
    );
}
