//! What a call is made of, as the contract sees it.

use serde_json::value::RawValue;

/// The endpoint ids and secret keys this emulator accepts. Every key is valid for every endpoint:
/// tests need one key, and key rotation only needs "more than one".
#[derive(Debug, Clone)]
pub struct Accounts {
    pub endpoint_ids: Vec<String>,
    pub secret_keys: Vec<String>,
}

/// Who makes the call, which decides how it is authorised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    /// A shop's backend, with the secret key.
    Server,
    /// The JavaScript tracker in a visitor's browser, which has no key: Mindbox trusts the
    /// site's domain instead, and the emulator trusts loopback.
    Browser,
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
