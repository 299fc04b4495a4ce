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

use super::call;
use crate::contract::Caller;
use crate::http::{Connection, Reply, reply};
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
        let reply = call::handle(emulator, connection, endpoint, Caller::Browser, request).await;
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

#[cfg(test)]
mod tests {
    use super::*;

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
