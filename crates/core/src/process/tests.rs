use super::*;
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::time::{Duration, Instant};

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

#[test]
fn racing_threads_share_one_record_and_one_value() {
    for _ in 0..50 {
        let slot = Arc::new(PerProcess::<u32>::new());
        let inits = Arc::new(AtomicUsize::new(0));
        let barrier = Arc::new(std::sync::Barrier::new(8));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let (slot, inits, barrier) = (slot.clone(), inits.clone(), barrier.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    slot.with(
                        || {
                            inits.fetch_add(1, Ordering::SeqCst);
                            0
                        },
                        |v| *v += 1,
                    );
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(inits.load(Ordering::SeqCst), 1);
        assert_eq!(slot.with_existing(|v| *v), Some(8));
    }
}

#[test]
fn a_foreign_record_is_replaced_and_leaked() {
    let slot = PerProcess::<Vec<u8>>::new();
    // A record as a parent process would have left it, with its lock held for ever.
    let parent = Box::into_raw(Box::new(Record {
        pid: std::process::id().wrapping_add(1),
        value: Mutex::new(Some(vec![1])),
    }));
    // SAFETY: `parent` is leaked by this test and outlives the guard.
    std::mem::forget(unsafe { &*parent }.value.lock().unwrap());
    slot.record.store(parent, Ordering::Release);

    assert_eq!(slot.with_existing(|v| v.clone()), None);
    assert_eq!(slot.with(|| vec![2], |v| v.clone()), vec![2]);
    assert_eq!(slot.with_existing(|v| v.clone()), Some(vec![2]));
    // The parent's value is still there, untouched.
    // SAFETY: as above.
    let parent = unsafe { &*parent };
    assert!(parent.value.try_lock().is_err());
}

/// A thread of the parent holds the slot's lock when the parent forks: the child's first
/// `with` must not wait for it.
#[test]
fn child_of_a_fork_does_not_wait_for_a_lock_held_in_the_parent() {
    static SLOT: PerProcess<u32> = PerProcess::new();
    assert_eq!(SLOT.with(|| 1, |v| *v), 1);

    let (held_tx, held_rx) = std::sync::mpsc::channel();
    let holder = std::thread::spawn(move || {
        SLOT.with(
            || 1,
            |_| {
                held_tx.send(()).unwrap();
                std::thread::sleep(Duration::from_secs(2));
            },
        )
    });
    held_rx.recv().unwrap();

    // SAFETY: the child only touches the slot (a `Box` allocation, which glibc's fork
    // handlers keep usable) and then leaves with `_exit`, running no destructor or atexit
    // handler of the parent's.
    let child = unsafe { libc::fork() };
    assert!(child >= 0, "fork failed");
    if child == 0 {
        let fresh = SLOT.with(|| 2, |v| *v);
        let again = SLOT.with(|| 3, |v| *v);
        let code = if (fresh, again) == (2, 2) { 0 } else { 1 };
        unsafe { libc::_exit(code) };
    }

    let started = Instant::now();
    let mut status = 0;
    let outcome = loop {
        // SAFETY: plain syscall on our own child.
        let r = unsafe { libc::waitpid(child, &mut status, libc::WNOHANG) };
        if r == child {
            break Some(status);
        }
        assert_eq!(r, 0, "waitpid failed");
        if started.elapsed() > Duration::from_millis(1500) {
            // SAFETY: as above.
            unsafe {
                libc::kill(child, libc::SIGKILL);
                libc::waitpid(child, &mut status, 0);
            }
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    holder.join().unwrap();

    let status = outcome.expect("the child hung on the parent's lock");
    assert!(libc::WIFEXITED(status), "child died: status {status}");
    assert_eq!(
        libc::WEXITSTATUS(status),
        0,
        "the child saw the parent's value"
    );
    // The parent's value is untouched.
    assert_eq!(SLOT.with(|| 9, |v| *v), 1);
}
