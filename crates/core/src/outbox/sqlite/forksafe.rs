//! SQLite across `fork()`.
//!
//! SQLite keeps per-process bookkeeping of the locks its connections hold on a file (its inode
//! and shared-memory records, shared by every connection of the process), beside mutexes of its
//! own. A child forked while one of this process's threads is inside SQLite (in a transaction,
//! say, holding a WAL lock) inherits that bookkeeping saying "held", without the lock itself
//! and without the thread that would release it: its first transaction on the file then waits
//! for ever. So every use of SQLite here passes a gate, and `fork()` waits at the gate until no
//! thread is inside (a `pthread_atfork` handler takes it exclusively; parent and child release
//! it after). Between transactions SQLite holds nothing a child could trip over.

use std::cell::UnsafeCell;
use std::sync::Once;

/// A writer-preferring rwlock, so a steady stream of SQLite calls cannot keep a fork waiting.
struct Gate(UnsafeCell<libc::pthread_rwlock_t>);

// SAFETY: the rwlock is only used through the pthread calls, which are thread-safe.
unsafe impl Sync for Gate {}

static GATE: Gate = Gate(UnsafeCell::new(libc::PTHREAD_RWLOCK_INITIALIZER));
/// glibc's `PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP` (pthread.h), which the libc crate does not name.
const PREFER_WRITER_NONRECURSIVE: libc::c_int = 2;
static PREPARED: Once = Once::new();

/// Held while a thread uses SQLite; never taken twice by one thread (the rwlock prefers writers,
/// so a nested read would wait behind a waiting fork).
pub(crate) struct Inside(());

impl Drop for Inside {
    fn drop(&mut self) {
        // SAFETY: taken in enter() by this thread.
        unsafe { libc::pthread_rwlock_unlock(GATE.0.get()) };
    }
}

pub(crate) fn enter() -> Inside {
    PREPARED.call_once(|| {
        init();
        // SAFETY: the handlers only take, release and re-create the gate.
        unsafe { libc::pthread_atfork(Some(before_fork), Some(in_parent), Some(in_child)) };
    });
    // SAFETY: the rwlock is initialised above.
    unsafe { libc::pthread_rwlock_rdlock(GATE.0.get()) };
    Inside(())
}

/// (Re)creates the gate, preferring writers.
fn init() {
    // SAFETY: called once before any thread uses the gate, or in a child whose only thread is
    // the caller.
    unsafe {
        let mut attr: libc::pthread_rwlockattr_t = std::mem::zeroed();
        libc::pthread_rwlockattr_init(&mut attr);
        libc::pthread_rwlockattr_setkind_np(&mut attr, PREFER_WRITER_NONRECURSIVE);
        libc::pthread_rwlock_init(GATE.0.get(), &attr);
        libc::pthread_rwlockattr_destroy(&mut attr);
    }
}

extern "C" fn before_fork() {
    // SAFETY: initialised before the handler was registered.
    unsafe { libc::pthread_rwlock_wrlock(GATE.0.get()) };
}

extern "C" fn in_parent() {
    // SAFETY: taken by this thread in before_fork().
    unsafe { libc::pthread_rwlock_unlock(GATE.0.get()) };
}

/// The child's copy still records the parent's waiting threads, which do not exist here: it is
/// made anew rather than unlocked.
extern "C" fn in_child() {
    init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fork_waits_until_no_thread_is_inside() {
        let inside = std::thread::spawn(|| {
            let _gate = enter();
            std::thread::sleep(std::time::Duration::from_millis(300));
        });
        std::thread::sleep(std::time::Duration::from_millis(50));
        let started = std::time::Instant::now();
        // SAFETY: the child only calls async-signal-safe functions before _exit.
        let pid = unsafe { libc::fork() };
        if pid == 0 {
            let _gate = enter();
            unsafe { libc::_exit(0) };
        }
        assert!(
            started.elapsed() >= std::time::Duration::from_millis(200),
            "the fork waited"
        );
        let mut status = 0;
        unsafe { libc::waitpid(pid, &mut status, 0) };
        assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0);
        inside.join().unwrap();
    }
}
