//! Delivering on demand (a cron job, an agent, a test): the dispatcher does the work; a flush
//! only makes sure it runs and waits until it can do nothing more, then says why.

use super::deliverer::Deliverer;
use super::report::Report;
use super::state::State;
use crate::error::Result;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// Nothing more can be sent now: the outbox is empty, or what is left waits for its retry.
    Idle,
    /// Another process delivers for this endpoint.
    OtherProcess,
    /// Mindbox is failing: delivery holds off and probes.
    Backoff,
    /// Mindbox refused the key (401, 403): delivery waits for its next probe, or a key it takes.
    Credentials,
    /// The time given ran out while items were still going.
    Deadline,
    /// This process does not deliver (`mindbox.delivery = external`): the delivery daemon does.
    External,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Idle => "idle",
            Reason::OtherProcess => "otherProcess",
            Reason::Backoff => "backoff",
            Reason::Credentials => "credentials",
            Reason::Deadline => "deadline",
            Reason::External => "external",
        }
    }
}

impl Deliverer {
    /// Delivers what this process can deliver now, for at most until `deadline`. The threads it
    /// needs are the deliverer's own (one dispatcher, at most `concurrency` workers), started
    /// once and reused.
    pub(crate) fn flush(self: &Arc<Self>, deadline: Instant) -> Result<(Report, Reason)> {
        let mut s = self.lock();
        // Counted while it waits, so that the workers and the dispatcher wake it (see `Shared`).
        s.flushing += 1;
        drop(s);
        let result = self.wait_for_answers(deadline);
        self.lock().flushing -= 1;
        result
    }

    fn wait_for_answers(self: &Arc<Self>, deadline: Instant) -> Result<(Report, Reason)> {
        let mut s = self.lock();
        let start = s.delivered;
        s.poked = true;
        self.ensure_dispatching(&mut s);
        let first_cycle = s.cycles + 1;
        self.changed.notify_all();
        loop {
            // A cycle that began after the flush, with nothing in hand, tells the truth.
            let settled = s.cycles >= first_cycle
                && !s.cycling
                && !s.poked
                && s.jobs.is_empty()
                && s.in_flight == 0
                && s.settled.is_empty();
            if settled {
                if let Some(error) = s.error.clone() {
                    return Err(error);
                }
                let reason = match s.state {
                    State::Working => None,
                    State::Waiting | State::Idle => Some(Reason::Idle),
                    State::Standby => Some(Reason::OtherProcess),
                    State::Backoff => Some(Reason::Backoff),
                    State::Refused => Some(Reason::Credentials),
                };
                if let Some(reason) = reason {
                    return Ok((s.delivered.since(start), reason));
                }
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok((s.delivered.since(start), Reason::Deadline));
            }
            s = self
                .changed
                .wait_timeout(s, left.min(Duration::from_millis(100)))
                .unwrap_or_else(|p| p.into_inner())
                .0;
            // Answers do not wait for the next send (see `dispatch`) while a flush waits for them.
            if !s.settled.is_empty() && !s.poked {
                s.poked = true;
                self.changed.notify_all();
            }
            self.ensure_dispatching(&mut s);
        }
    }
}
