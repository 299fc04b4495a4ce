//! Building HTTP responses.

use bytes::Bytes;
use http_body_util::Full;
use hyper::Response;
use hyper::header::{CONTENT_TYPE, HeaderValue};
use serde::Serialize;

pub type Reply = Response<Full<Bytes>>;

const JSON: &str = "application/json; charset=utf-8";

pub fn json<T: Serialize + ?Sized>(status: u16, body: &T) -> Reply {
    let bytes = serde_json::to_vec(body).unwrap_or_else(|_| b"null".to_vec());
    with_body(status, JSON, bytes.into())
}

pub fn with_body(status: u16, content_type: &str, body: Bytes) -> Reply {
    let mut reply = empty(status);
    *reply.body_mut() = Full::new(body);
    if let Ok(value) = HeaderValue::from_str(content_type) {
        reply.headers_mut().insert(CONTENT_TYPE, value);
    }
    reply
}

pub fn empty(status: u16) -> Reply {
    let mut reply = Response::new(Full::new(Bytes::new()));
    // Statuses outside 100..=999 are refused when a fault is configured, so this holds.
    *reply.status_mut() = hyper::StatusCode::from_u16(status).unwrap_or_default();
    reply
}

pub fn header(mut reply: Reply, name: &'static str, value: &str) -> Reply {
    if let Ok(value) = HeaderValue::from_str(value) {
        reply.headers_mut().insert(name, value);
    }
    reply
}

/// The control API's answer to a request it cannot act on.
pub fn control_error(status: u16, message: &str) -> Reply {
    json(status, &serde_json::json!({ "error": message }))
}
