//! A key Mindbox refuses (401, 403), as after a rotation: nothing is parked, delivery waits, and a
//! client with a key Mindbox takes delivers everything, the old key's backlog included.

use super::{CallOptions, Client};
use crate::config::Config;
use crate::delivery::Reason;
use serde_json::json;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Answers Success to the `good` key and 401 to any other; counts the refusals.
fn server(good: &'static str) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let refused = Arc::new(AtomicUsize::new(0));
    let counter = refused.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let counter = counter.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream);
                let mut line = String::new();
                let _ = reader.read_line(&mut line);
                let (mut length, mut authorized) = (0, false);
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
                        break;
                    }
                    let lower = header.to_ascii_lowercase();
                    if let Some(v) = lower.strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap_or(0);
                    }
                    authorized |= lower.starts_with("authorization:") && header.contains(good);
                }
                let mut body = vec![0; length];
                let _ = reader.read_exact(&mut body);
                let (status, answer) = if authorized {
                    ("200 OK", r#"{"status":"Success"}"#)
                } else {
                    counter.fetch_add(1, Ordering::SeqCst);
                    (
                        "401 Unauthorized",
                        r#"{"status":"ProtocolError","errorMessage":"Wrong secret key"}"#,
                    )
                };
                let _ = write!(
                    reader.get_mut(),
                    "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                    answer.len()
                );
            });
        }
    });
    (url, refused)
}

fn client(url: &str, outbox: &std::path::Path, key: &str) -> Client {
    let config = Config::from_value(
        &json!({"endpointId": "shop", "secretKey": key, "baseUrl": url, "outbox": outbox.display().to_string(), "timeout": 2}),
        None,
    )
    .unwrap();
    Client::new(config)
}

fn cart(n: u32) -> serde_json::Value {
    json!({"customer": {"ids": {"websiteID": n.to_string()}}, "productList": []})
}

#[test]
fn a_refused_key_parks_nothing_and_a_working_key_delivers_the_backlog() {
    let (url, refused) = server("new-key-0123456789");
    let outbox = crate::private::test_dir("rotation").join("outbox.sqlite");
    let old = client(&url, &outbox, "old-key-0123456789");
    for n in 0..200 {
        old.send("Website.SetCart", cart(n), &CallOptions::default())
            .unwrap();
    }
    let (report, reason, stats) = old.flush(10.0).unwrap();
    assert_eq!((reason, report.failed), (Reason::Credentials, 0));
    assert_eq!((stats.pending, stats.failed), (200, 0), "nothing parked");
    assert!(stats.credentials_refused);
    assert!(stats.last_error.unwrap_or_default().contains("401"));
    assert!(
        refused.load(Ordering::SeqCst) <= 16,
        "the refusal holds the rest back"
    );

    let new = client(&url, &outbox, "new-key-0123456789");
    new.send("Website.SetCart", cart(999), &CallOptions::default())
        .unwrap();
    let (_, reason, stats) = new.flush(20.0).unwrap();
    assert_eq!((reason, stats.pending, stats.failed), (Reason::Idle, 0, 0));
    assert!(!stats.credentials_refused);
    assert!(
        old.stats().unwrap().credentials_refused,
        "the old key stays refused"
    );
    assert!(refused.load(Ordering::SeqCst) <= 16);
}
