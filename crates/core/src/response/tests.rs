use super::*;
use serde_json::json;

fn body(v: Value) -> Vec<u8> {
    serde_json::to_vec(&v).unwrap()
}

#[test]
fn success_keeps_unknown_fields() {
    let b = body(json!({"status": "Success", "customer": {"x": 1}, "newField": [1]}));
    match classify(200, None, &b).unwrap() {
        Outcome::Success(v) => assert_eq!(v["newField"], json!([1])),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        classify(
            200,
            None,
            &body(json!({"status": "TransactionAlreadyProcessed"}))
        )
        .unwrap(),
        Outcome::AlreadyProcessed(_)
    ));
}

#[test]
fn validation_error_carries_messages() {
    let b = body(json!({"status": "ValidationError", "validationMessages": [
        {"message": "Invalid email", "location": "/customer/email"}, {"message": "x"}]}));
    match classify(200, None, &b).unwrap_err() {
        Error::Validation { messages } => {
            assert_eq!(messages.len(), 2);
            assert_eq!(messages[0].location.as_deref(), Some("/customer/email"));
            assert_eq!(messages[1].location, None);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn protocol_errors_carry_status_and_error_id() {
    let b = body(
        json!({"status": "ProtocolError", "errorMessage": "Wrong key",
        "errorId": "e-1", "httpStatusCode": 403}),
    );
    assert_eq!(
        classify(403, None, &b).unwrap_err(),
        Error::Protocol {
            http_status: 403,
            error_id: Some("e-1".into()),
            message: "Wrong key".into(),
            retry_after: None
        }
    );
    match classify(429, Some(" 7 "), &b).unwrap_err() {
        Error::Protocol { retry_after, .. } => assert_eq!(retry_after, Some(7)),
        other => panic!("{other:?}"),
    }
    match classify(404, Some("7"), b"<html>nope</html>").unwrap_err() {
        Error::Protocol {
            http_status,
            message,
            retry_after,
            error_id,
        } => {
            assert_eq!((http_status, retry_after, error_id), (404, None, None));
            assert_eq!(message, "Not Found");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn server_errors_and_garbage_are_unavailable() {
    for status in [500, 502, 503, 504] {
        let e = classify(status, None, b"").unwrap_err();
        assert_eq!(e.http_status(), status);
        assert!(e.is_retryable());
    }
    for garbage in [
        &b""[..],
        b"{\"status\":",
        b"<html>502</html>",
        b"[1,2]",
        b"\xff\xfe",
    ] {
        let e = classify(200, None, garbage).unwrap_err();
        assert!(
            matches!(
                e,
                Error::Unavailable {
                    http_status: 200,
                    ..
                }
            ),
            "{e:?}"
        );
    }
    assert!(matches!(
        classify(200, None, &body(json!({"status": "InternalServerError"}))).unwrap_err(),
        Error::Unavailable { .. }
    ));
    assert!(matches!(
        classify(200, None, &body(json!({"customer": {}}))).unwrap_err(),
        Error::Protocol { .. }
    ));
    assert!(matches!(
        classify(302, None, b"").unwrap_err(),
        Error::Protocol {
            http_status: 302,
            ..
        }
    ));
}

#[test]
fn retry_after_is_capped_and_tolerant() {
    assert_eq!(parse_retry_after("2"), Some(2));
    assert_eq!(parse_retry_after("999999"), Some(3600));
    assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
}
