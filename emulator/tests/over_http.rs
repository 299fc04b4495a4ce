//! The emulator as its users see it: the real binary on a loopback port, driven over HTTP.

mod common;

use std::io::Read;
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use common::{Emulator, raw_get};

const TX: &str = "0f8fad5b-d9cb-469f-a165-70867728950e";

const KEY: Option<&str> = Some("SecretKey key");
const BODY: &str = r#"{"customer":{"email":"a@b.ru","firstName":"Иван"}}"#;

#[test]
fn calls_are_checked_answered_and_journaled() {
    let emu = Emulator::start(&[]);

    let ok = emu.call(
        "Website.X",
        &format!("&transactionId={TX}&deviceUUID=d-1"),
        KEY,
        BODY,
    );
    assert_eq!(
        (ok.status, ok.body["status"].as_str()),
        (200, Some("Success"))
    );
    let again = emu.call("Website.X", &format!("&transactionId={TX}"), KEY, BODY);
    assert_eq!(again.body["status"], "TransactionAlreadyProcessed");

    let status = |op: &str, q: &str, auth: Option<&str>, body: &str| {
        let a = emu.call(op, q, auth, body);
        if a.status != 200 {
            assert_eq!(a.body["status"], "ProtocolError");
            assert_eq!(a.body["httpStatusCode"], a.status);
            assert!(a.body["errorId"].is_string());
        }
        a.status
    };
    assert_eq!(status("Website.X", "", None, BODY), 401);
    assert_eq!(status("Website.X", "", Some("SecretKey nope"), BODY), 403);
    assert_eq!(
        status("Website.X", "", Some(r#"Mindbox secretKey="key""#), BODY),
        200
    );
    assert_eq!(status("", "", KEY, BODY), 400);
    assert_eq!(status("Website.X", "&transactionId=42", KEY, BODY), 400);
    assert_eq!(status("Website.X", "", KEY, "not json"), 400);
    assert_eq!(status("Website.X", "", KEY, ""), 400);

    let balance = emu.call("Website.GetCustomerBalance", "", KEY, "{}");
    assert_eq!(balance.body["balances"][0]["available"], 100.0);

    let journal = emu.journal("");
    assert_eq!(journal.len(), 10);
    shows_the_calls_as_received(&journal);
    let text = serde_json::to_string(&journal).unwrap();
    assert!(!text.contains("SecretKey key") && !text.contains("nope"));

    assert_eq!(emu.journal("?since=8").len(), 2);
    assert_eq!(emu.journal("?outcome=processed").len(), 3);
    assert_eq!(
        emu.journal("?operation=Website.GetCustomerBalance").len(),
        1
    );

    let stats = emu.control("GET", "/stats", None);
    assert_eq!(stats["requests"], 10);
    assert_eq!(stats["processed"], 3);
    assert_eq!(stats["duplicates"], 1);
    assert_eq!(stats["rejected"], 6);
    // One pooled agent: every call above and the control calls shared one connection.
    assert_eq!(stats["mindboxConnections"], 1);
    assert_eq!(stats["connectionsAccepted"], 1);
}

/// What the journal shows of the calls of `calls_are_checked_answered_and_journaled`.
fn shows_the_calls_as_received(journal: &[Value]) {
    let first = &journal[0];
    assert_eq!(first["seq"], 1);
    assert_eq!(first["endpoint"], "sync");
    assert_eq!(first["operation"], "Website.X");
    assert_eq!(first["endpointId"], "shop");
    assert_eq!(first["transactionId"], TX);
    assert_eq!(first["deviceUUID"], "d-1");
    assert_eq!(first["query"]["deviceUUID"], "d-1");
    assert_eq!(first["headers"]["authorization"], "SecretKey ***");
    assert_eq!(first["body"]["customer"]["firstName"], "Иван");
    assert_eq!(first["outcome"], "processed");
    assert_eq!(first["authOk"], true);
    assert_eq!(journal[1]["outcome"], "duplicate");
    assert_eq!(journal[2]["httpStatus"], 401);
    assert_eq!(journal[2]["authOk"], false);
    assert_eq!(
        journal[4]["headers"]["authorization"],
        r#"Mindbox secretKey="***""#
    );
    assert_eq!(journal[7]["rawBody"], "not json");
    assert!(journal[0].get("rawBody").is_none());
}

#[test]
fn connections_are_counted_and_a_reset_forgets() {
    let emu = Emulator::start(&[]);
    emu.call("Website.X", &format!("&transactionId={TX}"), KEY, BODY);
    emu.control("POST", "/reset", None);
    let fresh = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_idle_connections_per_host(0)
        .build()
        .into();
    for _ in 0..3 {
        emu.call_with(&fresh, "Website.X", "", KEY, BODY).unwrap();
    }
    // Asked over a connection of its own, which the counts leave out as the harness's. The
    // closes of the fresh agent's connections reach the emulator a moment after the calls.
    let deadline = Instant::now() + Duration::from_secs(2);
    let stats = loop {
        let stats: Value = serde_json::from_str(&raw_get(emu.port, "/__emulator/stats")).unwrap();
        if stats["connectionsOpen"] == 1 || Instant::now() > deadline {
            break stats;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    assert_eq!(stats["mindboxConnections"], 3);
    assert_eq!(stats["connectionsAccepted"], 3);
    // Only the pooled agent's connection, which opened with a Mindbox call, is left.
    assert_eq!(stats["connectionsOpen"], 1, "{stats}");
    // The transaction of before the reset is forgotten.
    let again = emu.call("Website.X", &format!("&transactionId={TX}"), KEY, BODY);
    assert_eq!(again.body["status"], "Success");
}

#[test]
fn wrong_paths_and_methods() {
    let emu = Emulator::start(&[]);
    let status =
        |r: Result<ureq::http::Response<ureq::Body>, ureq::Error>| r.unwrap().status().as_u16();
    assert_eq!(status(emu.agent.post(&emu.url("/v3/nope")).send("{}")), 404);
    assert_eq!(
        status(emu.agent.get(&emu.url("/v3/operations/sync")).call()),
        405
    );
    assert_eq!(
        status(emu.agent.get(&emu.url("/__emulator/nope")).call()),
        404
    );
    assert_eq!(
        status(emu.agent.get(&emu.url("/__emulator/reset")).call()),
        405
    );
    let bad = emu
        .agent
        .post(&emu.url("/__emulator/faults"))
        .send_json(json!({"rules": [{"kind": "status", "status": 500, "retryafter": 1}]}));
    assert_eq!(status(bad), 400);
}

/// Every kind of fault, each for an operation of its own name.
fn inject_faults(emu: &Emulator) {
    emu.control(
        "POST",
        "/faults",
        Some(json!({"rules": [
            {"operation": "Limited", "kind": "status", "status": 429, "retryAfter": 2, "times": 1},
            {"operation": "Down", "kind": "status", "status": 503},
            {"operation": "Gateway", "kind": "status", "status": 502},
            {"operation": "Custom", "kind": "status", "status": 400, "body": {"status": "Mine"}},
            {"operation": "Invalid", "kind": "validation"},
            {"operation": "Reset", "kind": "reset"},
            {"operation": "Hang", "kind": "hang"},
            {"operation": "Slow", "kind": "latency", "latencyMs": 300},
            {"operation": "Html", "kind": "raw", "status": 502, "rawBody": "<html>bad gateway</html>"},
            {"operation": "Cut", "kind": "raw", "contentType": "application/json",
             "rawBody": "{\"status\":\"Success\",\"padding\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}",
             "truncate": true},
        ]})),
    );
}

fn outcome(emu: &Emulator, operation: &str) -> Value {
    emu.journal(&format!("?operation={operation}"))[0]["outcome"].clone()
}

#[test]
fn faults_answer_with_errors() {
    let emu = Emulator::start(&[]);
    inject_faults(&emu);
    let limited = emu.call("Limited", &format!("&transactionId={TX}"), KEY, BODY);
    assert_eq!(limited.status, 429);
    assert_eq!(limited.body["status"], "ProtocolError");
    assert_eq!(limited.retry_after.as_deref(), Some("2"));
    // The rule was for one call, and the faulted call did not consume the transaction.
    let retried = emu.call("Limited", &format!("&transactionId={TX}"), KEY, BODY);
    assert_eq!(retried.body["status"], "Success");

    let down = emu.call("Down", "", KEY, BODY);
    assert_eq!(
        (down.status, down.body["status"].as_str()),
        (503, Some("InternalServerError"))
    );
    let gateway = emu.call("Gateway", "", KEY, BODY);
    assert_eq!((gateway.status, &gateway.body), (502, &Value::Null));
    assert_eq!(
        emu.call("Custom", "", KEY, BODY).body,
        json!({"status": "Mine"})
    );
    let invalid = emu.call("Invalid", "", KEY, BODY);
    assert_eq!(invalid.status, 200);
    assert_eq!(
        invalid.body["validationMessages"][0]["location"],
        "/customer/email"
    );
    assert_eq!(outcome(&emu, "Down"), "fault");
    assert_eq!(outcome(&emu, "Invalid"), "rejected");
}

#[test]
fn faults_break_connections() {
    let emu = Emulator::start(&[]);
    inject_faults(&emu);
    assert!(emu.call_with(&emu.agent, "Reset", "", KEY, BODY).is_err());

    let impatient: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_millis(300)))
        .build()
        .into();
    let started = Instant::now();
    assert!(emu.call_with(&impatient, "Hang", "", KEY, BODY).is_err());
    assert!(started.elapsed() < Duration::from_secs(2));

    let started = Instant::now();
    assert_eq!(emu.call("Slow", "", KEY, BODY).status, 200);
    assert!(started.elapsed() >= Duration::from_millis(300));

    let html = emu.call_with(&emu.agent, "Html", "", KEY, BODY).unwrap();
    assert_eq!((html.status, &html.body), (502, &Value::Null));
    assert!(emu.call_with(&emu.agent, "Cut", "", KEY, BODY).is_err());

    assert_eq!(outcome(&emu, "Slow"), "processed");
    let reset = &emu.journal("?operation=Reset")[0];
    assert_eq!(
        (reset["httpStatus"].as_u64(), reset["fault"].as_str()),
        (Some(0), Some("reset"))
    );

    // A connection that hung is released once the client leaves. The agent's current
    // connection opened with a control call, so it is not counted.
    std::thread::sleep(Duration::from_millis(200));
    let stats = emu.control("GET", "/stats", None);
    assert_eq!(stats["connectionsOpen"], 0, "{stats}");
}

#[test]
fn probability_rolls_are_seeded() {
    let emu = Emulator::start(&[]);
    // The same configuration fails the same calls.
    let pattern = || {
        emu.control(
            "POST",
            "/faults",
            Some(json!({"seed": 7, "rules": [{"kind": "status", "status": 500, "probability": 0.5}]})),
        );
        (0..20)
            .map(|_| emu.call("P", "", KEY, BODY).status)
            .collect::<Vec<_>>()
    };
    let first = pattern();
    assert_eq!(first, pattern());
    assert!(first.contains(&500) && first.contains(&200));
    emu.control("DELETE", "/faults", None);
    assert!((0..20).all(|_| emu.call("P", "", KEY, BODY).status == 200));
}

#[test]
fn a_counted_script_goes_before_the_standing_one() {
    let emu = Emulator::start(&[]);
    emu.control(
        "POST",
        "/scripts",
        Some(json!({"operation": "Website.GetCustomerBalance",
                    "response": {"status": "Success", "balances": []}})),
    );
    emu.control(
        "POST",
        "/scripts",
        Some(
            json!({"operation": "Website.GetCustomerBalance", "status": 500, "times": 1,
                    "response": {"status": "InternalServerError"}}),
        ),
    );
    assert_eq!(
        emu.call("Website.GetCustomerBalance", "", KEY, "{}").status,
        500
    );
    let scripted = emu.call("Website.GetCustomerBalance", "", KEY, "{}");
    assert_eq!(scripted.body, json!({"status": "Success", "balances": []}));
}

#[test]
fn global_latency_and_reset() {
    let emu = Emulator::start(&["--latency-ms", "150"]);
    let timed = || {
        let started = Instant::now();
        assert_eq!(emu.call("Website.X", "", KEY, BODY).status, 200);
        started.elapsed()
    };
    assert!(timed() >= Duration::from_millis(150));
    emu.control("POST", "/faults", Some(json!({"latencyMs": 0})));
    assert!(timed() < Duration::from_millis(150));
    emu.control("POST", "/reset", None);
    assert!(timed() >= Duration::from_millis(150));
    assert_eq!(emu.journal("").len(), 1);
}

#[test]
fn stops_on_request_and_on_sigterm_and_restarts_on_the_same_port() {
    let mut emu = Emulator::start(&[]);
    let port = emu.port;
    emu.control("POST", "/shutdown", None);
    assert!(emu.wait_for_exit().success());

    let mut emu = Emulator::start(&["--listen", &format!("127.0.0.1:{port}")]);
    assert_eq!(emu.port, port);
    // A connection left open must not keep the process alive.
    let mut idle = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let killed = Command::new("kill")
        .args(["-TERM", &emu.child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    assert!(emu.wait_for_exit().success());
    let mut rest = Vec::new();
    let _ = idle.read_to_end(&mut rest);
}

#[test]
fn refuses_non_loopback_addresses() {
    let output = Command::new(env!("CARGO_BIN_EXE_mindbox-emulator"))
        .args(["--listen", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("loopback"));
    assert!(output.stdout.is_empty());
}
