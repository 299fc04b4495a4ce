//! The end of a call that reached an answer: the answer chosen, journaled and sent.

use serde_json::Value;

use crate::contract;
use crate::http::{Connection, Reply, reply};
use crate::state::Emulator;
use crate::state::journal::{Entry, Outcome};

/// Answers a call that passed the contract: a duplicate, a scripted answer, the loyalty
/// programme's answer or the default, in that order.
pub(super) fn process(emulator: &Emulator, connection: &Connection, mut entry: Entry) -> Reply {
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
                        (handled.http_status, handled.answer)
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

/// What a scripted or loyalty answer means for the transaction: only a successful one marks it
/// done.
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

/// Journals the call and sends its answer; a status not yet set is the one the answer's body
/// names, as Mindbox's error bodies carry theirs.
pub(super) fn finish(
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

#[cfg(test)]
mod tests {
    use super::*;

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
