//! How an endpoint's items are delivered: the deliverer's own copy of the settings that govern
//! it, taken once, so that no later client changes it under way.
//!
//! Precedence, when several configurations meet one outbox and endpoint: in a process, the first
//! client that sends to it with a given secret key creates its deliverer, whose policy, timeouts
//! and log are that client's for as long as the process lives; clients made later with other values still write to
//! the same outbox, but do not change how it is delivered. Across processes, the one holding the
//! endpoint's lease delivers by its own policy; the rate limit's grid is kept in the outbox, so
//! whichever process delivers keeps to the same pace.

use crate::config::Config;
use crate::outbox::Synchronous;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Policy {
    /// Requests a minute per operation (0: no limit).
    pub(crate) rate_limit: u32,
    /// Requests in flight at most.
    pub(crate) concurrency: usize,
    pub(crate) max_attempts: u32,
    pub(crate) retry_base_delay: Duration,
    pub(crate) retry_max_delay: Duration,
    /// How long a claim or a lease lasts when its holder cannot be seen to die.
    pub(crate) lease: Duration,
    pub(crate) synchronous: Synchronous,
    /// How long a key Mindbox refused waits for its first probe (see the outbox's `store::refusal`).
    pub(crate) credentials_probe: Duration,
}

const CREDENTIALS_PROBE: Duration = Duration::from_secs(60);

impl Policy {
    pub(crate) fn of(config: &Config) -> Policy {
        Policy {
            rate_limit: config.rate_limit,
            concurrency: config.concurrency.max(1),
            max_attempts: config.max_attempts,
            retry_base_delay: config.retry_base_delay,
            retry_max_delay: config.retry_max_delay,
            lease: config.lease,
            synchronous: config.synchronous,
            credentials_probe: credentials_probe(),
        }
    }

    /// The spacing of one operation's sends, in microseconds (0: none). 8,000 a minute is 7.5 ms
    /// apart and 7 would overshoot; 0.1 % wider, so that the slot grid, which lets a late send
    /// be made up once when another process takes over the lease (within one, `spacing` keeps
    /// the sends a pace apart), never fits one more than the limit into a minute.
    pub(crate) fn pace_us(&self) -> u64 {
        match self.rate_limit {
            0 => 0,
            limit => 60_060_000 / u64::from(limit),
        }
    }

    pub(crate) fn lease_ms(&self) -> u64 {
        self.lease.as_millis() as u64
    }

    pub(crate) fn credentials_probe_ms(&self) -> u64 {
        self.credentials_probe.as_millis() as u64
    }
}

/// A minute; the tests' builds (the `test-hooks` feature, never a release) take another from
/// `MINDBOX_TEST_CREDENTIALS_PROBE_MS`, so that a test of the probes need not wait minutes.
fn credentials_probe() -> Duration {
    #[cfg(feature = "test-hooks")]
    if let Some(ms) = std::env::var("MINDBOX_TEST_CREDENTIALS_PROBE_MS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        return Duration::from_millis(ms);
    }
    CREDENTIALS_PROBE
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pacing_keeps_a_minute_under_the_limit() {
        let policy = |limit: u32| {
            let config = Config::from_value(
                &json!({"endpointId": "e", "secretKey": "k", "rateLimit": limit}),
                None,
            )
            .unwrap();
            Policy::of(&config)
        };
        assert_eq!(policy(0).pace_us(), 0);
        assert_eq!(policy(8000).pace_us(), 7507);
        // A full minute of slots plus the one late send the grid may make up.
        assert!(60_000_000 / policy(8000).pace_us() < 8000);
        assert!(60_000_000 / policy(600).pace_us() < 600);
    }
}
