//! What a deliverer's last cycle found, and what it means for `flush()` and for the
//! dispatcher's own rest.

use super::deliverer::{Deliverer, Shared};
use crate::outbox::now_ms;
use crate::outbox::store::Next;
use std::time::{Duration, Instant};

/// How often a process that does not hold the lease checks that its holder still lives: a
/// holder killed without a word is replaced within this (and its lease's claims freed).
const STANDBY_POLL: Duration = Duration::from_millis(250);
/// The dispatcher ends after this long with nothing to do; the next send starts it again.
const HOLDER_IDLE_EXIT: Duration = Duration::from_secs(5);
const STANDBY_IDLE_EXIT: Duration = Duration::from_secs(2);

/// What the last cycle found, for `flush()` and for the dispatcher's own rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) enum State {
    /// Items are being sent, or wait only for the rate limit.
    Working,
    /// Nothing may go before a later time (retries); not worth waiting for.
    Waiting,
    #[default]
    Idle,
    /// Another process delivers for this endpoint.
    Standby,
    /// Mindbox is failing: everything holds off.
    Backoff,
    /// Mindbox refused the key: nothing goes with it but its probes, until it is taken again.
    Refused,
}

impl Deliverer {
    pub(super) fn idle_long_enough(
        &self,
        state: State,
        quiet_since: Instant,
        now: Instant,
    ) -> bool {
        // Items waiting for a retry keep the dispatcher: nothing else would wake them.
        let after = match state {
            State::Working | State::Backoff | State::Refused | State::Waiting => return false,
            State::Standby => STANDBY_IDLE_EXIT,
            State::Idle => HOLDER_IDLE_EXIT,
        };
        now.duration_since(quiet_since) >= after
    }

    /// The state a cycle's answer means, and when the dispatcher must look again by itself.
    pub(super) fn state_of(
        &self,
        next: &Next,
        s: &Shared,
        holding: Option<Instant>,
    ) -> (State, Option<Instant>) {
        let now = Instant::now();
        let at = |t: u64| now + Duration::from_millis(t.saturating_sub(now_ms()));
        if let Some(until) = holding {
            let state = if s.holdoff.is_refused() {
                State::Refused
            } else {
                State::Backoff
            };
            return (state, Some(until));
        }
        let working = !s.jobs.is_empty() || s.in_flight > 0;
        match next {
            Next::More => (State::Working, None),
            // A holder can die without a write: its life is checked at every standby poll.
            Next::NotHolder(t) => (State::Standby, Some(at(*t).min(now + STANDBY_POLL))),
            Next::Idle if working => (State::Working, None),
            Next::Idle => (State::Idle, None),
            Next::Refused(t) => (State::Refused, Some(at(*t))),
            Next::At(t) => {
                // Waiting for the rate limit's next slot is part of delivering; a retry time is not.
                let pacing =
                    Duration::from_micros(self.policy.pace_us()).max(Duration::from_millis(100));
                let soon = at(*t) <= now + pacing;
                let state = if working || soon {
                    State::Working
                } else {
                    State::Waiting
                };
                (state, Some(at(*t)))
            }
        }
    }
}
