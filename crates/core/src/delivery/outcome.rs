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
        Ok(_) => {
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
        let settle = Settle::Park {
            id,
            attempts: attempt,
            failure,
        };
        decision(
            settle,
            Report {
                failed: 1,
                ..Report::default()
            },
            unwell,
            false,
        )
    }
}

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
mod tests {
    use super::*;
    use crate::config::Config;
    use serde_json::json;

    fn policy() -> Policy {
        let config = Config::from_value(
            &json!({"endpointId": "e", "secretKey": "k", "retryDelay": 2, "retryMaxDelay": 60, "maxAttempts": 3}),
            None,
        )
        .unwrap();
        Policy::of(&config)
    }

    fn protocol(status: u16, retry_after: Option<u64>) -> Error {
        Error::Protocol {
            http_status: status,
            error_id: Some("e-1".into()),
            message: "no".into(),
            retry_after,
        }
    }

    #[test]
    fn an_answer_deletes_the_item() {
        let d = decide(
            7,
            1,
            &Ok(Outcome::AlreadyProcessed(serde_json::Value::Null)),
            &policy(),
            "k",
            1000,
        );
        assert_eq!(
            (d.settle, d.report.sent, d.unwell),
            (Settle::Done(7), 1, None)
        );
    }

    #[test]
    fn refusals_are_parked_at_once_with_their_reason() {
        let d = decide(7, 1, &Err(protocol(400, None)), &policy(), "k", 1000);
        match d.settle {
            Settle::Park {
                attempts: 1,
                failure,
                ..
            } => {
                assert_eq!(
                    (failure.http_status, failure.error_id.as_deref()),
                    (400, Some("e-1"))
                );
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            d.unwell, None,
            "a bad item says nothing of Mindbox's health"
        );
        let d = decide(
            7,
            1,
            &Err(Error::Validation { messages: vec![] }),
            &policy(),
            "k",
            1000,
        );
        assert!(matches!(
            d.settle,
            Settle::Park {
                failure: Failure {
                    http_status: 200,
                    ..
                },
                ..
            }
        ));
    }

    #[test]
    fn unavailability_is_retried_with_backoff_until_the_last_attempt() {
        let d = decide(
            7,
            1,
            &Err(Error::unavailable(503, "down")),
            &policy(),
            "k",
            1000,
        );
        match d.settle {
            Settle::Retry {
                at,
                attempts: 1,
                hold: None,
                ref failure,
                ..
            } => {
                assert!((2500..=3500).contains(&at), "{at}");
                assert_eq!(
                    failure.mindbox_status.as_deref(),
                    Some("InternalServerError")
                );
            }
            ref other => panic!("{other:?}"),
        }
        assert_eq!(d.unwell, Some(None));
        let last = decide(
            7,
            3,
            &Err(Error::unavailable(0, "reset")),
            &policy(),
            "k",
            1000,
        );
        assert!(matches!(last.settle, Settle::Park { attempts: 3, .. }));
        assert_eq!(last.report.failed, 1);
    }

    #[test]
    fn stored_failures_are_a_few_kilobytes_whatever_the_answer() {
        let messages = (0..15_000)
            .map(|n| crate::error::ValidationMessage {
                message: format!("field {n} is wrong in every way"),
                location: Some(format!("/x/{n}")),
            })
            .collect();
        let f = failure_of(&Error::Validation { messages });
        assert!(
            f.message.len() <= MAX_STORED_MESSAGE + 3,
            "{}",
            f.message.len()
        );
        assert!(f.message.contains("14990 more"), "{}", f.message);
    }

    #[test]
    fn a_refused_key_parks_nothing_and_costs_no_attempt() {
        for status in [401, 403] {
            let d = decide(7, 3, &Err(protocol(status, None)), &policy(), "k", 1000);
            match d.settle {
                Settle::Retry {
                    attempts: 2, at, ..
                } => assert_eq!(at, 61_000),
                other => panic!("{other:?}"),
            }
            assert!(d.credentials_refused);
            assert_eq!(d.unwell, None);
        }
    }

    #[test]
    fn a_429_holds_its_operation_for_retry_after() {
        let d = decide(
            7,
            1,
            &Err(protocol(429, Some(5))),
            &policy(),
            "op-key",
            1000,
        );
        match d.settle {
            Settle::Retry {
                at,
                hold: Some((key, until)),
                ..
            } => {
                assert!(at >= 6000, "never sooner than Retry-After");
                assert_eq!((key.as_str(), until), ("op-key", 6000));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(d.unwell, Some(Some(Duration::from_secs(5))));
    }
}
