//! The browser side of Mindbox: a stand-in for `https://api.mindbox.ru/scripts/v1/tracker.js`
//! and the endpoint its calls go to, so that a shop page loaded in a headless browser leaves
//! its product views and identifications in the journal next to the server calls.
//!
//! The calls go through the same handling as server calls (latency, faults, scripts, journal,
//! counters); only their authorisation differs. They are journaled as `endpoint: "tracker"`
//! (async) and `"tracker-sync"`, so a test can tell them apart with `?endpoint=`.

use hyper::body::Incoming;
use hyper::header::HeaderValue;
use hyper::{Method, Request};

use crate::connection::Connection;
use crate::contract::{self, Accounts, Call, Rejection};
use crate::mindbox::{self, Caller};
use crate::reply::{self, Reply};
use crate::state::Emulator;

pub const SCRIPT_PATH: &str = "/scripts/v1/tracker.js";

const SCRIPT: &str = include_str!("tracker.js");

/// Serves the tracker script. It is not cached: a test run must never get a previous build's.
pub fn script(method: &Method) -> Reply {
    if method != Method::GET && method != Method::HEAD {
        return reply::header(reply::empty(405), "allow", "GET, HEAD");
    }
    // hyper leaves the body out of a HEAD answer itself and keeps its Content-Length.
    let reply = reply::with_body(
        200,
        "application/javascript; charset=utf-8",
        SCRIPT.as_bytes().into(),
    );
    reply::header(reply, "cache-control", "no-store")
}

/// A call from the tracker, or the browser's CORS preflight for one.
pub async fn handle(
    emulator: &Emulator,
    connection: &Connection,
    endpoint: &'static str,
    request: Request<Incoming>,
) -> Reply {
    let origin = request.headers().get("origin").cloned();
    let reply = if request.method() == Method::OPTIONS {
        // The tracker sends CORS-simple requests, which need no preflight; a page's own code
        // calling the endpoint with a JSON content type does.
        let reply = reply::header(
            reply::empty(204),
            "access-control-allow-methods",
            "POST, OPTIONS",
        );
        let reply = reply::header(reply, "access-control-allow-headers", "content-type");
        reply::header(reply, "access-control-max-age", "600")
    } else {
        let reply = mindbox::handle(emulator, connection, endpoint, Caller::Browser, request).await;
        if reply.status() == 405 {
            reply::header(reply, "allow", "POST, OPTIONS")
        } else {
            reply
        }
    };
    allow_origin(reply, origin)
}

/// Every answer carries these, errors included: without them a page's script sees a failed
/// fetch instead of the emulator's error message.
fn allow_origin(mut reply: Reply, origin: Option<HeaderValue>) -> Reply {
    let headers = reply.headers_mut();
    headers.insert(
        "access-control-allow-origin",
        origin.unwrap_or_else(|| HeaderValue::from_static("*")),
    );
    headers.insert("vary", HeaderValue::from_static("Origin"));
    reply
}

/// The contract of a tracker call. No secret key: a browser has none, and Mindbox authorises
/// these calls by the page's domain instead. Text bodies are accepted because that is what
/// keeps the request CORS-simple.
pub fn check(accounts: &Accounts, call: &Call<'_>) -> Result<(), Rejection> {
    accounts.check_address(call.endpoint_id, call.operation)?;
    if let Some(op) = call.operation
        && !is_operation_name(op)
    {
        return Err(Rejection::new(
            400,
            format!("operation '{op}' is not a valid operation name"),
        ));
    }
    if let Some(tx) = call.transaction_id
        && !contract::is_guid(tx)
    {
        return Err(Rejection::new(400, "transactionId must be a GUID"));
    }
    let media = call.content_type.map(contract::media_type);
    if !media.is_some_and(|m| {
        m.eq_ignore_ascii_case("text/plain") || m.eq_ignore_ascii_case("application/json")
    }) {
        return Err(Rejection::new(
            400,
            "Content-Type must be text/plain or application/json",
        ));
    }
    contract::check_body(call.body)
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
    use crate::contract::Body;

    fn accounts() -> Accounts {
        Accounts {
            endpoint_ids: vec!["shop".into()],
            secret_keys: vec!["k".into()],
        }
    }

    fn status(
        operation: Option<&str>,
        endpoint_id: Option<&str>,
        content_type: Option<&str>,
        raw: &str,
    ) -> u16 {
        let body = Body::parse(raw.as_bytes());
        let call = Call {
            endpoint_id,
            operation,
            authorization: None,
            transaction_id: None,
            content_type,
            body: &body,
        };
        check(&accounts(), &call)
            .err()
            .map_or(200, |r| r.http_status)
    }

    #[test]
    fn accepts_keyless_text_or_json_objects() {
        let text = Some("text/plain;charset=UTF-8");
        let op = Some("Website.ViewProduct");
        assert_eq!(status(op, Some("shop"), text, "{}"), 200);
        assert_eq!(
            status(op, Some("shop"), Some("application/json"), "{}"),
            200
        );
        assert_eq!(status(op, Some("other"), text, "{}"), 400);
        assert_eq!(status(op, None, text, "{}"), 400);
        assert_eq!(status(None, Some("shop"), text, "{}"), 400);
        assert_eq!(status(Some("View Product"), Some("shop"), text, "{}"), 400);
        assert_eq!(status(op, Some("shop"), Some("text/html"), "{}"), 400);
        assert_eq!(status(op, Some("shop"), None, "{}"), 400);
        assert_eq!(status(op, Some("shop"), text, "[1]"), 400);
        assert_eq!(status(op, Some("shop"), text, ""), 400);
    }

    #[test]
    fn operation_names() {
        assert!(is_operation_name("Website.View_Product-2"));
        assert!(!is_operation_name(""));
        assert!(!is_operation_name("Website.Вид"));
        assert!(!is_operation_name("a&b"));
    }

    #[test]
    fn script_is_served_as_javascript() {
        let reply = script(&Method::GET);
        assert_eq!(
            reply.headers()["content-type"],
            "application/javascript; charset=utf-8"
        );
        assert_eq!(script(&Method::POST).status(), 405);
        assert!(SCRIPT.contains("/tracker/v3/operations/"));
    }
}
