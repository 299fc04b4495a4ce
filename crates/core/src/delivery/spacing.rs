//! The rate limit at the moment of sending. The outbox's slot grid spaces the items it hands out,
//! but a worker woken late from its slot's sleep (a busy machine) would send the next one a
//! pace later on the grid and so less than a pace after its own: two requests closer than the
//! limit allows. Each send therefore also goes no sooner than a full pace after the one before
//! it of the same operation from this process. A late send delays those after it by its lateness
//! once (the largest lateness of a busy spell, not their sum); a quiet spell starts anew.

use std::collections::HashMap;
use std::time::{Duration, Instant};

#[derive(Default)]
pub(super) struct Spacing {
    /// The time given to the last send of each pacing key.
    last: HashMap<String, Instant>,
}

impl Spacing {
    /// The time the send of `key` ready `now` may go, taken for it: no sooner than `pace` after
    /// the time given to the one before.
    pub(super) fn take(&mut self, key: &str, now: Instant, pace: Duration) -> Instant {
        if pace.is_zero() {
            return now;
        }
        match self.last.get_mut(key) {
            Some(last) => {
                *last = now.max(*last + pace);
                *last
            }
            None => {
                self.last.insert(key.to_owned(), now);
                now
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PACE: Duration = Duration::from_millis(33);

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn a_late_send_pushes_the_next_one_back_instead_of_being_made_up() {
        let t0 = Instant::now();
        let mut spacing = Spacing::default();
        assert_eq!(spacing.take("op", t0, PACE), t0);
        // The next slot was t0 + 33 ms, but its worker woke 40 ms late.
        assert_eq!(spacing.take("op", t0 + ms(73), PACE), t0 + ms(73));
        // The slot after, on time at t0 + 66 ms, waits a full pace after the late one.
        assert_eq!(spacing.take("op", t0 + ms(66), PACE), t0 + ms(106));
        // Then the grid's own times again, shifted once by the lateness, not by it twice.
        assert_eq!(spacing.take("op", t0 + ms(99), PACE), t0 + ms(139));
    }

    #[test]
    fn each_operation_and_a_quiet_spell_start_anew() {
        let t0 = Instant::now();
        let mut spacing = Spacing::default();
        spacing.take("a", t0, PACE);
        assert_eq!(spacing.take("b", t0, PACE), t0, "another operation");
        assert_eq!(spacing.take("a", t0 + ms(500), PACE), t0 + ms(500));
    }

    #[test]
    fn no_limit_spaces_nothing() {
        let t0 = Instant::now();
        let mut spacing = Spacing::default();
        spacing.take("a", t0, Duration::ZERO);
        assert_eq!(spacing.take("a", t0, Duration::ZERO), t0);
    }
}
