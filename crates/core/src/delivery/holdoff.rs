//! The endpoint's hold-off after failures that say Mindbox itself is unwell: every worker waits,
//! longer after each consecutive one, and one probe at a time goes out when it ends; the first
//! answer ends it. A refused connection would otherwise be retried as fast as the workers spin.

use super::backoff;
use super::policy::Policy;
use std::time::{Duration, Instant};

/// However long Mindbox has been failing, it is probed at least this often, so that delivery
/// resumes soon after it is back.
const MAX_PROBE_INTERVAL: Duration = Duration::from_secs(10);

#[derive(Debug, Default)]
pub(crate) struct Holdoff {
    consecutive: u32,
    until: Option<Instant>,
    /// The hold is for a key Mindbox refused, not for Mindbox's health.
    refused: bool,
}

impl Holdoff {
    pub(crate) fn failed(&mut self, now: Instant, policy: &Policy, retry_after: Option<Duration>) {
        self.consecutive += 1;
        let cap = policy.retry_max_delay.min(MAX_PROBE_INTERVAL);
        let pause = backoff::delay(self.consecutive, policy.retry_base_delay, cap, retry_after);
        self.until = Some(now + pause);
    }

    /// Mindbox refused the key: nothing goes before its first probe, the outbox's to schedule
    /// from then on.
    pub(crate) fn refused(&mut self, now: Instant, policy: &Policy) {
        self.consecutive += 1;
        self.refused = true;
        self.until = Some(now + policy.credentials_probe);
    }

    /// The key may be used again: a hold for its refusal ends; one for an outage stays.
    pub(crate) fn end_refusal(&mut self) {
        if self.refused {
            *self = Holdoff::default();
        }
    }

    pub(crate) fn is_refused(&self) -> bool {
        self.refused
    }

    /// An answer came: `true` when it ends an outage.
    pub(crate) fn answered(&mut self) -> bool {
        std::mem::take(self).consecutive > 0
    }

    /// Until when nothing may be sent.
    pub(crate) fn holding(&self, now: Instant) -> Option<Instant> {
        self.until.filter(|until| *until > now)
    }

    /// After a failure, until an answer comes, only one request at a time probes.
    pub(crate) fn probing(&self) -> bool {
        self.consecutive > 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use serde_json::json;

    #[test]
    fn failures_hold_longer_each_time_within_the_probe_interval_and_an_answer_ends_it() {
        let config = Config::from_value(
            &json!({"endpointId": "e", "secretKey": "k", "retryDelay": 2, "retryMaxDelay": 1800}),
            None,
        )
        .unwrap();
        let policy = Policy::of(&config);
        let now = Instant::now();
        let mut h = Holdoff::default();
        assert_eq!((h.holding(now), h.probing()), (None, false));
        h.failed(now, &policy, None);
        let first = h.holding(now).unwrap() - now;
        assert!(first >= Duration::from_millis(1500) && first <= Duration::from_millis(2500));
        for _ in 0..20 {
            h.failed(now, &policy, None);
        }
        assert!(h.holding(now).unwrap() - now <= MAX_PROBE_INTERVAL);
        assert_eq!(h.holding(now + MAX_PROBE_INTERVAL), None);
        assert!(h.probing());
        h.failed(now, &policy, Some(Duration::from_secs(30)));
        assert!(
            h.holding(now).unwrap() - now >= Duration::from_secs(30),
            "Retry-After is a floor"
        );
        assert!(h.answered());
        assert!(!h.answered());
        assert_eq!(h.holding(now), None);
    }
}
