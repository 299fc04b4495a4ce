//! The answers of injected faults, from a plain error status to a socket reset or a truncated
//! response written by hand.

use bytes::Bytes;
use serde_json::Value;

use super::answer::finish;
use crate::contract;
use crate::http::{Connection, Reply, Takeover, reply};
use crate::state::Emulator;
use crate::state::faults::Kind;
use crate::state::journal::{Entry, Outcome};

pub(super) async fn inject(
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
