//! The checks a call must pass before it is processed, in the order Mindbox reports them.

use super::call::{Accounts, Body, Call, Caller, Rejection};
use super::credentials::parse_authorization;

impl Accounts {
    pub fn auth_ok(&self, authorization: Option<&str>) -> bool {
        match authorization.and_then(parse_authorization) {
            Some((_, key)) => self.secret_keys.iter().any(|k| k == key),
            None => false,
        }
    }

    /// The first failure wins.
    pub fn check(&self, caller: Caller, call: &Call<'_>) -> Result<(), Rejection> {
        match caller {
            Caller::Server => self.check_server(call),
            Caller::Browser => self.check_browser(call),
        }
    }

    /// Address, credentials, idempotency key, body.
    fn check_server(&self, call: &Call<'_>) -> Result<(), Rejection> {
        self.check_server_head(
            call.endpoint_id,
            call.operation,
            call.authorization,
            call.transaction_id,
        )?;
        if !call.content_type.is_some_and(is_json_media_type) {
            return Err(Rejection::new(400, "Content-Type must be application/json"));
        }
        check_body(call.body)
    }

    /// What a server call's query and key must be whatever its body: address, credentials,
    /// the idempotency key's form. Bulk imports, whose body is CSV, stop here.
    pub fn check_server_head(
        &self,
        endpoint_id: Option<&str>,
        operation: Option<&str>,
        authorization: Option<&str>,
        transaction_id: Option<&str>,
    ) -> Result<(), Rejection> {
        self.check_address(endpoint_id, operation)?;
        match authorization.map(parse_authorization) {
            None => return Err(Rejection::new(401, "Authorization header is required")),
            Some(None) => {
                return Err(Rejection::new(
                    401,
                    "Authorization header must be 'SecretKey <key>'",
                ));
            }
            Some(Some(_)) if !self.auth_ok(authorization) => {
                return Err(Rejection::new(403, "Invalid secret key"));
            }
            Some(Some(_)) => {}
        }
        check_transaction_id(transaction_id)
    }

    /// A tracker call has no secret key: a browser has none, and Mindbox authorises these
    /// calls by the page's domain instead. Text bodies are accepted because that is what
    /// keeps the request CORS-simple.
    fn check_browser(&self, call: &Call<'_>) -> Result<(), Rejection> {
        self.check_address(call.endpoint_id, call.operation)?;
        if let Some(op) = call.operation
            && !is_operation_name(op)
        {
            return Err(Rejection::new(
                400,
                format!("operation '{op}' is not a valid operation name"),
            ));
        }
        check_transaction_id(call.transaction_id)?;
        let media = call.content_type.map(media_type);
        if !media.is_some_and(|m| {
            m.eq_ignore_ascii_case("text/plain") || m.eq_ignore_ascii_case("application/json")
        }) {
            return Err(Rejection::new(
                400,
                "Content-Type must be text/plain or application/json",
            ));
        }
        check_body(call.body)
    }

    /// The query part every caller must get right, the browser tracker included.
    fn check_address(
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

fn check_transaction_id(transaction_id: Option<&str>) -> Result<(), Rejection> {
    match transaction_id {
        Some(tx) if !is_guid(tx) => Err(Rejection::new(400, "transactionId must be a GUID")),
        _ => Ok(()),
    }
}

fn check_body(body: &Body) -> Result<(), Rejection> {
    match body {
        Body::Json(raw) if raw.get().starts_with('{') => Ok(()),
        Body::Json(_) => Err(Rejection::new(400, "Request body must be a JSON object")),
        Body::NotJson(raw) if raw.trim().is_empty() => {
            Err(Rejection::new(400, "Request body is empty"))
        }
        Body::NotJson(_) => Err(Rejection::new(400, "Request body is not valid JSON")),
    }
}

fn media_type(value: &str) -> &str {
    value.split(';').next().unwrap_or("").trim()
}

fn is_json_media_type(value: &str) -> bool {
    media_type(value).eq_ignore_ascii_case("application/json")
}

/// The 8-4-4-4-12 hexadecimal form Mindbox requires for `transactionId`.
fn is_guid(s: &str) -> bool {
    let bytes = s.as_bytes();
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// System names as the Mindbox admin lets one type them (`Website.ViewProduct`). The server
/// contract is laxer on purpose: its tests send arbitrary names to pick faults.
fn is_operation_name(op: &str) -> bool {
    !op.is_empty()
        && op
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
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

    fn status_of(caller: Caller, c: &Call<'_>) -> u16 {
        accounts()
            .check(caller, c)
            .err()
            .map_or(200, |r| r.http_status)
    }

    #[test]
    fn accepts_a_well_formed_call_with_either_scheme() {
        let body = good_body();
        assert_eq!(status_of(Caller::Server, &call(&body)), 200);
        let legacy = Call {
            authorization: Some("Mindbox secretKey=\"k2\""),
            transaction_id: Some("0F8FAD5B-D9CB-469F-A165-70867728950E"),
            ..call(&body)
        };
        assert_eq!(status_of(Caller::Server, &legacy), 200);
    }

    #[test]
    fn rejects_in_contract_order() {
        let body = good_body();
        let c = |f: &dyn Fn(&mut Call<'_>)| {
            let mut c = call(&body);
            f(&mut c);
            status_of(Caller::Server, &c)
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
            let status = status_of(Caller::Server, &call(&body));
            assert_eq!(status, 400, "body {raw:?}");
        }
    }

    #[test]
    fn browsers_call_keyless_with_text_or_json_objects() {
        let browser = |operation: Option<&str>,
                       endpoint_id: Option<&str>,
                       content_type: Option<&str>,
                       raw: &str| {
            let body = Body::parse(raw.as_bytes());
            let call = Call {
                endpoint_id,
                operation,
                authorization: None,
                content_type,
                ..call(&body)
            };
            status_of(Caller::Browser, &call)
        };
        let text = Some("text/plain;charset=UTF-8");
        let op = Some("Website.ViewProduct");
        assert_eq!(browser(op, Some("shop"), text, "{}"), 200);
        assert_eq!(
            browser(op, Some("shop"), Some("application/json"), "{}"),
            200
        );
        assert_eq!(browser(op, Some("other"), text, "{}"), 400);
        assert_eq!(browser(op, None, text, "{}"), 400);
        assert_eq!(browser(None, Some("shop"), text, "{}"), 400);
        assert_eq!(browser(Some("View Product"), Some("shop"), text, "{}"), 400);
        assert_eq!(browser(op, Some("shop"), Some("text/html"), "{}"), 400);
        assert_eq!(browser(op, Some("shop"), None, "{}"), 400);
        assert_eq!(browser(op, Some("shop"), text, "[1]"), 400);
        assert_eq!(browser(op, Some("shop"), text, ""), 400);
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
    fn operation_names() {
        assert!(is_operation_name("Website.View_Product-2"));
        assert!(!is_operation_name(""));
        assert!(!is_operation_name("Website.Вид"));
        assert!(!is_operation_name("a&b"));
    }
}
