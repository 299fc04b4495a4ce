//! Bulk imports over HTTP, at their limits: the hourly window, the body's size, injected faults.

mod common;

use std::io::Write;
use std::net::TcpStream;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use common::Emulator;
use common::bulk::{CUSTOMERS, KEY, ORDER_CSV, ORDERS, Post, gzip, list, post, tx};

#[test]
fn the_hourly_limit_answers_429_until_a_slot_frees() {
    let emu = Emulator::start(&[]);
    let config = emu.control("POST", "/bulk/config", Some(json!({"perHour": 2})));
    assert_eq!(
        (config["perHour"].as_u64(), config["maxBytes"].as_u64()),
        (Some(2), Some(200_000_000))
    );
    let csv = b"websiteID\n1\n";
    assert_eq!(post(CUSTOMERS, tx(1)).send(&emu, csv).status, 200);
    assert_eq!(post(CUSTOMERS, tx(2)).send(&emu, csv).status, 200);
    let limited = post(CUSTOMERS, tx(3)).send(&emu, csv);
    assert_eq!(
        (limited.status, limited.body["status"].as_str()),
        (429, Some("ProtocolError"))
    );
    let wait: u64 = limited.retry_after.unwrap().parse().unwrap();
    assert!((3590..=3600).contains(&wait), "{wait}");
    // A repeat is answered as always: it takes no slot.
    assert_eq!(
        post(CUSTOMERS, tx(1)).send(&emu, csv).body["status"],
        "TransactionAlreadyProcessed"
    );

    let moved = emu.control("POST", "/bulk/clock", Some(json!({"advanceSeconds": 3600})));
    assert_eq!(moved, json!({"offsetSeconds": 3600}));
    assert_eq!(post(CUSTOMERS, tx(3)).send(&emu, csv).status, 200);
    assert_eq!(list(&emu, "tasks").len(), 3);
}

#[test]
fn bodies_over_the_limit_are_refused_once_read() {
    let emu = Emulator::start(&[]);
    emu.control(
        "POST",
        "/bulk/config",
        Some(json!({"perHour": 1, "maxBytes": 100_000})),
    );
    let big = format!("websiteID\n{}", "1234567\n".repeat(500_000));
    let large = post(CUSTOMERS, tx(1)).send(&emu, big.as_bytes());
    assert_eq!(
        (large.status, large.body["status"].as_str()),
        (413, Some("ProtocolError"))
    );
    assert!(
        large.body["errorMessage"]
            .as_str()
            .unwrap()
            .contains("as sent")
    );

    let bomb = Post {
        gzip: true,
        ..post(CUSTOMERS, tx(2))
    };
    let packed = gzip(big.as_bytes());
    assert!(packed.len() < 100_000);
    let answer = bomb.send(&emu, &packed);
    assert_eq!(answer.status, 413);
    assert!(
        answer.body["errorMessage"]
            .as_str()
            .unwrap()
            .contains("decompressed")
    );

    // Neither made a task nor kept its slot of the one the hour has, nor used its transaction.
    assert!(list(&emu, "tasks").is_empty());
    let small = gzip(b"websiteID\n1\n");
    assert_eq!(bomb.send(&emu, &small).status, 200);
}

#[test]
fn faults_of_the_operation_apply_to_imports() {
    let emu = Emulator::start(&[]);
    emu.control(
        "POST",
        "/faults",
        Some(json!({"rules": [
            {"operation": ORDERS, "kind": "status", "status": 500, "times": 1},
            {"operation": CUSTOMERS, "kind": "hang", "times": 1},
        ]})),
    );
    let down = post(ORDERS, tx(1)).send(&emu, ORDER_CSV.as_bytes());
    assert_eq!(
        (down.status, down.body["status"].as_str()),
        (500, Some("InternalServerError"))
    );
    let impatient: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_millis(300)))
        .build()
        .into();
    assert!(
        post(CUSTOMERS, tx(2))
            .send_with(&emu, &impatient, b"websiteID\n1\n")
            .is_err()
    );
    assert!(list(&emu, "tasks").is_empty());

    // Both rules are spent; the faulted transactions were not used.
    assert_eq!(
        post(ORDERS, tx(1)).send(&emu, ORDER_CSV.as_bytes()).body["status"],
        "Success"
    );
    assert_eq!(
        post(CUSTOMERS, tx(2)).send(&emu, b"websiteID\n1\n").body["status"],
        "Success"
    );
    let faults: Vec<Value> = emu.journal("?outcome=fault");
    assert_eq!(faults.len(), 2);
    assert_eq!(faults[0]["endpoint"], "bulk");
}

#[test]
fn a_client_gone_mid_body_gives_its_slot_back() {
    let emu = Emulator::start(&[]);
    emu.control("POST", "/bulk/config", Some(json!({"perHour": 1})));
    let mut stream = TcpStream::connect(("127.0.0.1", emu.port)).unwrap();
    write!(
        stream,
        "POST /v3/operations/bulk?endpointId=shop&operation={CUSTOMERS}&transactionId={}\
         &csvCodePage=65001 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {KEY}\r\n\
         Content-Type: text/csv\r\nContent-Length: 1000\r\n\r\nwebsiteID\n1\n",
        tx(1)
    )
    .unwrap();
    drop(stream);
    // The emulator sees the client leave a moment later; until then the slot is taken.
    let deadline = Instant::now() + Duration::from_secs(5);
    let answer = loop {
        let answer = post(CUSTOMERS, tx(2)).send(&emu, b"websiteID\n2\n");
        if answer.status != 429 || Instant::now() > deadline {
            break answer;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(answer.status, 200, "{}", answer.body);
    let tasks = list(&emu, "tasks");
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0]["transactionId"], tx(2));
}
