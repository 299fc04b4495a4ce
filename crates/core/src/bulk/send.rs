//! One CSV file to Mindbox's bulk import: the file checked (`file`) before a slot of the hourly
//! budget is reserved for it in the outbox (`outbox::store::bulk`), then sent (`wire`). The answer
//! is classified as a call's (ARCHITECTURE.md, "Errors"): a task or a repeat is sent, a validation
//! error or a refusal is an error (the part is not sent again by itself), and what did not go or
//! got no answer is deferred with the time to try again, the same transactionId then.

mod file;
mod options;
mod wire;

#[cfg(test)]
mod server;
#[cfg(test)]
mod tests;

pub use options::BulkOptions;

use crate::clock::now_ms;
use crate::config::validate_operation;
use crate::delivery::backoff;
use crate::error::{Error, Result};
use crate::exchange::Exchange;
use crate::outbox::{Reservation, with_store};
use crate::request::is_guid;
use crate::response::Outcome;
use serde_json::Value;
use std::path::Path;
use std::time::Duration;

/// Why an import did not go now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deferral {
    /// `bulkImportsPerHour` imports went in the last hour.
    Budget,
    /// Mindbox answered 429 (to this import, or lately to another).
    TooManyRequests,
    /// 5xx, a timeout, a connection that failed: no answer to go by.
    Unavailable,
}

impl Deferral {
    pub fn as_str(self) -> &'static str {
        match self {
            Deferral::Budget => "budget",
            Deferral::TooManyRequests => "tooManyRequests",
            Deferral::Unavailable => "unavailable",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum BulkOutcome {
    /// Mindbox has the import: a new task, or (`already_processed`) the transactionId's before.
    Sent {
        transaction_id: String,
        already_processed: bool,
        answer: Value,
    },
    Deferred {
        transaction_id: String,
        reason: Deferral,
        /// Not before then (ms since the epoch).
        retry_at: u64,
        /// Of this attempt's answer; 0 without one, or when nothing was sent.
        http_status: u16,
        message: String,
    },
}

/// After a failed attempt: 30 s, doubling with each one, up to half an hour.
const RETRY_BASE: Duration = Duration::from_secs(30);
const RETRY_CAP: Duration = Duration::from_secs(1800);

pub(crate) fn import(
    exchange: &Exchange,
    operation: &str,
    path: &Path,
    transaction_id: &str,
    options: &BulkOptions,
) -> Result<BulkOutcome> {
    let config = exchange.config();
    validate_operation(operation).map_err(|m| Error::invalid("operation", m))?;
    if !is_guid(transaction_id) {
        return Err(Error::invalid(
            "transactionId",
            format!("'{transaction_id}' is not a GUID (the part's own, kept for its resends)"),
        ));
    }
    let outbox = config.outbox.as_ref().ok_or_else(|| {
        Error::invalid(
            "config.outbox",
            "importBulk() keeps the hourly budget of imports in the outbox: set mindbox.outbox in php.ini, or the client's 'outbox'",
        )
    })?;
    let csv = file::open(path)?;
    let (scope, sync) = (config.scope(), config.synchronous);
    let deferred = |reason, retry_at, http_status, message| BulkOutcome::Deferred {
        transaction_id: transaction_id.to_string(),
        reason,
        retry_at,
        http_status,
        message,
    };
    let now = now_ms();
    let limit = config.bulk_imports_per_hour;
    let slot = match with_store(outbox, sync, |s| {
        s.bulk_reserve(&scope, transaction_id, limit, now)
    })? {
        Reservation::Taken(slot) => slot,
        Reservation::Spent { until } => {
            let message = format!(
                "{limit} bulk imports went in the last hour, as many as bulkImportsPerHour allows; the next may go in {} s",
                seconds(until.saturating_sub(now))
            );
            return Ok(deferred(Deferral::Budget, until, 0, message));
        }
        Reservation::Blocked { until } => {
            let message = format!(
                "Mindbox answered a bulk import with 429 Too Many Requests: none goes for {} s",
                seconds(until.saturating_sub(now))
            );
            return Ok(deferred(Deferral::TooManyRequests, until, 0, message));
        }
    };
    let result = wire::send(exchange, operation, transaction_id, &csv, options);
    let now = now_ms();
    match result {
        Ok(outcome) => {
            // Mindbox has the import, which no trouble with the outbox now may hide: the count of
            // failed attempts left behind only lengthens a backoff nobody will need.
            let _ = with_store(outbox, sync, |s| s.bulk_answered(&scope, transaction_id));
            let already_processed = matches!(outcome, Outcome::AlreadyProcessed(_));
            Ok(BulkOutcome::Sent {
                transaction_id: transaction_id.to_string(),
                already_processed,
                answer: outcome.into_value(),
            })
        }
        Err(
            e @ Error::Protocol {
                http_status: 429,
                retry_after,
                ..
            },
        ) => {
            let wait = retry_after.map(|s| s * 1000);
            let until = with_store(outbox, sync, |s| s.bulk_too_many(&scope, slot, wait, now))?;
            Ok(deferred(
                Deferral::TooManyRequests,
                until,
                429,
                e.to_string(),
            ))
        }
        Err(e) if e.is_retryable() => {
            let failures =
                with_store(outbox, sync, |s| s.bulk_failed(&scope, transaction_id, now))?;
            let wait = backoff::delay(failures, RETRY_BASE, RETRY_CAP, None);
            let retry_at = now + wait.as_millis() as u64;
            Ok(deferred(
                Deferral::Unavailable,
                retry_at,
                e.http_status(),
                e.to_string(),
            ))
        }
        Err(e) => {
            with_store(outbox, sync, |s| s.bulk_answered(&scope, transaction_id))?;
            Err(e)
        }
    }
}

/// Whole seconds, rounded up: "in 0 s" would say it may go now.
fn seconds(ms: u64) -> u64 {
    ms.div_ceil(1000)
}
