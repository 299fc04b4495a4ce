//! State that belongs to one process.
//!
//! PHP-FPM forks workers from a master, and Bitrix cron scripts may `pcntl_fork`. A child must not
//! use the sockets, SQLite handles or threads of its parent, so every such resource is kept in a
//! [`PerProcess`] slot that is rebuilt when the process id changes. What the parent left behind
//! is leaked on purpose: dropping it would close, or write to, handles the parent still uses.

use std::sync::{Mutex, MutexGuard};

pub struct PerProcess<T> {
    slot: Mutex<Option<(u32, T)>>,
}

impl<T> PerProcess<T> {
    pub const fn new() -> Self {
        PerProcess {
            slot: Mutex::new(None),
        }
    }

    /// Runs `f` on this process's value, creating it with `init` first if needed.
    pub fn with<R>(&self, init: impl FnOnce() -> T, f: impl FnOnce(&mut T) -> R) -> R {
        let mut guard = self.lock();
        let pid = std::process::id();
        if !matches!(guard.as_ref(), Some((owner, _)) if *owner == pid) {
            if let Some(inherited) = guard.take() {
                std::mem::forget(inherited);
            }
            *guard = Some((pid, init()));
        }
        match guard.as_mut() {
            Some((_, value)) => f(value),
            None => unreachable!("the slot was filled above"),
        }
    }

    /// This process's value, if it has one (never the parent's).
    pub fn with_existing<R>(&self, f: impl FnOnce(&mut T) -> R) -> Option<R> {
        let mut guard = self.lock();
        let pid = std::process::id();
        match guard.as_mut() {
            Some((owner, value)) if *owner == pid => Some(f(value)),
            _ => None,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Option<(u32, T)>> {
        // A panic while holding the lock leaves the value usable: every user keeps it consistent
        // between statements.
        self.slot.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl<T> Default for PerProcess<T> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_is_created_once_per_process() {
        static SLOT: PerProcess<u32> = PerProcess::new();
        assert_eq!(SLOT.with_existing(|v| *v), None);
        assert_eq!(SLOT.with(|| 1, |v| *v), 1);
        assert_eq!(
            SLOT.with(
                || 2,
                |v| {
                    *v += 10;
                    *v
                }
            ),
            11
        );
        assert_eq!(SLOT.with_existing(|v| *v), Some(11));
    }
}
