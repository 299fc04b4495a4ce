//! The threads that send: each takes a claimed item, waits for its slot under the rate limit
//! (and a full pace after the last send of its operation: `spacing`), makes the request and
//! hands the answer back to the dispatcher, which writes it. They start while there is work and
//! end after a short idle spell.

use super::deliverer::{Deliverer, Shared};
use super::dispatch::SETTLE_WAIT;
use super::outcome;
use super::report::Report;
use crate::clock::now_ms;
use crate::outbox::{Claimed, KeyVerdict, Settle, pacing_key};
use crate::request::Target;
use crate::transport::Pool;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A worker with nothing to do for this long ends.
const WORKER_IDLE_EXIT: Duration = Duration::from_secs(2);

impl Deliverer {
    /// As many workers as there are jobs and requests in flight, up to `concurrency`; one job
    /// wakes one worker.
    pub(super) fn staff(self: &Arc<Self>, s: &mut Shared) {
        let wanted = (s.jobs.len() + s.in_flight).min(self.policy.concurrency);
        while s.workers < wanted {
            let me = self.clone();
            let spawned = std::thread::Builder::new()
                .name("mindbox-deliver".into())
                .spawn(move || {
                    super::background::mark_this_thread();
                    me.work()
                });
            if spawned.is_err() {
                break;
            }
            s.workers += 1;
            s.threads_started += 1;
        }
        for _ in 0..s.jobs.len().min(s.idle_workers) {
            self.work.notify_one();
        }
    }

    fn work(self: Arc<Self>) {
        while let Some((job, pool)) = self.next_job() {
            let attempt = self.send(job, &pool);
            let mut s = self.lock();
            s.in_flight -= 1;
            s.delivered.add(attempt.report);
            // A plain answer waits in `settled` for the dispatcher's next turn: it is woken only
            // for what it would act on before its own time comes.
            let mut wake = !attempt.answered || s.flushing > 0 || s.answers_at_once;
            if attempt.answered && s.holdoff.answered() {
                // Mindbox is back: what waited out the outage goes now, at the rate limit.
                s.release_backoff = true;
                wake = true;
            }
            if let Some(retry_after) = attempt.unwell {
                s.holdoff.failed(Instant::now(), &self.policy, retry_after);
            }
            // What Mindbox says of the key goes into the outbox, for the others and the admin:
            // every refusal (the outbox counts the probes' ones), and an answer that takes the
            // key while the outbox may say it is refused.
            if attempt.credentials_refused {
                s.holdoff.refused(Instant::now(), &self.policy);
                s.key_refused = Some(KeyVerdict::Refused {
                    first_probe_ms: self.policy.credentials_probe_ms(),
                });
                s.key_marked = true;
            } else if attempt.answered && s.key_marked {
                s.key_refused = Some(KeyVerdict::Taken);
                s.key_marked = false;
                wake = true;
            }
            s.settled.push(attempt.settle);
            let first = *s.first_answer.get_or_insert_with(Instant::now);
            wake |= s
                .resting_until
                .is_some_and(|until| until > first + SETTLE_WAIT);
            drop(s);
            if wake {
                self.changed.notify_all();
            }
        }
    }

    fn next_job(&self) -> Option<(Claimed, Pool)> {
        let mut s = self.lock();
        loop {
            if let Some(job) = s.jobs.pop_front() {
                s.in_flight += 1;
                let pool = s.pool.get_or_insert_with(Pool::new).clone();
                return Some((job, pool));
            }
            let timed_out;
            if !self.stopping() {
                s.idle_workers += 1;
                let (guard, wait) = self
                    .work
                    .wait_timeout(s, WORKER_IDLE_EXIT)
                    .unwrap_or_else(|p| p.into_inner());
                s = guard;
                s.idle_workers -= 1;
                timed_out = wait.timed_out();
            } else {
                timed_out = true;
            }
            if timed_out && s.jobs.is_empty() {
                s.workers -= 1;
                if s.workers == 0 {
                    s.pool = None;
                }
                drop(s);
                self.changed.notify_all();
                return None;
            }
        }
    }

    /// Makes the request of a claimed item when its slot comes; an item that must not go now
    /// (the process stops, Mindbox is held off) is released unsent.
    fn send(&self, mut job: Claimed, pool: &Pool) -> Attempt {
        let slot = Duration::from_micros(job.send_at_us.saturating_sub(now_ms() * 1000));
        if !slot.is_zero() {
            std::thread::sleep(slot);
        }
        let key = pacing_key(&self.scope, &job.item.operation, job.item.endpoint);
        let go_at = {
            let mut s = self.lock();
            let now = Instant::now();
            let pace = Duration::from_micros(self.policy.pace_us());
            let held = s.holdoff.holding(now).is_some();
            (!held && !self.stopping()).then(|| s.spacing.take(&key, now, pace))
        };
        let Some(go_at) = go_at else {
            return Attempt::released(job.item.id);
        };
        let spaced = go_at.saturating_duration_since(Instant::now());
        if !spaced.is_zero() {
            std::thread::sleep(spaced);
            if self.stopping() {
                return Attempt::released(job.item.id);
            }
        }
        // The request takes the body: nothing after it needs it.
        let body = std::mem::take(&mut job.item.body);
        let item = &job.item;
        let target = Target {
            operation: &item.operation,
            endpoint: item.endpoint,
            device_uuid: item.device_uuid.as_deref(),
            customer_ip: item.customer_ip.as_deref(),
            transaction_id: Some(&item.transaction_id),
        };
        let attempt = item.attempts + 1;
        let result = self
            .exchange
            .run_on(pool, &target, None, body, "outbox", Some(attempt));
        let decision = outcome::decide(item.id, attempt, &result, &self.policy, &key, now_ms());
        Attempt {
            settle: decision.settle,
            report: decision.report,
            answered: decision.unwell.is_none() && !decision.credentials_refused,
            unwell: decision.unwell,
            credentials_refused: decision.credentials_refused,
        }
    }
}

struct Attempt {
    settle: Settle,
    report: Report,
    /// Mindbox answered, whatever it said of the item: it is not unwell.
    answered: bool,
    unwell: Option<Option<Duration>>,
    credentials_refused: bool,
}

impl Attempt {
    fn released(id: i64) -> Attempt {
        Attempt {
            settle: Settle::Release(id),
            report: Report::default(),
            answered: false,
            unwell: None,
            credentials_refused: false,
        }
    }
}
