//! Bulk imports over HTTP: the real binary on a loopback port, sent CSV as a client does:
//! tasks, what they import, idempotency, the requests refused and the project's configuration.

mod common;

use serde_json::json;

use common::Emulator;
use common::bulk::{CUSTOMER_CSV, CUSTOMERS, ORDER_CSV, ORDERS, Post, gzip, list, post, tx};

#[test]
fn imports_make_tasks_and_a_repeat_makes_none() {
    let emu = Emulator::start(&[]);
    let ok = post(CUSTOMERS, tx(1)).send(&emu, CUSTOMER_CSV.as_bytes());
    assert_eq!((ok.status, &ok.body), (200, &json!({"status": "Success"})));
    let again = post(CUSTOMERS, tx(1)).send(&emu, b"websiteID\n9\n");
    assert_eq!(again.body, json!({"status": "TransactionAlreadyProcessed"}));

    let orders = Post {
        gzip: true,
        ..post(ORDERS, tx(2))
    };
    assert_eq!(orders.send(&emu, &gzip(ORDER_CSV.as_bytes())).status, 200);
    let unknown = post(CUSTOMERS, tx(3)).send(&emu, b"websiteID;Nickname\n4;x\n");
    assert_eq!(unknown.body["status"], "Success");

    let tasks = list(&emu, "tasks");
    assert_eq!(tasks.len(), 3, "{tasks:?}");
    assert_eq!(
        tasks[0],
        json!({
            "transactionId": tx(1), "operation": CUSTOMERS, "bytes": CUSTOMER_CSV.len(),
            "gzip": false, "rows": 3, "accepted": 1, "rejected": 2, "status": "Done",
            "errors": [
                {"row": 2, "message": "Email: 'not-an-email' is not an e-mail address"},
                {"row": 3, "message": "no identifier: the row has no id, Email or MobilePhone"},
            ],
        })
    );
    assert_eq!(
        (tasks[1]["gzip"].as_bool(), tasks[1]["accepted"].as_u64()),
        (Some(true), Some(2))
    );
    assert_eq!(tasks[2]["status"], "Failed");
    assert!(
        tasks[2]["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("unknown column 'Nickname'")
    );

    let customers = list(&emu, "customers");
    assert_eq!(
        customers.len(),
        1,
        "the repeat and the failed file imported nothing"
    );
    assert_eq!(customers[0]["ids"], json!({"websiteID": "1"}));
    assert_eq!(customers[0]["firstName"], "Анна; Мария");
    assert_eq!(customers[0]["mobilePhone"], "79001234567");
    let orders = list(&emu, "orders");
    assert_eq!(orders[0]["createdAt"], "2024-01-02 03:04:05");
    assert_eq!(orders[0]["customer"]["ids"], json!({"websiteID": "1"}));
    assert_eq!(
        orders[0]["lines"][1]["productIds"],
        json!({"website": "p2"})
    );
    assert_eq!(orders[0]["lines"][1]["quantity"], 2.0);

    let journal = emu.journal("?endpoint=bulk");
    let outcomes: Vec<&str> = journal
        .iter()
        .map(|e| e["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(
        outcomes,
        ["processed", "duplicate", "processed", "processed"]
    );
    assert_eq!(journal[0]["query"]["csvColumnDelimiter"], ";");

    emu.control("POST", "/reset", None);
    assert!(list(&emu, "tasks").is_empty() && list(&emu, "orders").is_empty());
    assert_eq!(
        post(CUSTOMERS, tx(1))
            .send(&emu, CUSTOMER_CSV.as_bytes())
            .body["status"],
        "Success"
    );
}

#[test]
fn requests_that_are_not_imports_are_refused() {
    let emu = Emulator::start(&[]);
    let csv = b"websiteID\n1\n";
    let refused = |p: Post<'_>, status: u16, named: &str| {
        let answer = p.send(&emu, csv);
        assert_eq!(answer.status, status, "{}", answer.body);
        assert_eq!(answer.body["status"], "ProtocolError");
        let message = answer.body["errorMessage"].as_str().unwrap();
        assert!(message.contains(named), "{message}");
    };
    refused(
        post(CUSTOMERS, String::new()),
        400,
        "transactionId is required",
    );
    refused(post(CUSTOMERS, "42".into()), 400, "GUID");
    refused(post("Website.X", tx(1)), 400, "not a bulk import");
    refused(
        Post {
            query: "&csvCodePage=1251",
            ..post(CUSTOMERS, tx(1))
        },
        400,
        "1251",
    );
    refused(
        Post {
            query: "",
            ..post(CUSTOMERS, tx(1))
        },
        400,
        "csvCodePage is required",
    );
    refused(
        Post {
            content_type: "application/json",
            ..post(CUSTOMERS, tx(1))
        },
        400,
        "text/csv",
    );
    refused(
        Post {
            auth: None,
            ..post(CUSTOMERS, tx(1))
        },
        401,
        "Authorization",
    );
    refused(
        Post {
            auth: Some("SecretKey nope"),
            ..post(CUSTOMERS, tx(1))
        },
        403,
        "secret key",
    );
    assert!(list(&emu, "tasks").is_empty());
    // None of them used the transaction.
    assert_eq!(
        post(CUSTOMERS, tx(1)).send(&emu, csv).body["status"],
        "Success"
    );
}

#[test]
fn the_config_is_checked_and_used() {
    let emu = Emulator::start(&[]);
    let bad = emu
        .agent
        .post(&emu.url("/__emulator/bulk/config"))
        .send_json(json!({"perHour": 1, "dateformats": []}))
        .unwrap();
    assert_eq!(bad.status(), 400);
    emu.control(
        "POST",
        "/bulk/config",
        Some(json!({
            "customerIdNames": ["bitrixId"],
            "operations": {"customers": "Shop.Customers"},
            "dateFormats": ["dd.MM.yyyy"],
        })),
    );
    let csv = "bitrixId;BirthDate\n7;01.05.1990\n8;1990-05-01\n";
    assert_eq!(
        post("Shop.Customers", tx(1))
            .send(&emu, csv.as_bytes())
            .status,
        200
    );
    assert_eq!(
        post(CUSTOMERS, tx(2)).send(&emu, csv.as_bytes()).status,
        400
    );
    let task = &list(&emu, "tasks")[0];
    assert_eq!(
        (task["accepted"].as_u64(), task["rejected"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(list(&emu, "customers")[0]["birthDate"], "1990-05-01");
    emu.control("POST", "/reset", None);
    assert_eq!(
        emu.control("GET", "/bulk/config", None)["customerIdNames"],
        json!(["websiteID"])
    );
}
