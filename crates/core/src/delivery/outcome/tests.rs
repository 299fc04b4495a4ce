use super::*;
use crate::config::Config;
use serde_json::json;

fn policy() -> Policy {
    let config = Config::from_value(
        &json!({"endpointId": "e", "secretKey": "k", "retryDelay": 2, "retryMaxDelay": 60, "maxAttempts": 3}),
        None,
    )
    .unwrap();
    Policy::of(&config)
}

fn protocol(status: u16, retry_after: Option<u64>) -> Error {
    Error::Protocol {
        http_status: status,
        error_id: Some("e-1".into()),
        message: "no".into(),
        retry_after,
    }
}

#[test]
fn an_answer_deletes_the_item() {
    let d = decide(
        7,
        1,
        &Ok(Outcome::AlreadyProcessed(serde_json::Value::Null)),
        &policy(),
        "k",
        1000,
    );
    assert_eq!(
        (d.settle, d.report.sent, d.unwell),
        (Settle::Done(7), 1, None)
    );
}

#[test]
fn refusals_are_parked_at_once_with_their_reason() {
    let d = decide(7, 1, &Err(protocol(400, None)), &policy(), "k", 1000);
    match d.settle {
        Settle::Park {
            attempts: 1,
            failure,
            ..
        } => {
            assert_eq!(
                (failure.http_status, failure.error_id.as_deref()),
                (400, Some("e-1"))
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        d.unwell, None,
        "a bad item says nothing of Mindbox's health"
    );
    let d = decide(
        7,
        1,
        &Err(Error::Validation { messages: vec![] }),
        &policy(),
        "k",
        1000,
    );
    assert!(matches!(
        d.settle,
        Settle::Park {
            failure: Failure {
                http_status: 200,
                ..
            },
            ..
        }
    ));
}

#[test]
fn unavailability_is_retried_with_backoff_until_the_last_attempt() {
    let d = decide(
        7,
        1,
        &Err(Error::unavailable(503, "down")),
        &policy(),
        "k",
        1000,
    );
    match d.settle {
        Settle::Retry {
            at,
            attempts: 1,
            hold: None,
            ref failure,
            ..
        } => {
            assert!((2500..=3500).contains(&at), "{at}");
            assert_eq!(
                failure.mindbox_status.as_deref(),
                Some("InternalServerError")
            );
        }
        ref other => panic!("{other:?}"),
    }
    assert_eq!(d.unwell, Some(None));
    let last = decide(
        7,
        3,
        &Err(Error::unavailable(0, "reset")),
        &policy(),
        "k",
        1000,
    );
    assert!(matches!(last.settle, Settle::Park { attempts: 3, .. }));
    assert_eq!(last.report.failed, 1);
}

#[test]
fn stored_failures_are_a_few_kilobytes_whatever_the_answer() {
    let messages = (0..15_000)
        .map(|n| crate::error::ValidationMessage {
            message: format!("field {n} is wrong in every way"),
            location: Some(format!("/x/{n}")),
        })
        .collect();
    let f = failure_of(&Error::Validation { messages });
    assert!(
        f.message.len() <= MAX_STORED_MESSAGE + 3,
        "{}",
        f.message.len()
    );
    assert!(f.message.contains("14990 more"), "{}", f.message);
}

#[test]
fn a_refused_key_parks_nothing_and_costs_no_attempt() {
    for status in [401, 403] {
        let d = decide(7, 3, &Err(protocol(status, None)), &policy(), "k", 1000);
        match d.settle {
            Settle::Retry {
                attempts: 2, at, ..
            } => assert_eq!(at, 61_000),
            other => panic!("{other:?}"),
        }
        assert!(d.credentials_refused);
        assert_eq!(d.unwell, None);
    }
}

#[test]
fn a_429_holds_its_operation_for_retry_after() {
    let d = decide(
        7,
        1,
        &Err(protocol(429, Some(5))),
        &policy(),
        "op-key",
        1000,
    );
    match d.settle {
        Settle::Retry {
            at,
            hold: Some((key, until)),
            ..
        } => {
            assert!(at >= 6000, "never sooner than Retry-After");
            assert_eq!((key.as_str(), until), ("op-key", 6000));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(d.unwell, Some(Some(Duration::from_secs(5))));
}

#[test]
fn a_price_mindbox_no_longer_stands_by_is_parked_not_delivered() {
    let answer = json!({"status": "Success", "order": {"processingStatus": "PriceHasBeenChanged",
        "statusDescription": "expected 900.00, calculated 950.00", "totalPrice": 950}});
    let d = decide(7, 1, &Ok(Outcome::Success(answer)), &policy(), "k", 1000);
    match d.settle {
        Settle::Park {
            attempts: 1,
            failure,
            ..
        } => assert_eq!(
            (
                failure.http_status,
                failure.mindbox_status.as_deref(),
                failure.message.as_str()
            ),
            (
                200,
                Some("PriceHasBeenChanged"),
                "expected 900.00, calculated 950.00"
            )
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!((d.report.failed, d.report.sent, d.unwell), (1, 0, None));
    let taken = json!({"status": "Success", "order": {"processingStatus": "Updated"}});
    let d = decide(7, 1, &Ok(Outcome::Success(taken)), &policy(), "k", 1000);
    assert_eq!(d.settle, Settle::Done(7));
}
