//! Building HTTP responses, the deliberately broken ones of the `raw` fault included.

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

/// `n` bytes of body. For a JSON content type it is a valid JSON object when `n` allows, so
/// that a client's size limit, not its JSON parser, is what must refuse it.
pub fn filler(n: usize, content_type: &str) -> Vec<u8> {
    let head = br#"{"status":"Success","filler":""#;
    let tail = br#""}"#;
    if content_type.contains("json") && n >= head.len() + tail.len() {
        let mut out = Vec::with_capacity(n);
        out.extend_from_slice(head);
        out.resize(n - tail.len(), b'x');
        out.extend_from_slice(tail);
        out
    } else {
        vec![b'x'; n]
    }
}

/// A response that promises the whole body in Content-Length but carries only its first half.
pub fn truncated_response(status: u16, content_type: &str, body: &[u8]) -> Bytes {
    let declared = body.len().max(64);
    let sent = &body[..body.len() / 2];
    let reason = hyper::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Unknown");
    let mut out = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: {content_type}\r\n\
         content-length: {declared}\r\nconnection: close\r\n\r\n"
    )
    .into_bytes();
    out.extend_from_slice(sent);
    out.into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn filler_is_exact_and_json_when_asked() {
        let json = filler(1000, "application/json");
        assert_eq!(json.len(), 1000);
        assert!(serde_json::from_slice::<Value>(&json).is_ok());
        assert_eq!(filler(10, "text/html"), vec![b'x'; 10]);
    }

    #[test]
    fn truncated_response_promises_more_than_it_sends() {
        let raw = truncated_response(200, "application/json", br#"{"status":"Success"}"#);
        let text = String::from_utf8(raw.to_vec()).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        assert!(head.contains("content-length: 64"));
        assert_eq!(body, r#"{"status":"#);
    }
}
