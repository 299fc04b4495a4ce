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
mod tests;
