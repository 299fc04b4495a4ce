//! The endpoint's hold-off when Mindbox itself is unwell. A failure alone is not an outage: its
//! item retries on its own backoff while the others go on. Only when failures dominate (a run of
//! `OUTAGE_AFTER` with no answer between) does every worker wait, longer after each further
//! failure, with one probe at a time when the wait ends; the first answer ends it. A `Retry-After`
//! is Mindbox asking for the wait, so it holds at once. A refused connection would otherwise be
//! retried as fast as the workers spin.

use super::backoff;
use super::policy::Policy;
use std::time::{Duration, Instant};

/// However long Mindbox has been failing, it is probed at least this often, so that delivery
/// resumes soon after it is back.
const MAX_PROBE_INTERVAL: Duration = Duration::from_secs(10);

/// Failures in a row, with no answer between, that make an outage. Partial trouble (a share of
/// requests failing, even 30 %) makes such a run about once in 170,000 requests; a Mindbox that
/// is down makes it with the first requests, which cost no more than the probes that follow.
pub(crate) const OUTAGE_AFTER: u32 = 10;

#[derive(Debug, Default)]
pub(crate) struct Holdoff {
    /// Failures since the last answer.
    consecutive: u32,
    until: Option<Instant>,
    /// Delivery holds off and probes one request at a time, until an answer.
    outage: bool,
    /// The hold is for a key Mindbox refused, not for Mindbox's health.
    refused: bool,
}

impl Holdoff {
    pub(crate) fn failed(&mut self, now: Instant, policy: &Policy, retry_after: Option<Duration>) {
        self.consecutive += 1;
        if self.consecutive < OUTAGE_AFTER && retry_after.is_none() && !self.outage {
            return;
        }
        self.outage = true;
        let cap = policy.retry_max_delay.min(MAX_PROBE_INTERVAL);
        let nth = self.consecutive.saturating_sub(OUTAGE_AFTER) + 1;
        let pause = backoff::delay(nth, policy.retry_base_delay, cap, retry_after);
        self.until = Some(now + pause);
    }

    /// Mindbox refused the key: nothing goes before its first probe, the outbox's to schedule
    /// from then on.
    pub(crate) fn refused(&mut self, now: Instant, policy: &Policy) {
        self.consecutive += 1;
        self.outage = true;
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

    /// An answer came: `true` when it ends an outage (what waited it out may go now).
    pub(crate) fn answered(&mut self) -> bool {
        std::mem::take(self).outage
    }

    /// Until when nothing may be sent.
    pub(crate) fn holding(&self, now: Instant) -> Option<Instant> {
        self.until.filter(|until| *until > now)
    }

    /// In an outage, until an answer comes, only one request at a time probes.
    pub(crate) fn probing(&self) -> bool {
        self.outage
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use serde_json::json;

    fn policy() -> Policy {
        let config = Config::from_value(
            &json!({"endpointId": "e", "secretKey": "k", "retryDelay": 2, "retryMaxDelay": 1800}),
            None,
        )
        .unwrap();
        Policy::of(&config)
    }

    #[test]
    fn failures_short_of_an_outage_hold_nothing_back() {
        let (policy, now) = (policy(), Instant::now());
        let mut h = Holdoff::default();
        for _ in 1..OUTAGE_AFTER {
            h.failed(now, &policy, None);
        }
        assert_eq!((h.holding(now), h.probing()), (None, false));
        assert!(
            !h.answered(),
            "no outage ended: the failed items keep their own backoff"
        );
        for _ in 1..OUTAGE_AFTER {
            h.failed(now, &policy, None);
        }
        assert_eq!(
            h.holding(now),
            None,
            "the answer between started the count again"
        );
    }

    #[test]
    fn an_outage_holds_longer_each_time_within_the_probe_interval_and_an_answer_ends_it() {
        let (policy, now) = (policy(), Instant::now());
        let mut h = Holdoff::default();
        for _ in 0..OUTAGE_AFTER {
            h.failed(now, &policy, None);
        }
        assert!(h.probing());
        let first = h.holding(now).unwrap() - now;
        assert!(first >= Duration::from_millis(1500) && first <= Duration::from_millis(2500));
        for _ in 0..20 {
            h.failed(now, &policy, None);
        }
        assert!(h.holding(now).unwrap() - now <= MAX_PROBE_INTERVAL);
        assert_eq!(h.holding(now + MAX_PROBE_INTERVAL), None);
        assert!(h.probing());
        assert!(h.answered());
        assert!(!h.answered());
        assert_eq!((h.holding(now), h.probing()), (None, false));
    }

    #[test]
    fn retry_after_holds_at_once_for_at_least_its_time() {
        let (policy, now) = (policy(), Instant::now());
        let mut h = Holdoff::default();
        h.failed(now, &policy, Some(Duration::from_secs(30)));
        assert!(h.probing());
        assert!(h.holding(now).unwrap() - now >= Duration::from_secs(30));
        assert!(h.answered());
    }
}
