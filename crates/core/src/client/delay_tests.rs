//! Delayed and held items through the client, on a file and (with the test MariaDB) on MySQL:
//! a flush does not wait for a delay, a withdrawn item is never sent.

use super::tests::{cart, server};
use super::{CallOptions, Client};
use crate::config::Config;
use crate::delivery::Reason;
use crate::error::Error;
use serde_json::json;
use std::time::{Duration, Instant};

/// The outboxes at hand: a file, and tables of their own when a test MariaDB runs.
fn outboxes(name: &str) -> Vec<String> {
    let file = crate::private::test_dir(&format!("client-{name}")).join("outbox.sqlite");
    let mut all = vec![file.display().to_string()];
    if let Ok(url) = std::env::var("MINDBOX_TEST_MYSQL_URL") {
        let join = if url.contains('?') { '&' } else { '?' };
        all.push(format!("{url}{join}prefix=c{}_{name}_", std::process::id()));
    }
    all
}

fn client(url: &str, outbox: &str) -> Client {
    Client::new(
        Config::from_value(
            &json!({"endpointId": "shop", "secretKey": "k", "baseUrl": url, "outbox": outbox}),
            None,
        )
        .unwrap(),
    )
}

fn options(value: serde_json::Value) -> CallOptions {
    CallOptions::from_value(&value).unwrap()
}

#[test]
fn a_flush_does_not_wait_for_a_delayed_item_and_a_withdrawn_one_is_never_sent() {
    for outbox in outboxes("delay") {
        let (url, seen) = server("200 OK", r#"{"status":"Success"}"#);
        let client = client(&url, &outbox);
        let hold = |amount: f64| json!({"key": "customer:1", "amount": amount});
        // Only delayed items are counted before the flush: background delivery may take an
        // undelayed one at any moment after its send.
        let later = client
            .send(
                "Website.SetCart",
                cart(1),
                &options(json!({"delay": 60, "hold": hold(120.5)})),
            )
            .unwrap();
        let later_too = client
            .send(
                "Website.SetCart",
                cart(3),
                &options(json!({"delay": 60, "hold": hold(100.0)})),
            )
            .unwrap();
        assert_eq!(client.held_points("customer:1").unwrap(), 220.5, "{outbox}");
        let now = client
            .send(
                "Website.SetCart",
                cart(2),
                &options(json!({"hold": hold(50.0)})),
            )
            .unwrap();

        let started = Instant::now();
        let (report, reason, stats) = client.flush(10.0).unwrap();
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{outbox}: waited"
        );
        assert_eq!((report.sent, reason, stats.pending), (1, Reason::Idle, 2));
        let lines: Vec<String> = seen.try_iter().map(|(_, line)| line).collect();
        assert_eq!(lines.len(), 1, "{outbox}: {lines:?}");
        assert!(lines[0].contains(&now), "{lines:?}");
        assert_eq!(
            client.held_points("customer:1").unwrap(),
            220.5,
            "delivered, released"
        );

        assert!(client.withdraw(&later).unwrap(), "{outbox}");
        assert!(!client.withdraw(&later).unwrap(), "{outbox}: gone already");
        assert!(!client.withdraw(&now).unwrap(), "{outbox}: delivered");
        assert_eq!(client.held_points("customer:1").unwrap(), 100.0);
        assert!(client.withdraw(&later_too).unwrap(), "{outbox}");
        assert_eq!(client.held_points("customer:1").unwrap(), 0.0);
        assert_eq!(client.stats().unwrap().pending, 0);
    }
}

#[test]
fn holds_and_delays_are_refused_where_they_mean_nothing() {
    let client = client("http://127.0.0.1:9", &outboxes("refused")[0]);
    let path = |e: Error| match e {
        Error::InvalidArgument { path, .. } => path,
        other => panic!("expected an invalid argument, got {other:?}"),
    };
    let hold = options(json!({"hold": {"key": "k", "amount": 1}}));
    let call = client.call("Website.Ping", json!({}), &hold).unwrap_err();
    assert_eq!(path(call), "options.hold");
    let delay = options(json!({"delay": 1}));
    let call = client.call("Website.Ping", json!({}), &delay).unwrap_err();
    assert_eq!(path(call), "options.delay");
    assert_eq!(path(client.held_points("").unwrap_err()), "key");
    assert_eq!(
        path(client.withdraw("not-a-guid").unwrap_err()),
        "transactionId"
    );
}
