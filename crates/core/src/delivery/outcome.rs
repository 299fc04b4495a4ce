//! What an attempt's answer means for its item: a pure decision, tested without HTTP.

use super::backoff;
use super::policy::Policy;
use super::report::Report;
use crate::error::{Error, Result};
use crate::outbox::{Failure, Settle};
use crate::response::Outcome;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Decision {
    pub(crate) settle: Settle,
    pub(crate) report: Report,
    /// The answer says Mindbox itself is unwell (no answer, 5xx, 429): every item of the endpoint
    /// should hold off, at least for the `Retry-After` it gave, if any.
    pub(crate) unwell: Option<Option<Duration>>,
    /// Mindbox refused the key (401, 403): every item holds off, but for the key's probes, until
    /// Mindbox takes it or a key it takes delivers.
    pub(crate) credentials_refused: bool,
}

/// `attempt` is the number of this attempt (1 for the first); `hold_key` the pacing key of the
/// item's operation, which a 429 holds as a whole; `now` in ms.
pub(crate) fn decide(
    id: i64,
    attempt: u32,
    result: &Result<Outcome>,
    policy: &Policy,
    hold_key: &str,
    now: u64,
) -> Decision {
    let error = match result {
        Ok(outcome) => {
            if let Some(failure) = not_taken(outcome) {
                return parked(id, attempt, failure, None);
            }
            let report = Report {
                sent: 1,
                ..Report::default()
            };
            return decision(Settle::Done(id), report, None, false);
        }
        Err(e) => e,
    };
    let retry_after = match error {
        Error::Protocol {
            retry_after: Some(s),
            ..
        } => Some(Duration::from_secs(*s)),
        _ => None,
    };
    let failure = failure_of(error);
    let retrying = Report {
        retrying: 1,
        ..Report::default()
    };
    if error.is_credentials() {
        // Not the item's fault: it keeps its attempts, and waits for the key's probe (or for a
        // key Mindbox takes).
        let at = now + policy.credentials_probe_ms();
        let settle = Settle::Retry {
            id,
            attempts: attempt - 1,
            at,
            failure,
            hold: None,
        };
        return decision(settle, retrying, None, true);
    }
    let unwell = error.is_retryable().then_some(retry_after);
    if error.is_retryable() && attempt < policy.max_attempts {
        let delay = backoff::delay(
            attempt,
            policy.retry_base_delay,
            policy.retry_max_delay,
            retry_after,
        );
        let hold = retry_after.map(|d| (hold_key.to_string(), now + d.as_millis() as u64));
        let settle = Settle::Retry {
            id,
            attempts: attempt,
            at: now + delay.as_millis() as u64,
            failure,
            hold,
        };
        decision(settle, retrying, unwell, false)
    } else {
        parked(id, attempt, failure, unwell)
    }
}

fn parked(id: i64, attempt: u32, failure: Failure, unwell: Option<Option<Duration>>) -> Decision {
    let settle = Settle::Park {
        id,
        attempts: attempt,
        failure,
    };
    let report = Report {
        failed: 1,
        ..Report::default()
    };
    decision(settle, report, unwell, false)
}

/// A `Success` that says Mindbox did not take the order: `PriceHasBeenChanged` (an order with
/// processing whose total Mindbox no longer stands by) saves nothing, so the item is parked
/// with it for the shop to decide, rather than counted delivered. A call() hands the same
/// answer back as it is: its caller decides there and then.
fn not_taken(outcome: &Outcome) -> Option<Failure> {
    let Outcome::Success(answer) = outcome else {
        return None;
    };
    let order = answer.get("order")?;
    let status = order.get("processingStatus")?.as_str()?;
    (status == PRICE_CHANGED).then(|| Failure {
        http_status: 200,
        mindbox_status: Some(PRICE_CHANGED.into()),
        error_id: None,
        message: capped(
            order
                .get("statusDescription")
                .and_then(|d| d.as_str())
                .unwrap_or(PRICE_CHANGED)
                .to_string(),
        ),
    })
}

const PRICE_CHANGED: &str = "PriceHasBeenChanged";

fn decision(
    settle: Settle,
    report: Report,
    unwell: Option<Option<Duration>>,
    credentials_refused: bool,
) -> Decision {
    Decision {
        settle,
        report,
        unwell,
        credentials_refused,
    }
}

pub(crate) fn failure_of(error: &Error) -> Failure {
    let (mindbox_status, error_id) = match error {
        Error::Validation { .. } => (Some("ValidationError"), None),
        Error::Protocol { error_id, .. } => (Some("ProtocolError"), error_id.clone()),
        Error::Unavailable {
            http_status: 500 | 503,
            ..
        } => (Some("InternalServerError"), None),
        _ => (None, None),
    };
    Failure {
        http_status: error.http_status(),
        mindbox_status: mindbox_status.map(str::to_string),
        error_id,
        message: capped(error.to_string()),
    }
}

/// What is stored of a failure's text: a few kilobytes tell what went wrong; the outbox and the
/// admin page must not grow with a huge answer.
const MAX_STORED_MESSAGE: usize = 2048;

fn capped(mut message: String) -> String {
    if message.len() > MAX_STORED_MESSAGE {
        let mut end = MAX_STORED_MESSAGE;
        while !message.is_char_boundary(end) {
            end -= 1;
        }
        message.truncate(end);
        message.push('…');
    }
    message
}

#[cfg(test)]
mod tests;
