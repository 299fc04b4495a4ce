//! The delivery threads as background work for the scheduler.
//!
//! A send wakes the dispatcher as its last step. Linux lets a thread woken on the waker's core
//! preempt it at once, so the shop's thread would wait out the dispatcher's cycle (and a worker's
//! settling) before `send()` returned: most of `send()`'s time at a steady pace was other threads'
//! work. `SCHED_BATCH` takes only that away: a batch thread does not preempt on waking, and
//! otherwise shares the CPU as its nice value says (unchanged), so delivery is not slower for it.

/// Marks the calling thread as background work; a system that refuses it changes nothing else.
pub(super) fn mark_this_thread() {
    #[cfg(target_os = "linux")]
    {
        let param = libc::sched_param { sched_priority: 0 };
        // SAFETY: pid 0 is the calling thread; `param` outlives the call.
        unsafe {
            libc::sched_setscheduler(0, libc::SCHED_BATCH, &param);
        }
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    #[test]
    fn the_thread_is_batch_and_others_are_not() {
        let policy = std::thread::spawn(|| {
            super::mark_this_thread();
            // SAFETY: pid 0 is the calling thread.
            unsafe { libc::sched_getscheduler(0) }
        })
        .join()
        .unwrap();
        assert_eq!(policy, libc::SCHED_BATCH);
        // SAFETY: as above.
        assert_eq!(unsafe { libc::sched_getscheduler(0) }, libc::SCHED_OTHER);
    }
}
