//! What a deliverer's last cycle found, and what it means for `flush()` and for the
//! dispatcher's own rest.

use super::holdoff::Holdoff;
use crate::clock::now_ms;
use crate::outbox::Next;
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

impl State {
    /// Whether a dispatcher that has been quiet since `quiet_since` may end.
    pub(super) fn idle_long_enough(self, quiet_since: Instant, now: Instant) -> bool {
        // Items waiting for a retry keep the dispatcher: nothing else would wake them.
        let after = match self {
            State::Working | State::Backoff | State::Refused | State::Waiting => return false,
            State::Standby => STANDBY_IDLE_EXIT,
            State::Idle => HOLDER_IDLE_EXIT,
        };
        now.duration_since(quiet_since) >= after
    }

    /// The state a cycle's answer means, and when the dispatcher must look again by itself.
    /// `working`: items are in hand; `pace_us`: the spacing of one operation's sends.
    pub(super) fn after(
        next: &Next,
        holdoff: &Holdoff,
        working: bool,
        pace_us: u64,
    ) -> (State, Option<Instant>) {
        let now = Instant::now();
        let at = |t: u64| now + Duration::from_millis(t.saturating_sub(now_ms()));
        if let Some(until) = holdoff.holding(now) {
            let state = if holdoff.is_refused() {
                State::Refused
            } else {
                State::Backoff
            };
            return (state, Some(until));
        }
        match next {
            Next::More => (State::Working, None),
            // A holder can die without a write: its life is checked at every standby poll.
            Next::NotHolder(t) => (State::Standby, Some(at(*t).min(now + STANDBY_POLL))),
            Next::Idle if working => (State::Working, None),
            Next::Idle => (State::Idle, None),
            Next::Refused(t) => (State::Refused, Some(at(*t))),
            Next::At(t) => {
                // Waiting for the rate limit's next slot is part of delivering; a retry time is not.
                let pacing = Duration::from_micros(pace_us).max(Duration::from_millis(100));
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
