//! What came back: an HTTP status and body turned into a decoded answer or one of the errors
//! (ARCHITECTURE.md, "Errors"). Mindbox may add fields at any time, so nothing unknown is
//! rejected.

use super::error::{Error, Result, ValidationMessage};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Outcome {
    Success(Value),
    /// The transactionId was processed before: for a queued retry this means delivered.
    AlreadyProcessed(Value),
}

impl Outcome {
    pub(crate) fn into_value(self) -> Value {
        match self {
            Outcome::Success(v) | Outcome::AlreadyProcessed(v) => v,
        }
    }
}

/// Validation messages kept of one answer.
pub(crate) const MAX_VALIDATION_MESSAGES: usize = 100;

/// `retry_after` is the raw `Retry-After` header, if any.
pub(crate) fn classify(
    http_status: u16,
    retry_after: Option<&str>,
    body: &[u8],
) -> Result<Outcome> {
    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    let field = |name: &str| {
        parsed
            .as_ref()
            .and_then(|v| v.get(name))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    match http_status {
        200 => {
            let Some(value) = parsed.clone().filter(Value::is_object) else {
                return Err(Error::unavailable(200, unreadable(body)));
            };
            match field("status").as_deref() {
                Some("Success") => Ok(Outcome::Success(value)),
                Some("TransactionAlreadyProcessed") => Ok(Outcome::AlreadyProcessed(value)),
                Some("ValidationError") => Err(Error::Validation {
                    messages: validation_messages(&value),
                }),
                Some("InternalServerError") => Err(Error::unavailable(
                    200,
                    field("errorMessage").unwrap_or_else(|| "InternalServerError".into()),
                )),
                Some(other) => Err(Error::Protocol {
                    http_status: 200,
                    error_id: field("errorId"),
                    message: field("errorMessage")
                        .unwrap_or_else(|| format!("unexpected status '{other}'")),
                    retry_after: None,
                }),
                None => Err(Error::Protocol {
                    http_status: 200,
                    error_id: None,
                    message: "the answer has no status field".into(),
                    retry_after: None,
                }),
            }
        }
        400..=499 => Err(Error::Protocol {
            http_status,
            error_id: field("errorId"),
            message: field("errorMessage").unwrap_or_else(|| match parsed {
                Some(_) => field("status").unwrap_or_else(|| "ProtocolError".into()),
                None => reason(http_status).to_string(),
            }),
            retry_after: if http_status == 429 {
                retry_after.and_then(parse_retry_after)
            } else {
                None
            },
        }),
        500..=599 => Err(Error::unavailable(
            http_status,
            field("errorMessage").unwrap_or_else(|| reason(http_status).to_string()),
        )),
        _ => Err(Error::Protocol {
            http_status,
            error_id: None,
            message: format!("unexpected HTTP status {http_status}"),
            retry_after: None,
        }),
    }
}

fn validation_messages(value: &Value) -> Vec<ValidationMessage> {
    value
        .get("validationMessages")
        .and_then(Value::as_array)
        .map(|list| {
            // Enough to fix a body; an answer of thousands of messages would otherwise be kept,
            // stored and handed to PHP whole.
            list.iter()
                .take(MAX_VALIDATION_MESSAGES)
                .map(|m| ValidationMessage {
                    message: m
                        .get("message")
                        .and_then(Value::as_str)
                        .unwrap_or("invalid request")
                        .to_string(),
                    location: m
                        .get("location")
                        .and_then(Value::as_str)
                        .map(str::to_string),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Seconds only: Mindbox sends integers; an HTTP date or garbage is ignored (the backoff applies).
fn parse_retry_after(raw: &str) -> Option<u64> {
    raw.trim().parse::<u64>().ok().map(|s| s.min(3600))
}

fn unreadable(body: &[u8]) -> String {
    if body.is_empty() {
        return "empty answer".into();
    }
    let head: String = String::from_utf8_lossy(&body[..body.len().min(80)])
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    format!(
        "the answer is not a JSON object ({} bytes, starting '{head}')",
        body.len()
    )
}

fn reason(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "error",
    }
}

#[cfg(test)]
mod tests {
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
}
