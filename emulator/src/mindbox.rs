//! A call to `/v3/operations/{sync,async}` (or the tracker's `/tracker/v3/operations/…`): read
//! it, apply latency and faults, check it against the contract, answer it and journal it.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::{HeaderMap, Method, Request};
use serde_json::Value;

use crate::connection::{Connection, Takeover};
use crate::contract::{self, Body, Call, Caller};
use crate::reply::{self, Reply};
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
    let received_at = unix_seconds();
    let (parts, body) = request.into_parts();
    let query = decode_query(parts.uri.query().unwrap_or(""));
    let headers = journal_headers(&parts.headers);
    let text = |name: &str| query.get(name).map(str::to_owned);
    let authorization = header_str(&parts.headers, "authorization");
    let mut entry = Entry {
        seq: 0,
        received_at,
        connection_id: connection.tally.id,
        endpoint,
        operation: text("operation"),
        endpoint_id: text("endpointId"),
        transaction_id: text("transactionId"),
        device_uuid: text("deviceUUID"),
        query: Pairs::default(),
        headers,
        body: None,
        raw_body: None,
        http_status: 0,
        mindbox_status: None,
        outcome: Outcome::Rejected,
        auth_ok: caller == Caller::Browser || emulator.accounts.auth_ok(authorization),
        fault: None,
        error_message: None,
    };

    if parts.method != Method::POST {
        entry.query = query;
        entry.http_status = 405;
        entry.error_message = Some(format!("method {} not allowed", parts.method));
        emulator.lock().record(&connection.tally, entry);
        return reply::header(reply::empty(405), "allow", "POST");
    }

    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => Some(Body::parse(&collected.to_bytes())),
        // A client that went away mid-body gets nothing; one that sent too much is told so.
        Err(e)
            if e.downcast_ref::<http_body_util::LengthLimitError>()
                .is_none() =>
        {
            return reply::empty(400);
        }
        Err(_) => None,
    };

    let latency = emulator.lock().faults.latency_ms;
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    let mut fault = emulator.lock().faults.pick(entry.operation.as_deref());
    if let Some(Kind::Latency { latency_ms }) = fault {
        tokio::time::sleep(Duration::from_millis(latency_ms)).await;
        entry.fault = Some("latency");
        fault = None;
    }

    let checked = match &body {
        None => Err(contract::Rejection {
            http_status: 400,
            message: format!("Request body exceeds {MAX_BODY} bytes"),
        }),
        Some(body) => {
            let call = Call {
                endpoint_id: entry.endpoint_id.as_deref(),
                operation: entry.operation.as_deref(),
                authorization,
                transaction_id: entry.transaction_id.as_deref(),
                content_type: header_str(&parts.headers, "content-type"),
                body,
            };
            emulator.accounts.check(caller, &call)
        }
    };
    entry.query = query;
    match body {
        Some(Body::Json(raw)) => entry.body = Some(raw),
        Some(Body::NotJson(raw)) => entry.raw_body = Some(raw),
        None => {}
    }

    if let Some(kind) = fault {
        return inject(emulator, connection, entry, kind).await;
    }
    if let Err(rejection) = checked {
        let answer = contract::protocol_error(rejection.http_status, &rejection.message);
        entry.error_message = Some(rejection.message);
        return finish(emulator, connection, entry, Outcome::Rejected, Some(answer));
    }
    process(emulator, connection, entry)
}

/// Answers a call that passed the contract: a duplicate, a scripted answer, the loyalty
/// programme's answer or the default, in that order.
fn process(emulator: &Emulator, connection: &Connection, mut entry: Entry) -> Reply {
    let operation = entry.operation.clone().unwrap_or_default();
    let mut state = emulator.lock();
    let duplicate = entry
        .transaction_id
        .as_deref()
        .is_some_and(|tx| state.is_processed(tx));
    let mut consumes_transaction = true;
    let (http_status, answer, outcome) = if duplicate {
        (200, contract::already_processed(), Outcome::Duplicate)
    } else {
        let (status, answer) = match state.scripts.take(&operation) {
            Some(scripted) => scripted,
            None => {
                let asynchronous = matches!(entry.endpoint, "async" | "tracker");
                let body = entry.body.as_deref();
                match state.loyalty.answer(&operation, asynchronous, body) {
                    Some(handled) => {
                        consumes_transaction = handled.consumes_transaction;
                        (200, handled.answer)
                    }
                    None => (200, contract::default_answer(&operation)),
                }
            }
        };
        let outcome = scripted_outcome(status, &answer);
        (status, answer, outcome)
    };
    entry.http_status = http_status;
    entry.mindbox_status = contract::mindbox_status(&answer);
    entry.outcome = outcome;
    state.record_call(&connection.tally, entry, consumes_transaction);
    drop(state);
    reply::json(http_status, &answer)
}

/// What a scripted answer means for the transaction: only a successful one marks it done.
fn scripted_outcome(http_status: u16, answer: &Value) -> Outcome {
    match (http_status, answer.get("status").and_then(Value::as_str)) {
        (200, Some("TransactionAlreadyProcessed")) => Outcome::Duplicate,
        (200, Some("ValidationError" | "ProtocolError")) => Outcome::Rejected,
        (200, Some("InternalServerError")) => Outcome::Fault,
        (200..=299, _) => Outcome::Processed,
        (400..=499, _) => Outcome::Rejected,
        _ => Outcome::Fault,
    }
}

fn finish(
    emulator: &Emulator,
    connection: &Connection,
    mut entry: Entry,
    outcome: Outcome,
    answer: Option<Value>,
) -> Reply {
    if entry.http_status == 0 {
        entry.http_status = answer
            .as_ref()
            .and_then(|a| a.get("httpStatusCode"))
            .and_then(Value::as_u64)
            .and_then(|s| u16::try_from(s).ok())
            .unwrap_or(200);
    }
    entry.mindbox_status = answer.as_ref().and_then(contract::mindbox_status);
    entry.outcome = outcome;
    let status = entry.http_status;
    emulator.lock().record(&connection.tally, entry);
    match answer {
        Some(answer) => reply::json(status, &answer),
        None => reply::empty(status),
    }
}

async fn inject(
    emulator: &Emulator,
    connection: &Connection,
    mut entry: Entry,
    kind: Kind,
) -> Reply {
    entry.fault = Some(kind.name());
    let message = "Injected by the emulator";
    match kind {
        Kind::Status {
            status,
            retry_after,
            body,
        } => {
            entry.http_status = status;
            let answer = body.or_else(|| contract::error_body_for_status(status, message));
            let reply = finish(emulator, connection, entry, Outcome::Fault, answer);
            match retry_after {
                Some(secs) => reply::header(reply, "retry-after", &secs.to_string()),
                None => reply,
            }
        }
        Kind::Validation { messages } => {
            entry.http_status = 200;
            let answer = contract::validation_error(messages.as_deref());
            finish(emulator, connection, entry, Outcome::Rejected, Some(answer))
        }
        Kind::Reset | Kind::Hang => {
            let takeover = if matches!(kind, Kind::Reset) {
                Takeover::Reset
            } else {
                Takeover::Hang
            };
            entry.outcome = Outcome::Fault;
            emulator.lock().record(&connection.tally, entry);
            connection.take_over(takeover).await
        }
        Kind::Raw {
            status,
            content_type,
            raw_body,
            body_bytes,
            truncate,
        } => {
            let bytes: Bytes = match (raw_body, body_bytes) {
                (Some(raw), _) => raw.into(),
                (None, Some(n)) => reply::filler(n, &content_type).into(),
                (None, None) => Bytes::new(),
            };
            entry.http_status = status;
            entry.outcome = Outcome::Fault;
            if bytes.len() <= 64 * 1024 {
                entry.mindbox_status = serde_json::from_slice::<Value>(&bytes)
                    .ok()
                    .as_ref()
                    .and_then(contract::mindbox_status);
            }
            emulator.lock().record(&connection.tally, entry);
            if truncate {
                let raw = reply::truncated_response(status, &content_type, &bytes);
                connection.take_over(Takeover::WriteAndClose(raw)).await
            } else {
                reply::with_body(status, &content_type, bytes)
            }
        }
        Kind::Latency { .. } => unreachable!("latency faults are applied before this point"),
    }
}

fn unix_seconds() -> f64 {
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    millis as f64 / 1000.0
}

/// Query parameters, percent-decoded; a repeated name keeps its first value, as the checks do.
pub fn decode_query(query: &str) -> Pairs {
    let mut pairs = Pairs::default();
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        if pairs.get(&name).is_none() {
            pairs.0.push((name.into_owned(), value.into_owned()));
        }
    }
    pairs
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Headers as the journal shows them: names lower-cased (hyper already does), repeated
/// headers joined, and the secret key masked.
pub fn journal_headers(headers: &HeaderMap) -> Pairs {
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
    fn query_is_decoded_and_first_value_wins() {
        let q = decode_query("operation=Website.A%2BB&x=a+b&x=c&deviceUUID=%D0%AF");
        assert_eq!(q.get("operation"), Some("Website.A+B"));
        assert_eq!(q.get("x"), Some("a b"));
        assert_eq!(q.get("deviceUUID"), Some("Я"));
    }

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

    #[test]
    fn scripted_outcomes() {
        let v = |s: &str| serde_json::json!({ "status": s });
        assert_eq!(scripted_outcome(200, &v("Success")), Outcome::Processed);
        assert_eq!(
            scripted_outcome(200, &v("ValidationError")),
            Outcome::Rejected
        );
        assert_eq!(
            scripted_outcome(400, &v("ProtocolError")),
            Outcome::Rejected
        );
        assert_eq!(
            scripted_outcome(503, &v("InternalServerError")),
            Outcome::Fault
        );
    }
}
