//! The browser tracker's side of the emulator: the script it serves and the keyless, CORS-open
//! endpoint the script calls, over HTTP against the real binary.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;

use serde_json::{Value, json};

use common::Emulator;

const PAGE: &str = "http://shop.test";

struct Answer {
    status: u16,
    headers: ureq::http::HeaderMap,
    body: Value,
}

fn send(
    emu: &Emulator,
    method: &str,
    path_and_query: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Answer {
    let url = emu.url(path_and_query);
    let mut builder = ureq::http::Request::builder().method(method).uri(&url);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let request = builder.body(body.to_owned()).unwrap();
    let mut response = emu.agent.run(request).unwrap();
    let text = response.body_mut().read_to_string().unwrap_or_default();
    Answer {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: serde_json::from_str(&text).unwrap_or(Value::Null),
    }
}

/// A tracker call as the script makes it: text/plain JSON from the shop's page.
fn track(emu: &Emulator, kind: &str, query: &str, body: &str) -> Answer {
    send(
        emu,
        "POST",
        &format!("/tracker/v3/operations/{kind}?{query}"),
        &[
            ("content-type", "text/plain;charset=UTF-8"),
            ("origin", PAGE),
        ],
        body,
    )
}

fn header<'a>(answer: &'a Answer, name: &str) -> &'a str {
    answer.headers.get(name).map_or("", |v| v.to_str().unwrap())
}

#[test]
fn serves_the_script() {
    let emu = Emulator::start(&[]);
    let got = send(&emu, "GET", "/scripts/v1/tracker.js", &[], "");
    assert_eq!(got.status, 200);
    assert_eq!(
        header(&got, "content-type"),
        "application/javascript; charset=utf-8"
    );
    let mut response = emu
        .agent
        .get(emu.url("/scripts/v1/tracker.js"))
        .call()
        .unwrap();
    let script = response.body_mut().read_to_string().unwrap();
    assert!(script.contains("/tracker/v3/operations/"));
    assert!(script.contains("mindboxDeviceUUID"));

    // HEAD over a plain socket: ureq would not show a body that should not be there.
    let mut stream = TcpStream::connect(("127.0.0.1", emu.port)).unwrap();
    write!(
        stream,
        "HEAD /scripts/v1/tracker.js HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).unwrap();
    let (head, rest) = raw.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(head.contains("application/javascript"), "{head}");
    assert!(
        head.contains(&format!("content-length: {}", script.len())),
        "{head}"
    );
    assert_eq!(rest, "");

    assert_eq!(
        send(&emu, "POST", "/scripts/v1/tracker.js", &[], "").status,
        405
    );
    // Serving the script is not a tracker call.
    assert!(emu.journal("").is_empty());
}

#[test]
fn calls_are_journaled_with_server_calls_in_arrival_order() {
    let emu = Emulator::start(&[]);
    let body = r#"{"viewProduct":{"product":{"ids":{"websiteID":"TEA-1"}}}}"#;
    let viewed = track(
        &emu,
        "async",
        "endpointId=shop&operation=Website.ViewProduct&deviceUUID=dev-1",
        body,
    );
    assert_eq!(viewed.status, 200);
    assert_eq!(viewed.body, json!({"status": "Success"}));
    assert_eq!(header(&viewed, "access-control-allow-origin"), PAGE);
    assert_eq!(header(&viewed, "vary"), "Origin");
    assert!(header(&viewed, "content-type").starts_with("application/json"));

    let server = emu.call("Website.CreateOrder", "", Some("SecretKey key"), "{}");
    assert_eq!(server.status, 200);
    let json_body = send(
        &emu,
        "POST",
        "/tracker/v3/operations/sync?endpointId=shop&operation=Website.GetRecs&deviceUUID=dev-1",
        &[("content-type", "application/json")],
        "{}",
    );
    assert_eq!(json_body.status, 200);
    // No Origin (a non-browser client): any origin is allowed.
    assert_eq!(header(&json_body, "access-control-allow-origin"), "*");

    let processed = emu.journal("?outcome=processed");
    let seen: Vec<_> = processed
        .iter()
        .map(|e| {
            (
                e["endpoint"].as_str().unwrap(),
                e["operation"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("tracker", "Website.ViewProduct"),
            ("sync", "Website.CreateOrder"),
            ("tracker-sync", "Website.GetRecs"),
        ]
    );
    let first = &processed[0];
    assert_eq!(first["endpointId"], "shop");
    assert_eq!(first["deviceUUID"], "dev-1");
    assert_eq!(first["query"]["deviceUUID"], "dev-1");
    assert_eq!(
        first["body"]["viewProduct"]["product"]["ids"]["websiteID"],
        "TEA-1"
    );
    assert_eq!(first["authOk"], true);
    assert_eq!(first["httpStatus"], 200);
    assert_eq!(first["mindboxStatus"], "Success");
    assert_eq!(first["headers"]["origin"], PAGE);
    assert!(first.get("errorMessage").is_none());

    assert_eq!(emu.journal("?endpoint=tracker").len(), 1);
    assert_eq!(emu.journal("?endpoint=tracker-sync").len(), 1);
    let stats = emu.control("GET", "/stats", None);
    assert_eq!(
        (stats["requests"].as_u64(), stats["processed"].as_u64()),
        (Some(3), Some(3))
    );
}

#[test]
fn refusals_are_answered_with_cors_and_journaled() {
    let emu = Emulator::start(&[]);
    let refused = |query: &str, body: &str, message: &str| {
        let got = track(&emu, "async", query, body);
        assert_eq!(got.status, 400, "{query} {body}");
        assert_eq!(got.body["status"], "ProtocolError");
        assert_eq!(got.body["errorMessage"], message);
        assert_eq!(header(&got, "access-control-allow-origin"), PAGE);
        assert_eq!(header(&got, "vary"), "Origin");
    };
    refused(
        "endpointId=other&operation=Website.ViewProduct",
        "{}",
        "Unknown endpointId 'other'",
    );
    refused(
        "operation=Website.ViewProduct",
        "{}",
        "endpointId is required",
    );
    refused("endpointId=shop", "{}", "operation is required");
    refused(
        "endpointId=shop&operation=View%20Product",
        "{}",
        "operation 'View Product' is not a valid operation name",
    );
    refused(
        "endpointId=shop&operation=Website.ViewProduct",
        "[1]",
        "Request body must be a JSON object",
    );
    refused(
        "endpointId=shop&operation=Website.ViewProduct",
        "viewProduct",
        "Request body is not valid JSON",
    );
    let html = send(
        &emu,
        "POST",
        "/tracker/v3/operations/async?endpointId=shop&operation=Website.ViewProduct",
        &[("content-type", "text/html")],
        "{}",
    );
    assert_eq!(html.status, 400);

    let rejected = emu.journal("?outcome=rejected&endpoint=tracker");
    assert_eq!(rejected.len(), 7);
    assert_eq!(rejected[0]["endpointId"], "other");
    assert_eq!(rejected[0]["httpStatus"], 400);
    assert_eq!(rejected[0]["mindboxStatus"], "ProtocolError");
    assert_eq!(rejected[0]["errorMessage"], "Unknown endpointId 'other'");
    assert_eq!(rejected[0]["authOk"], true);
    assert_eq!(rejected[5]["rawBody"], "viewProduct");
    assert_eq!(emu.control("GET", "/stats", None)["rejected"], 7);
}

#[test]
fn preflight_and_other_methods() {
    let emu = Emulator::start(&[]);
    let preflight = send(
        &emu,
        "OPTIONS",
        "/tracker/v3/operations/async?endpointId=shop&operation=X",
        &[
            ("origin", PAGE),
            ("access-control-request-method", "POST"),
            ("access-control-request-headers", "content-type"),
        ],
        "",
    );
    assert_eq!(preflight.status, 204);
    assert_eq!(header(&preflight, "access-control-allow-origin"), PAGE);
    assert_eq!(
        header(&preflight, "access-control-allow-methods"),
        "POST, OPTIONS"
    );
    assert_eq!(
        header(&preflight, "access-control-allow-headers"),
        "content-type"
    );
    assert_eq!(header(&preflight, "access-control-max-age"), "600");
    assert_eq!(header(&preflight, "vary"), "Origin");
    // A preflight is the browser asking, not the page calling.
    assert!(emu.journal("").is_empty());

    let get = send(
        &emu,
        "GET",
        "/tracker/v3/operations/sync",
        &[("origin", PAGE)],
        "",
    );
    assert_eq!(get.status, 405);
    assert_eq!(header(&get, "allow"), "POST, OPTIONS");
    assert_eq!(header(&get, "access-control-allow-origin"), PAGE);
    assert_eq!(emu.journal("?endpoint=tracker-sync")[0]["httpStatus"], 405);
}

#[test]
fn faults_apply_to_tracker_calls() {
    let emu = Emulator::start(&[]);
    emu.control(
        "POST",
        "/faults",
        Some(
            json!({"rules": [{"operation": "Website.ViewProduct", "kind": "status",
                                "status": 503, "times": 1}]}),
        ),
    );
    let query = "endpointId=shop&operation=Website.ViewProduct";
    let down = track(&emu, "async", query, "{}");
    assert_eq!(down.status, 503);
    assert_eq!(header(&down, "access-control-allow-origin"), PAGE);
    assert_eq!(track(&emu, "async", query, "{}").status, 200);
    assert_eq!(emu.journal("?outcome=fault")[0]["endpoint"], "tracker");
}

/// The script itself, under node with stand-ins for the browser objects it touches; the last
/// scenario sends through node's fetch to this emulator.
#[test]
fn tracker_script_under_node() {
    let emu = Emulator::start(&[]);
    let dir = env!("CARGO_MANIFEST_DIR");
    let output = match Command::new("node")
        .arg(format!("{dir}/tests/tracker_js.mjs"))
        .arg(format!("{dir}/src/handlers/tracker.js"))
        .arg(emu.url(""))
        .output()
    {
        Ok(output) => output,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            eprintln!("skipped: node is not installed, so tracker.js is not run");
            return;
        }
        Err(e) => panic!("cannot run node: {e}"),
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "node failed\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let live: Value = stdout
        .lines()
        .find_map(|line| line.strip_prefix("LIVE "))
        .map(|json| serde_json::from_str(json).unwrap())
        .unwrap_or_else(|| panic!("no LIVE line in\n{stdout}"));
    let device = live["deviceUUID"].as_str().unwrap();

    let calls = emu.journal("?endpoint=tracker");
    let seen: Vec<_> = calls
        .iter()
        .map(|e| {
            (
                e["operation"].as_str().unwrap(),
                e["outcome"].as_str().unwrap(),
                e["deviceUUID"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("SiteVisit", "processed", device),
            ("Website.ViewProduct", "processed", device),
        ]
    );
    assert_eq!(
        calls[0]["body"],
        json!({"customer": {"ids": {"websiteID": "7"}}})
    );
    assert_eq!(
        calls[1]["headers"]["content-type"],
        "text/plain;charset=UTF-8"
    );
}
