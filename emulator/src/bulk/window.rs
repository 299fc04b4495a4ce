//! The hourly limit on import tasks: a rolling hour of slots, one per task. A slot is taken
//! before the body is read, so that imports arriving together never exceed the limit, and
//! given back when the request ends without a task (too large, the client gone).

use std::collections::VecDeque;

const HOUR_MS: u64 = 3_600_000;

/// A taken slot: the moment it was taken, in milliseconds of the emulator's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot(u64);

#[derive(Debug, Default)]
pub struct Window {
    /// Oldest first.
    slots: VecDeque<u64>,
}

impl Window {
    /// A slot, or the whole seconds until one frees (at least 1) when `per_hour` are taken.
    pub fn take(&mut self, now_ms: u64, per_hour: u32) -> Result<Slot, u64> {
        while self
            .slots
            .front()
            .is_some_and(|t| t.saturating_add(HOUR_MS) <= now_ms)
        {
            self.slots.pop_front();
        }
        if self.slots.len() >= per_hour as usize {
            // With a limit of 0 no slot ever frees; an hour is as good an answer as any.
            let frees_at = self.slots.front().map_or(now_ms + HOUR_MS, |t| t + HOUR_MS);
            let wait_ms = frees_at.saturating_sub(now_ms).max(1);
            return Err(wait_ms.div_ceil(1000).max(1));
        }
        // The clock may be set back by a test; keep the list sorted all the same.
        let at = self.slots.back().map_or(now_ms, |t| now_ms.max(*t));
        self.slots.push_back(at);
        Ok(Slot(at))
    }

    pub fn give_back(&mut self, slot: Slot) {
        if let Some(i) = self.slots.iter().rposition(|t| *t == slot.0) {
            self.slots.remove(i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rolling_hour_of_slots() {
        let mut w = Window::default();
        let start = 1_000_000;
        assert!(w.take(start, 2).is_ok());
        assert!(w.take(start + 600_000, 2).is_ok());
        // Full: the first slot frees an hour after it was taken, 50 minutes from now.
        assert_eq!(w.take(start + 600_000, 2), Err(3000));
        assert_eq!(w.take(start + HOUR_MS - 1, 2), Err(1));
        assert!(w.take(start + HOUR_MS, 2).is_ok());
        assert_eq!(w.take(start + HOUR_MS, 2), Err(600));
        // A lower limit applies at once, a higher one frees slots.
        assert!(w.take(start + HOUR_MS, 3).is_ok());
        assert_eq!(w.take(start + HOUR_MS, 1), Err(600));
    }

    #[test]
    fn a_slot_given_back_is_free_again() {
        let mut w = Window::default();
        let slot = w.take(5, 1).unwrap();
        assert!(w.take(6, 1).is_err());
        w.give_back(slot);
        assert!(w.take(6, 1).is_ok());
        assert_eq!(Window::default().take(0, 0), Err(3600));
    }
}
