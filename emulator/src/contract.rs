//! The Mindbox v3 contract as the emulator enforces it: the checks a call must pass before it is
//! processed, and the bodies Mindbox answers with (reference/mindbox-api.md, sections 1.2–1.6).

use serde_json::value::RawValue;
use serde_json::{Value, json};

/// The endpoint ids and secret keys this emulator accepts. Every key is valid for every endpoint:
/// tests need one key, and key rotation only needs "more than one".
#[derive(Debug, Clone)]
pub struct Accounts {
    pub endpoint_ids: Vec<String>,
    pub secret_keys: Vec<String>,
}

/// Why a call is refused, with the HTTP status Mindbox uses for that reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub http_status: u16,
    pub message: String,
}

impl Rejection {
    pub fn new(http_status: u16, message: impl Into<String>) -> Self {
        Rejection {
            http_status,
            message: message.into(),
        }
    }
}

/// A request body as received. Valid JSON is kept as its original text, not as a parsed tree:
/// the journal then shows exactly what was sent (large integers and number formats included)
/// and a journal of many thousands of calls stays small. Anything else is kept as lossy text
/// so that the journal can show what a broken client sent.
#[derive(Debug, Clone)]
pub enum Body {
    Json(Box<RawValue>),
    NotJson(String),
}

impl Body {
    pub fn parse(bytes: &[u8]) -> Body {
        match serde_json::from_slice::<Box<RawValue>>(bytes) {
            Ok(raw) => Body::Json(raw),
            Err(_) => Body::NotJson(String::from_utf8_lossy(bytes).into_owned()),
        }
    }
}

/// What a call carries that the contract looks at.
pub struct Call<'a> {
    pub endpoint_id: Option<&'a str>,
    pub operation: Option<&'a str>,
    pub authorization: Option<&'a str>,
    pub transaction_id: Option<&'a str>,
    pub content_type: Option<&'a str>,
    pub body: &'a Body,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scheme {
    SecretKey,
    Legacy,
}

/// Splits an Authorization value into its scheme and key; `None` for anything that is neither
/// `SecretKey <key>` nor the legacy `Mindbox secretKey="<key>"`.
fn parse_authorization(value: &str) -> Option<(Scheme, &str)> {
    let value = value.trim();
    let (scheme, rest) = value.split_once(char::is_whitespace)?;
    let rest = rest.trim();
    if scheme.eq_ignore_ascii_case("SecretKey") {
        return (!rest.is_empty()).then_some((Scheme::SecretKey, rest));
    }
    if scheme.eq_ignore_ascii_case("Mindbox") {
        let (name, quoted) = rest.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("secretKey") {
            return None;
        }
        let key = quoted.trim().strip_prefix('"')?.strip_suffix('"')?;
        return Some((Scheme::Legacy, key));
    }
    None
}

/// The Authorization value with the key hidden and the scheme kept, so the journal shows which
/// form a client used without ever holding the secret.
pub fn mask_authorization(value: &str) -> String {
    match parse_authorization(value) {
        Some((Scheme::SecretKey, _)) => "SecretKey ***".to_owned(),
        Some((Scheme::Legacy, _)) => "Mindbox secretKey=\"***\"".to_owned(),
        None => match value.trim().split_once(char::is_whitespace) {
            Some((scheme, _)) => format!("{scheme} ***"),
            None => "***".to_owned(),
        },
    }
}

impl Accounts {
    pub fn auth_ok(&self, authorization: Option<&str>) -> bool {
        match authorization.and_then(parse_authorization) {
            Some((_, key)) => self.secret_keys.iter().any(|k| k == key),
            None => false,
        }
    }

    /// Runs the checks in the order Mindbox reports them: address, credentials, idempotency
    /// key, body. The first failure wins.
    pub fn check(&self, call: &Call<'_>) -> Result<(), Rejection> {
        self.check_address(call.endpoint_id, call.operation)?;
        match call.authorization.map(parse_authorization) {
            None => return Err(Rejection::new(401, "Authorization header is required")),
            Some(None) => {
                return Err(Rejection::new(
                    401,
                    "Authorization header must be 'SecretKey <key>'",
                ));
            }
            Some(Some(_)) if !self.auth_ok(call.authorization) => {
                return Err(Rejection::new(403, "Invalid secret key"));
            }
            Some(Some(_)) => {}
        }
        if let Some(tx) = call.transaction_id
            && !is_guid(tx)
        {
            return Err(Rejection::new(400, "transactionId must be a GUID"));
        }
        if !call.content_type.is_some_and(is_json_media_type) {
            return Err(Rejection::new(400, "Content-Type must be application/json"));
        }
        check_body(call.body)
    }

    /// The query part every caller must get right, the browser tracker included.
    pub fn check_address(
        &self,
        endpoint_id: Option<&str>,
        operation: Option<&str>,
    ) -> Result<(), Rejection> {
        match endpoint_id {
            None | Some("") => return Err(Rejection::new(400, "endpointId is required")),
            Some(id) if !self.endpoint_ids.iter().any(|e| e == id) => {
                return Err(Rejection::new(400, format!("Unknown endpointId '{id}'")));
            }
            Some(_) => {}
        }
        if operation.is_none_or(|op| op.trim().is_empty()) {
            return Err(Rejection::new(400, "operation is required"));
        }
        Ok(())
    }
}

pub fn check_body(body: &Body) -> Result<(), Rejection> {
    match body {
        Body::Json(raw) if raw.get().starts_with('{') => Ok(()),
        Body::Json(_) => Err(Rejection::new(400, "Request body must be a JSON object")),
        Body::NotJson(raw) if raw.trim().is_empty() => {
            Err(Rejection::new(400, "Request body is empty"))
        }
        Body::NotJson(_) => Err(Rejection::new(400, "Request body is not valid JSON")),
    }
}

pub fn media_type(value: &str) -> &str {
    value.split(';').next().unwrap_or("").trim()
}

fn is_json_media_type(value: &str) -> bool {
    media_type(value).eq_ignore_ascii_case("application/json")
}

/// The 8-4-4-4-12 hexadecimal form Mindbox requires for `transactionId`.
pub fn is_guid(s: &str) -> bool {
    let bytes = s.as_bytes();
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

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

pub fn internal_server_error(http_status: u16, message: &str) -> Value {
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

    fn accounts() -> Accounts {
        Accounts {
            endpoint_ids: vec!["shop".into()],
            secret_keys: vec!["k1".into(), "k2".into()],
        }
    }

    fn good_body() -> Body {
        Body::parse(br#" {"customer": {"email": "a@b.ru"}} "#)
    }

    fn call<'a>(body: &'a Body) -> Call<'a> {
        Call {
            endpoint_id: Some("shop"),
            operation: Some("Website.X"),
            authorization: Some("SecretKey k1"),
            transaction_id: None,
            content_type: Some("application/json; charset=utf-8"),
            body,
        }
    }

    fn status_of(c: &Call<'_>) -> u16 {
        accounts().check(c).err().map_or(200, |r| r.http_status)
    }

    #[test]
    fn accepts_a_well_formed_call_with_either_scheme() {
        let body = good_body();
        assert_eq!(status_of(&call(&body)), 200);
        let legacy = Call {
            authorization: Some("Mindbox secretKey=\"k2\""),
            transaction_id: Some("0F8FAD5B-D9CB-469F-A165-70867728950E"),
            ..call(&body)
        };
        assert_eq!(status_of(&legacy), 200);
    }

    #[test]
    fn rejects_in_contract_order() {
        let body = good_body();
        let c = |f: &dyn Fn(&mut Call<'_>)| {
            let mut c = call(&body);
            f(&mut c);
            status_of(&c)
        };
        assert_eq!(c(&|c| c.endpoint_id = None), 400);
        assert_eq!(c(&|c| c.endpoint_id = Some("other")), 400);
        assert_eq!(c(&|c| c.operation = Some("")), 400);
        assert_eq!(c(&|c| c.operation = None), 400);
        assert_eq!(c(&|c| c.authorization = None), 401);
        assert_eq!(c(&|c| c.authorization = Some("Bearer k1")), 401);
        assert_eq!(c(&|c| c.authorization = Some("SecretKey nope")), 403);
        assert_eq!(
            c(&|c| c.authorization = Some("Mindbox secretKey=\"x\"")),
            403
        );
        assert_eq!(c(&|c| c.transaction_id = Some("123")), 400);
        assert_eq!(c(&|c| c.content_type = Some("text/plain")), 400);
        assert_eq!(c(&|c| c.content_type = None), 400);
        // Unknown endpoint and bad key together: the endpoint is reported first.
        assert_eq!(
            c(&|c| {
                c.endpoint_id = Some("other");
                c.authorization = None;
            }),
            400
        );
    }

    #[test]
    fn rejects_bodies_that_are_not_json_objects() {
        for raw in ["", "  ", "{", "[1,2]", "\"s\"", "null"] {
            let body = Body::parse(raw.as_bytes());
            let status = status_of(&call(&body));
            assert_eq!(status, 400, "body {raw:?}");
        }
    }

    #[test]
    fn guid_format() {
        assert!(is_guid("0f8fad5b-d9cb-469f-a165-70867728950e"));
        assert!(!is_guid("0f8fad5bd9cb469fa16570867728950e"));
        assert!(!is_guid("0f8fad5b-d9cb-469f-a165-70867728950g"));
        assert!(!is_guid("{0f8fad5b-d9cb-469f-a165-70867728950e}"));
        assert!(!is_guid(""));
    }

    #[test]
    fn masking_keeps_the_scheme_and_drops_the_key() {
        assert_eq!(mask_authorization("SecretKey abc"), "SecretKey ***");
        assert_eq!(
            mask_authorization("Mindbox secretKey=\"abc\""),
            "Mindbox secretKey=\"***\""
        );
        assert_eq!(mask_authorization("Bearer abc"), "Bearer ***");
        assert_eq!(mask_authorization("abc"), "***");
        assert!(!mask_authorization("Mindbox secretKey=abc").contains("abc"));
    }

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
