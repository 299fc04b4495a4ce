//! The outbox side of the client against a loopback HTTP server: what is delivered, how it is
//! retried and parked, and when a flush stops.

use super::{CallOptions, Client};
use crate::clock::now_ms;
use crate::config::Config;
use crate::delivery::{Deliverer, Reason};
use crate::endpoint::Endpoint;
use crate::outbox::{self, Role, Scope, Store};
use serde_json::json;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

/// A one-answer-per-connection HTTP server; reports each request line it saw, and when.
pub(super) fn server(
    status: &'static str,
    body: &'static str,
) -> (String, mpsc::Receiver<(Instant, String)>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (seen, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream);
            let mut request_line = String::new();
            let _ = reader.read_line(&mut request_line);
            let at = Instant::now();
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
            }
            let mut buf = vec![0; length];
            let _ = reader.read_exact(&mut buf);
            let _ = seen.send((at, request_line));
            let _ = write!(
                reader.get_mut(),
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (url, rx)
}

fn client(url: &str, name: &str) -> Client {
    let outbox = crate::private::test_dir(&format!("delivery-{name}")).join("outbox.sqlite");
    let config = Config::from_value(
        &json!({"endpointId": "shop", "secretKey": "k", "baseUrl": url,
            "outbox": outbox.display().to_string(), "retryDelay": 0.01, "retryMaxDelay": 0.05,
            "timeout": 1}),
        None,
    )
    .unwrap();
    Client::new(config)
}

pub(super) fn cart(n: u32) -> serde_json::Value {
    json!({"customer": {"ids": {"websiteID": n.to_string()}}, "productList": []})
}

fn deliverer_of(client: &Client) -> Arc<Deliverer> {
    let path = client.config().outbox.clone().unwrap();
    let scope = Scope {
        endpoint_id: "shop".into(),
        base_url: client.config().base_url.clone(),
    };
    crate::delivery::deliverer(
        &path,
        scope,
        &Arc::new(crate::exchange::Exchange::new(client.config().clone())),
    )
}

fn threads_started(client: &Client) -> u64 {
    deliverer_of(client).threads_started()
}

#[test]
fn sent_items_are_delivered_with_their_transaction_ids() {
    let (url, seen) = server("200 OK", r#"{"status":"Success"}"#);
    let client = client(&url, "ok");
    let ids: Vec<String> = (0..5)
        .map(|n| {
            client
                .send("Website.SetCart", cart(n), &CallOptions::default())
                .unwrap()
        })
        .collect();
    let (report, reason, stats) = client.flush(10.0).unwrap();
    assert_eq!((report.sent, reason, stats.pending), (5, Reason::Idle, 0));
    let lines: Vec<String> = seen.try_iter().map(|(_, line)| line).collect();
    assert_eq!(lines.len(), 5);
    for id in ids {
        assert!(
            lines
                .iter()
                .any(|l| l.contains(&format!("transactionId={id}")))
        );
    }
    assert!(
        lines
            .iter()
            .all(|l| l.starts_with("POST /v3/operations/async?"))
    );
}

#[test]
fn refusals_are_parked_at_once_with_their_reason() {
    let (url, seen) = server(
        "400 Bad Request",
        r#"{"status":"ProtocolError","errorMessage":"nope","errorId":"e-1"}"#,
    );
    let client = client(&url, "refused");
    client
        .send("Website.SetCart", cart(1), &CallOptions::default())
        .unwrap();
    let (report, _, stats) = client.flush(10.0).unwrap();
    assert_eq!((report.failed, stats.pending, stats.failed), (1, 0, 1));
    assert_eq!(seen.try_iter().count(), 1);
    let failed = client.failed_items(10, 0).unwrap();
    assert_eq!(
        (failed[0].failure.http_status, failed[0].attempts),
        (400, 1)
    );
    assert_eq!(failed[0].failure.error_id.as_deref(), Some("e-1"));
}

#[test]
fn unavailability_is_retried_until_max_attempts() {
    let (url, seen) = server("503 Service Unavailable", "");
    let client = client(&url, "down");
    client
        .send("Website.SetCart", cart(1), &CallOptions::default())
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while client.stats().unwrap().failed == 0 && Instant::now() < deadline {
        client.flush(1.0).unwrap();
    }
    let failed = client.failed_items(10, 0).unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].attempts, client.config().max_attempts);
    assert_eq!(
        failed[0].failure.mindbox_status.as_deref(),
        Some("InternalServerError")
    );
    assert_eq!(seen.try_iter().count() as u32, client.config().max_attempts);
}

#[test]
fn a_flush_returns_at_once_when_mindbox_is_down() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut config = client(&format!("http://127.0.0.1:{port}"), "refusing")
        .config()
        .clone();
    config.retry_base_delay = Duration::from_secs(2);
    config.retry_max_delay = Duration::from_secs(60);
    let client = Client::new(config);
    for n in 0..50 {
        client
            .send("Website.SetCart", cart(n), &CallOptions::default())
            .unwrap();
    }
    let started = Instant::now();
    let (report, reason, stats) = client.flush(5.0).unwrap();
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(reason, Reason::Backoff);
    assert_eq!(stats.pending, 50);
    assert!(
        report.retrying <= 16,
        "{report:?}: the outage is probed, not hammered"
    );
    assert!(
        threads_started(&client) <= 17,
        "one dispatcher and at most `concurrency` workers"
    );
}

#[test]
fn a_flush_returns_at_once_while_another_live_process_delivers() {
    let (url, seen) = server("200 OK", r#"{"status":"Success"}"#);
    let client = client(&url, "standby");
    let path = client.config().outbox.clone().unwrap();
    let scope = Scope {
        endpoint_id: "shop".into(),
        base_url: client.config().base_url.clone(),
    };
    let mut other = Store::open(&path, client.config().synchronous, Role::Deliverer).unwrap();
    // Written by another process (so no delivery of this one starts), and in hand of a holder
    // that cannot be judged dead: a process elsewhere, say.
    let item = outbox::NewItem {
        operation: "Website.SetCart",
        endpoint: Endpoint::Async,
        body: b"{}",
        transaction_id: "6f1d7e1e-3c1b-4a8e-9a3e-2b1c0d9e8f7a",
        device_uuid: None,
        customer_ip: None,
        ordering_key: None,
        hold: None,
        delay_ms: 0,
        snapshot: None,
    };
    other.enqueue(&scope, &item, now_ms()).unwrap();
    other
        .cycle(&outbox::Cycle {
            scope: &scope,
            holder: "elsewhere:1:1:1",
            lease_ms: 60_000,
            pace_us: 0,
            now: now_ms(),
            want: 1,
            settle: &[],
            release_backoff: false,
            key_fp: "key",
            key_refused: None,
        })
        .unwrap();
    let started = Instant::now();
    let (report, reason, stats) = client.flush(5.0).unwrap();
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        (reason, report.sent, stats.pending),
        (Reason::OtherProcess, 0, 1)
    );
    assert_eq!(seen.try_iter().count(), 0);
}

#[test]
fn a_send_woken_late_does_not_bring_the_next_one_closer_than_the_rate_limit() {
    let (url, seen) = server("200 OK", r#"{"status":"Success"}"#);
    let mut config = client(&url, "spacing").config().clone();
    // One request of an operation every 100 ms, claimed up to 100 ms before its slot.
    config.rate_limit = 600;
    config.concurrency = 4;
    let client = Client::new(config);
    for n in 0..6 {
        client
            .send("Website.SetCart", cart(n), &CallOptions::default())
            .unwrap();
    }
    // A busy machine: no thread of the delivery runs for 250 ms, so a worker whose slot came
    // meanwhile goes late, and the next item's slot has come by the time it may go.
    std::thread::sleep(Duration::from_millis(150));
    deliverer_of(&client).stall(Duration::from_millis(250));
    let (_, reason, stats) = client.flush(10.0).unwrap();
    assert_eq!((stats.pending, reason), (0, Reason::Idle));
    let times: Vec<Instant> = seen.try_iter().map(|(at, _)| at).collect();
    assert_eq!(times.len(), 6);
    let closest = times.windows(2).map(|w| w[1] - w[0]).min().unwrap();
    assert!(closest >= Duration::from_millis(70), "{closest:?}");
}

#[test]
fn a_backlog_is_delivered_with_few_threads_and_few_writes() {
    let (url, _seen) = server("200 OK", r#"{"status":"Success"}"#);
    let client = client(&url, "backlog");
    for n in 0..300 {
        client
            .send("Website.SetCart", cart(n), &CallOptions::default())
            .unwrap();
    }
    let (_, reason, stats) = client.flush(30.0).unwrap();
    assert_eq!((stats.pending, reason), (0, Reason::Idle));
    assert!(
        threads_started(&client) <= 17,
        "{}",
        threads_started(&client)
    );
}

#[test]
fn an_outbox_deleted_under_a_running_process_is_made_again_not_written_into_the_void() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = client(&format!("http://127.0.0.1:{port}"), "deleted");
    let path = client.config().outbox.clone().unwrap();
    client
        .send("Website.SetCart", cart(1), &CallOptions::default())
        .unwrap();
    for suffix in ["", "-wal", "-shm"] {
        std::fs::remove_file(format!("{}{suffix}", path.display())).unwrap();
    }
    client
        .send("Website.SetCart", cart(2), &CallOptions::default())
        .unwrap();
    assert!(path.file().unwrap().exists());
    assert_eq!(
        client.stats().unwrap().pending,
        1,
        "the new file holds the new event"
    );
}
