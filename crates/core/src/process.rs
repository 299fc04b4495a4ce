//! State that belongs to one process.
//!
//! PHP-FPM forks workers from a master, and Bitrix cron scripts may `pcntl_fork`. A child must not
//! use the sockets, SQLite handles or threads of its parent, so every such resource is kept in a
//! [`PerProcess`] slot that is rebuilt when the process id changes. What the parent left behind
//! is leaked on purpose: dropping it would close, or write to, handles the parent still uses.
//!
//! The slot itself must survive a fork too. Only the forking thread lives on in the child, so a
//! lock that another thread of the parent held at that moment (a delivery worker inside
//! [`PerProcess::with`], say) stays locked in the child for ever. The slot therefore holds no lock
//! of its own: it is an atomic pointer to a record that names the process owning it, and the lock
//! that guards the value lives in that record. A process that finds someone else's record installs
//! one of its own with a compare-and-swap and never touches the inherited record's lock.

use std::marker::PhantomData;
use std::ptr;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::{Mutex, MutexGuard};

pub(crate) struct PerProcess<T> {
    /// Null until first use; else a leaked `Box<Record<T>>`, possibly a parent's.
    record: AtomicPtr<Record<T>>,
    /// Owns a `T` behind a lock: `Send` and `Sync` exactly when a `Mutex<T>` would be.
    _owns: PhantomData<Mutex<T>>,
}

struct Record<T> {
    pid: u32,
    /// `None` until `init` has run in this process (or if it panicked).
    value: Mutex<Option<T>>,
}

impl<T> PerProcess<T> {
    pub(crate) const fn new() -> Self {
        PerProcess {
            record: AtomicPtr::new(ptr::null_mut()),
            _owns: PhantomData,
        }
    }

    /// Runs `f` on this process's value, creating it with `init` first if needed.
    pub(crate) fn with<R>(&self, init: impl FnOnce() -> T, f: impl FnOnce(&mut T) -> R) -> R {
        let mut guard = lock(self.own_record());
        let value = guard.get_or_insert_with(init);
        f(value)
    }

    /// This process's value, if it has one (never the parent's).
    pub(crate) fn with_existing<R>(&self, f: impl FnOnce(&mut T) -> R) -> Option<R> {
        let record = self.current()?;
        lock(record).as_mut().map(f)
    }

    /// This process's record, if one is installed.
    fn current(&self) -> Option<&Record<T>> {
        let p = self.record.load(Ordering::Acquire);
        // SAFETY: a non-null pointer came from `Box::into_raw` in `own_record` and is freed only
        // by `drop`, which has `&mut self`; records are never freed while `&self` is alive.
        let record = unsafe { p.as_ref() }?;
        (record.pid == std::process::id()).then_some(record)
    }

    /// This process's record, installed first if the slot is empty or holds a parent's record.
    fn own_record(&self) -> &Record<T> {
        if let Some(record) = self.current() {
            return record;
        }
        let pid = std::process::id();
        let fresh = Box::into_raw(Box::new(Record {
            pid,
            value: Mutex::new(None),
        }));
        let mut seen = self.record.load(Ordering::Acquire);
        loop {
            // SAFETY: as in `current`.
            if let Some(record) = unsafe { seen.as_ref() }
                && record.pid == pid
            {
                // Another thread of this process won the race: use its record, and free ours,
                // which nobody else has seen.
                // SAFETY: `fresh` came from `Box::into_raw` above and was never published.
                drop(unsafe { Box::from_raw(fresh) });
                return record;
            }
            // `seen` is null or a parent's record. Replacing it leaks the parent's record, value
            // and lock included, on purpose (see the module comment).
            match self
                .record
                .compare_exchange(seen, fresh, Ordering::AcqRel, Ordering::Acquire)
            {
                // SAFETY: `fresh` is now published and, like every record, never freed while
                // `&self` lives.
                Ok(_) => return unsafe { &*fresh },
                Err(actual) => seen = actual,
            }
        }
    }
}

fn lock<T>(record: &Record<T>) -> MutexGuard<'_, Option<T>> {
    // A panic while holding the lock leaves the value usable: every user keeps it consistent
    // between statements.
    record.value.lock().unwrap_or_else(|p| p.into_inner())
}

impl<T> Default for PerProcess<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> Drop for PerProcess<T> {
    /// Only slots that are not `static` are ever dropped. A parent's record is leaked, like the
    /// parent's value in [`PerProcess::with`].
    fn drop(&mut self) {
        let p = *self.record.get_mut();
        if p.is_null() {
            return;
        }
        // SAFETY: a non-null pointer came from `Box::into_raw`; `&mut self` means no one else
        // can still use it.
        let record = unsafe { Box::from_raw(p) };
        if record.pid == std::process::id() {
            drop(record);
        } else {
            std::mem::forget(record);
        }
    }
}

#[cfg(test)]
mod tests;
