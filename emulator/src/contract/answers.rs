//! The bodies Mindbox answers with.

use serde_json::{Value, json};

fn error_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

pub fn protocol_error(http_status: u16, message: &str) -> Value {
    json!({
        "status": "ProtocolError",
        "errorMessage": message,
        "errorId": error_id(),
        "httpStatusCode": http_status,
    })
}

fn internal_server_error(http_status: u16, message: &str) -> Value {
    json!({
        "status": "InternalServerError",
        "errorMessage": message,
        "errorId": error_id(),
        "httpStatusCode": http_status,
    })
}

/// The body Mindbox sends with an error status; `None` where it sends none (502, 504 and the
/// statuses it does not document).
pub fn error_body_for_status(http_status: u16, message: &str) -> Option<Value> {
    match http_status {
        400 | 401 | 403 | 429 => Some(protocol_error(http_status, message)),
        500 | 503 => Some(internal_server_error(http_status, message)),
        _ => None,
    }
}

pub fn success() -> Value {
    json!({"status": "Success"})
}

pub fn already_processed() -> Value {
    json!({"status": "TransactionAlreadyProcessed"})
}

pub fn validation_error(messages: Option<&[Value]>) -> Value {
    let messages = match messages {
        Some(m) => Value::Array(m.to_vec()),
        None => json!([{"message": "Invalid email", "location": "/customer/email"}]),
    };
    json!({"status": "ValidationError", "validationMessages": messages})
}

/// The answer to a processed call that has no script: balance operations get a plausible
/// balance so that the demo and the client's balance parsing have something to read.
pub fn default_answer(operation: &str) -> Value {
    if operation.ends_with("GetCustomerBalance") {
        balance_answer(100.0)
    } else {
        success()
    }
}

/// A customer's points in the Main balance, none of them blocked.
pub fn balance_answer(available: f64) -> Value {
    json!({
        "status": "Success",
        "customer": {"processingStatus": "Found"},
        "balances": [{
            "balanceType": {"ids": {"systemName": "Main"}, "name": "Main"},
            "available": available,
            "blocked": 0,
            "total": available,
        }],
    })
}

pub fn mindbox_status(body: &Value) -> Option<String> {
    body.get("status")?.as_str().map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies_follow_the_status_table() {
        assert_eq!(
            error_body_for_status(429, "x").unwrap()["status"],
            "ProtocolError"
        );
        assert_eq!(
            error_body_for_status(503, "x").unwrap()["status"],
            "InternalServerError"
        );
        assert_eq!(
            error_body_for_status(403, "x").unwrap()["httpStatusCode"],
            403
        );
        assert!(error_body_for_status(502, "x").is_none());
        assert!(error_body_for_status(504, "x").is_none());
    }

    #[test]
    fn balance_operations_get_a_default_balance() {
        assert_eq!(
            default_answer("Website.GetCustomerBalance")["balances"][0]["available"],
            100.0
        );
        assert_eq!(default_answer("Website.CreateOrder"), success());
    }
}
