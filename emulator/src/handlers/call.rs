//! A call to `/v3/operations/{sync,async}` (or the tracker's `/tracker/v3/operations/…`): read
//! it, apply latency and faults and check it against the contract; `answer` and `fault` end it.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::http::request::Parts;
use hyper::{HeaderMap, Method, Request};

use super::{answer, fault};
use crate::contract::{self, Body, Call, Caller, Rejection};
use crate::http::{self, Connection, Reply, reply};
use crate::state::Emulator;
use crate::state::faults::Kind;
use crate::state::journal::{Entry, Outcome, Pairs};

/// Bodies above this are refused rather than buffered; real order bodies are a few KiB.
const MAX_BODY: usize = 32 * 1024 * 1024;

pub async fn handle(
    emulator: &Emulator,
    connection: &Connection,
    endpoint: &'static str,
    caller: Caller,
    request: Request<Incoming>,
) -> Reply {
    let (parts, body) = request.into_parts();
    let mut entry = new_entry(emulator, connection, endpoint, caller, &parts);
    if parts.method != Method::POST {
        return refuse_method(emulator, connection, entry, &parts.method);
    }
    let Ok(body) = read_body(body).await else {
        return reply::empty(400);
    };
    let fault = wait(emulator, &mut entry).await;
    let checked = check(emulator, caller, &entry, &parts.headers, body.as_ref());
    match body {
        Some(Body::Json(raw)) => entry.body = Some(raw),
        Some(Body::NotJson(raw)) => entry.raw_body = Some(raw),
        None => {}
    }
    if let Some(kind) = fault {
        return fault::inject(emulator, connection, entry, kind).await;
    }
    if let Err(rejection) = checked {
        let answer = contract::protocol_error(rejection.http_status, &rejection.message);
        entry.error_message = Some(rejection.message);
        return answer::finish(emulator, connection, entry, Outcome::Rejected, Some(answer));
    }
    answer::process(emulator, connection, entry)
}

/// Journals a call made with another method than POST and answers 405.
pub(super) fn refuse_method(
    emulator: &Emulator,
    connection: &Connection,
    mut entry: Entry,
    method: &Method,
) -> Reply {
    entry.http_status = 405;
    entry.error_message = Some(format!("method {method} not allowed"));
    emulator.lock().record(&connection.tally, entry);
    reply::header(reply::empty(405), "allow", "POST")
}

/// The journal entry of a call as its head describes it, refused until it is answered.
pub(super) fn new_entry(
    emulator: &Emulator,
    connection: &Connection,
    endpoint: &'static str,
    caller: Caller,
    parts: &Parts,
) -> Entry {
    let query = http::decode_query(parts.uri.query().unwrap_or(""));
    let text = |name: &str| query.get(name).map(str::to_owned);
    let authorization = http::header_str(&parts.headers, "authorization");
    Entry {
        seq: 0,
        received_at: unix_seconds(),
        connection_id: connection.tally.id,
        endpoint,
        operation: text("operation"),
        endpoint_id: text("endpointId"),
        transaction_id: text("transactionId"),
        device_uuid: text("deviceUUID"),
        query,
        headers: journal_headers(&parts.headers),
        body: None,
        raw_body: None,
        http_status: 0,
        mindbox_status: None,
        outcome: Outcome::Rejected,
        auth_ok: caller == Caller::Browser || emulator.accounts.auth_ok(authorization),
        fault: None,
        error_message: None,
    }
}

/// The body, or `None` when it is over `MAX_BODY`, which the contract refuses; `Err` when the
/// client went away mid-body, which gets no answer worth the name.
async fn read_body(body: Incoming) -> Result<Option<Body>, ()> {
    match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => Ok(Some(Body::parse(&collected.to_bytes()))),
        Err(e)
            if e.downcast_ref::<http_body_util::LengthLimitError>()
                .is_some() =>
        {
            Ok(None)
        }
        Err(_) => Err(()),
    }
}

/// Waits out the configured latency and a latency fault, which still lets the call through;
/// any other fault is returned for the call to end with.
pub(super) async fn wait(emulator: &Emulator, entry: &mut Entry) -> Option<Kind> {
    let latency = emulator.lock().faults.latency_ms;
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    let fault = emulator.lock().faults.pick(entry.operation.as_deref());
    if let Some(Kind::Latency { latency_ms }) = fault {
        tokio::time::sleep(Duration::from_millis(latency_ms)).await;
        entry.fault = Some("latency");
        return None;
    }
    fault
}

fn check(
    emulator: &Emulator,
    caller: Caller,
    entry: &Entry,
    headers: &HeaderMap,
    body: Option<&Body>,
) -> Result<(), Rejection> {
    let Some(body) = body else {
        return Err(Rejection::new(
            400,
            format!("Request body exceeds {MAX_BODY} bytes"),
        ));
    };
    let call = Call {
        endpoint_id: entry.endpoint_id.as_deref(),
        operation: entry.operation.as_deref(),
        authorization: http::header_str(headers, "authorization"),
        transaction_id: entry.transaction_id.as_deref(),
        content_type: http::header_str(headers, "content-type"),
        body,
    };
    emulator.accounts.check(caller, &call)
}

fn unix_seconds() -> f64 {
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    millis as f64 / 1000.0
}

/// Headers as the journal shows them: names lower-cased (hyper already does), repeated
/// headers joined, and the secret key masked.
fn journal_headers(headers: &HeaderMap) -> Pairs {
    let mut pairs = Pairs::default();
    for name in headers.keys() {
        let values: Vec<String> = headers
            .get_all(name)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .map(|v| {
                if name == "authorization" {
                    contract::mask_authorization(&v)
                } else {
                    v
                }
            })
            .collect();
        pairs.0.push((name.as_str().to_owned(), values.join(", ")));
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_masked() {
        let mut h = HeaderMap::new();
        h.insert("authorization", "SecretKey top-secret".parse().unwrap());
        h.append("x-thing", "1".parse().unwrap());
        h.append("x-thing", "2".parse().unwrap());
        let m = journal_headers(&h);
        assert_eq!(m.get("authorization"), Some("SecretKey ***"));
        assert_eq!(m.get("x-thing"), Some("1, 2"));
    }
}
