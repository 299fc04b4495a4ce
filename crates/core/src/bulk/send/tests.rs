//! Imports against a loopback server, with the budget in a fresh outbox file each.

use super::server::{Answer, Server, ok};
use super::*;
use crate::client::Client;
use crate::config::Config;
use serde_json::json;
use std::path::PathBuf;

const TX: &str = "0f8fad5b-d9cb-469f-a165-70867728950e";
const TX2: &str = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
const SUCCESS: &str = r#"{"status":"Success"}"#;
const HOUR: u64 = 3_600_000;

struct Case {
    client: Client,
    server: Server,
    dir: PathBuf,
}

fn case(name: &str, script: Vec<Answer>, extra: Value) -> Case {
    let server = Server::start(script);
    let dir = crate::private::test_dir(&format!("bulk-send-{name}"));
    let mut config = json!({"endpointId": "shop", "secretKey": "k", "baseUrl": server.url,
        "outbox": dir.join("outbox.sqlite").display().to_string(), "connectTimeout": 1});
    for (k, v) in extra.as_object().unwrap() {
        config[k] = v.clone();
    }
    let client = Client::new(Config::from_value(&config, None).unwrap());
    Case {
        client,
        server,
        dir,
    }
}

impl Case {
    fn file(&self, name: &str, content: &[u8]) -> PathBuf {
        let path = self.dir.join(name);
        std::fs::write(&path, content).unwrap();
        path
    }

    fn import(&self, file: &Path, tx: &str, options: Value) -> Result<BulkOutcome> {
        let options = BulkOptions::from_value(&options).unwrap();
        self.client
            .import_bulk("DirectCrm.Customers.Import", file, tx, &options)
    }

    fn deferred(&self, file: &Path, tx: &str) -> (Deferral, u64, u16, String) {
        match self.import(file, tx, Value::Null).unwrap() {
            BulkOutcome::Deferred {
                reason,
                retry_at,
                http_status,
                message,
                transaction_id,
            } => {
                assert_eq!(transaction_id, tx);
                (reason, retry_at, http_status, message)
            }
            other => panic!("expected a deferral, got {other:?}"),
        }
    }

    fn last_hour(&self) -> u32 {
        self.client.stats().unwrap().bulk_imports_last_hour
    }
}

#[test]
fn a_part_goes_with_its_parameters_headers_and_whole_body() {
    let c = case("wire", vec![ok(SUCCESS)], json!({}));
    let csv = "Email;FirstName\r\na@b.ru;\"Анна; Ли\"\r\n".repeat(20_000);
    let file = c.file("part-0001.csv", csv.as_bytes());
    let options = json!({"query": {"segment": "History 2024"}});
    let outcome = c.import(&file, TX, options).unwrap();
    assert_eq!(
        outcome,
        BulkOutcome::Sent {
            transaction_id: TX.into(),
            already_processed: false,
            answer: json!({"status": "Success"})
        }
    );
    let [seen] = &c.server.seen()[..] else {
        panic!("one request expected")
    };
    assert_eq!(
        seen.line,
        format!(
            "POST /v3/operations/bulk?endpointId=shop&operation=DirectCrm.Customers.Import\
             &transactionId={TX}&csvCodePage=65001&csvColumnDelimiter=%3B&csvTextQualifier=%22\
             &segment=History%202024 HTTP/1.1"
        )
    );
    assert_eq!(seen.header("authorization"), Some("SecretKey k"));
    assert_eq!(seen.header("content-type"), Some("text/csv;charset=utf-8"));
    assert_eq!(seen.header("accept"), Some("application/json"));
    assert_eq!(seen.header("content-encoding"), None);
    assert_eq!(seen.header("transfer-encoding"), None);
    let length = csv.len().to_string();
    assert_eq!(seen.header("content-length"), Some(length.as_str()));
    assert!(
        seen.header("user-agent")
            .unwrap()
            .starts_with("mindbox-php-ext/")
    );
    assert!(seen.body == csv.as_bytes(), "the body is the file");
    assert_eq!(c.last_hour(), 1);
}

#[test]
fn gzip_is_declared_and_other_characters_are_encoded() {
    let c = case("gzip", vec![ok(SUCCESS)], json!({}));
    let packed = [
        0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ];
    let file = c.file("part-0001.csv.gz", &packed);
    let options = json!({"delimiter": "\t", "qualifier": "'"});
    assert!(matches!(
        c.import(&file, TX, options).unwrap(),
        BulkOutcome::Sent { .. }
    ));
    let seen = c.server.seen().remove(0);
    assert!(
        seen.line
            .contains("&csvColumnDelimiter=%09&csvTextQualifier=%27 "),
        "{}",
        seen.line
    );
    assert_eq!(seen.header("content-encoding"), Some("gzip"));
    assert_eq!(seen.body, packed);
}

#[test]
fn a_repeat_mindbox_processed_before_is_sent_and_takes_a_slot() {
    let answer = r#"{"status":"TransactionAlreadyProcessed","x":1}"#;
    let c = case("repeat", vec![ok(answer)], json!({}));
    let file = c.file("p.csv", b"Email\r\n");
    for _ in 0..2 {
        let BulkOutcome::Sent {
            already_processed,
            answer,
            ..
        } = c.import(&file, TX, Value::Null).unwrap()
        else {
            panic!("not sent");
        };
        assert!(already_processed);
        assert_eq!(answer["x"], 1);
    }
    assert_eq!(c.last_hour(), 2);
}

#[test]
fn the_hourly_budget_defers_without_sending() {
    let c = case(
        "budget",
        vec![ok(SUCCESS)],
        json!({"bulkImportsPerHour": 2}),
    );
    let file = c.file("p.csv", b"Email\r\n");
    let first = now_ms();
    c.import(&file, TX, Value::Null).unwrap();
    c.import(&file, TX2, Value::Null).unwrap();
    let (reason, retry_at, status, message) = c.deferred(&file, TX);
    assert_eq!((reason, status), (Deferral::Budget, 0));
    assert!((first + HOUR..=now_ms() + HOUR).contains(&retry_at));
    assert!(message.contains("bulkImportsPerHour"), "{message}");
    // Another client of the outbox finds the budget spent too.
    let other = Client::new(c.client.config().clone());
    let options = BulkOptions::default();
    let again = other.import_bulk("A.B", &file, TX2, &options).unwrap();
    assert!(matches!(
        again,
        BulkOutcome::Deferred {
            reason: Deferral::Budget,
            ..
        }
    ));
    assert_eq!(c.server.seen().len(), 2);
}

#[test]
fn a_429_defers_this_import_and_every_other_until_retry_after() {
    let too_many = Some((
        "429 Too Many Requests",
        "Retry-After: 120\r\n",
        r#"{"status":"ProtocolError","errorMessage":"too many imports"}"#,
    ));
    let c = case("429", vec![too_many], json!({}));
    let file = c.file("p.csv", b"Email\r\n");
    let before = now_ms();
    let (reason, retry_at, status, message) = c.deferred(&file, TX);
    assert_eq!((reason, status), (Deferral::TooManyRequests, 429));
    assert!((before + 120_000..=now_ms() + 120_000).contains(&retry_at));
    assert!(message.contains("too many imports"), "{message}");
    let (reason, later, status, _) = c.deferred(&file, TX2);
    assert_eq!(
        (reason, later, status),
        (Deferral::TooManyRequests, retry_at, 0)
    );
    assert_eq!(c.server.seen().len(), 1, "nothing goes while blocked");
    let stats = c.client.stats().unwrap();
    // Mindbox made no task of it: its slot went back.
    assert_eq!(
        (stats.bulk_imports_last_hour, stats.bulk_blocked_until),
        (0, Some(retry_at))
    );
}

#[test]
fn a_429_without_retry_after_blocks_a_minute_at_least() {
    let c = case(
        "429-bare",
        vec![Some(("429 Too Many Requests", "", ""))],
        json!({}),
    );
    let file = c.file("p.csv", b"Email\r\n");
    let before = now_ms();
    let (reason, retry_at, ..) = c.deferred(&file, TX);
    assert_eq!(reason, Deferral::TooManyRequests);
    assert!((before + 60_000..=now_ms() + 60_000).contains(&retry_at));
}

#[test]
fn no_answer_backs_off_by_the_transactions_failed_attempts() {
    let unavailable = Some(("503 Service Unavailable", "", ""));
    let script = vec![
        unavailable,
        unavailable,
        unavailable,
        ok(SUCCESS),
        unavailable,
    ];
    let c = case("backoff", script, json!({}));
    let file = c.file("p.csv", b"Email\r\n");
    for base in [30_000u64, 60_000, 120_000] {
        let before = now_ms();
        let (reason, retry_at, status, _) = c.deferred(&file, TX);
        assert_eq!((reason, status), (Deferral::Unavailable, 503));
        // ±25 % of jitter.
        assert!(retry_at >= before + base * 3 / 4, "{base}");
        assert!(retry_at <= now_ms() + base * 5 / 4, "{base}");
    }
    assert!(matches!(
        c.import(&file, TX, Value::Null).unwrap(),
        BulkOutcome::Sent { .. }
    ));
    // Once answered, the count starts again.
    let before = now_ms();
    let (_, retry_at, ..) = c.deferred(&file, TX);
    assert!(retry_at <= before + 37_500 + 1000);
    // Every attempt took a slot: a 5xx may have made a task.
    assert_eq!(c.last_hour(), 5);
}

#[test]
fn a_silent_server_and_a_refused_connection_are_unavailable() {
    let c = case("silent", vec![None], json!({}));
    let file = c.file("p.csv", b"Email\r\n");
    let options = json!({"timeout": 0.3});
    let BulkOutcome::Deferred {
        reason,
        http_status,
        message,
        ..
    } = c.import(&file, TX, options).unwrap()
    else {
        panic!("not deferred");
    };
    assert_eq!((reason, http_status), (Deferral::Unavailable, 0));
    assert!(message.contains("0.3 s"), "{message}");
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let mut config = c.client.config().clone();
    config.base_url = url;
    let refused = Client::new(config);
    let outcome = refused.import_bulk("A.B", &file, TX2, &BulkOptions::default());
    assert!(matches!(
        outcome.unwrap(),
        BulkOutcome::Deferred {
            reason: Deferral::Unavailable,
            http_status: 0,
            ..
        }
    ));
}

#[test]
fn refusals_and_validation_errors_are_errors() {
    let script = vec![
        Some((
            "400 Bad Request",
            "",
            r#"{"status":"ProtocolError","errorMessage":"bad column"}"#,
        )),
        Some(("413 Payload Too Large", "", "")),
        Some(("401 Unauthorized", "", "")),
        ok(r#"{"status":"ValidationError","validationMessages":[{"message":"no ids"}]}"#),
    ];
    let c = case("refusals", script, json!({}));
    let file = c.file("p.csv", b"Email\r\n");
    for expected in [400, 413, 401] {
        match c.import(&file, TX, Value::Null) {
            Err(Error::Protocol { http_status, .. }) => assert_eq!(http_status, expected),
            other => panic!("{expected}: {other:?}"),
        }
    }
    match c.import(&file, TX, Value::Null) {
        Err(Error::Validation { messages }) => assert_eq!(messages[0].message, "no ids"),
        other => panic!("{other:?}"),
    }
    assert_eq!(c.last_hour(), 4);
}

#[test]
fn bad_arguments_are_refused_before_a_slot_is_taken() {
    let c = case("bad", vec![ok(SUCCESS)], json!({}));
    let file = c.file("p.csv", b"Email\r\n");
    let big = c.dir.join("big.csv");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(file::MAX_BYTES + 1)
        .unwrap();
    let path_of = |r: Result<BulkOutcome>| match r {
        Err(Error::InvalidArgument { path, .. }) => path,
        other => panic!("expected InvalidArgument, got {other:?}"),
    };
    let options = BulkOptions::default();
    let import = |op: &str, f: &Path, tx: &str| c.client.import_bulk(op, f, tx, &options);
    assert_eq!(path_of(import("Bad Operation", &file, TX)), "operation");
    assert_eq!(path_of(import("A.B", &file, "42")), "transactionId");
    assert_eq!(path_of(import("A.B", &c.dir.join("none.csv"), TX)), "file");
    assert_eq!(path_of(import("A.B", &big, TX)), "file");
    let mut config = c.client.config().clone();
    config.outbox = None;
    let without = Client::new(config).import_bulk("A.B", &file, TX, &options);
    assert_eq!(path_of(without), "config.outbox");
    assert!(c.server.seen().is_empty());
    assert_eq!(c.last_hour(), 0);
}
