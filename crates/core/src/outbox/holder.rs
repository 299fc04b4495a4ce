//! Who holds a lease or a claim, and whether that process still lives.
//!
//! A holder is `host:pid:start:nonce`: the start time (in clock ticks since boot, from
//! `/proc/<pid>/stat`) tells a live process from a later one that got the same pid, and the host
//! keeps a process of one machine from judging the pids of another that shares the file. A
//! holder found dead gives up its lease and claims at once, however it died (SIGKILL, an FPM
//! restart or reload); one that cannot be judged (another host, an unknown form) keeps them until
//! they expire.

use crate::process::PerProcess;
use std::collections::HashMap;
use std::time::{Duration, Instant};

static CURRENT: PerProcess<String> = PerProcess::new();

/// This process's holder id.
pub(crate) fn current() -> String {
    CURRENT.with(
        || {
            let pid = std::process::id();
            format!(
                "{}:{pid}:{}:{:016x}",
                host(),
                start_time(pid).unwrap_or(0),
                fastrand::u64(..)
            )
        },
        |id| id.clone(),
    )
}

/// Whether `holder` is certainly gone: a process of this host whose pid no longer runs, or now
/// runs another program started at another time.
pub(crate) fn is_dead(holder: &str) -> bool {
    let mut parts = holder.split(':');
    let (Some(host_name), Some(pid), Some(start), Some(_), None) = (
        parts.next(),
        parts.next().and_then(|p| p.parse::<u32>().ok()),
        parts.next().and_then(|s| s.parse::<u64>().ok()),
        parts.next(),
        parts.next(),
    ) else {
        return false;
    };
    if host_name != host() || start == 0 {
        return false;
    }
    if pid == std::process::id() {
        return holder != current();
    }
    cached(pid, || start_time(pid)) != Some(start)
}

/// When each pid was last looked up, and its start time then.
type Seen = HashMap<u32, (Instant, Option<u64>)>;

static SEEN: PerProcess<Seen> = PerProcess::new();

/// A dispatcher asks about the same few pids on every cycle; /proc is read at most every 200 ms.
fn cached(pid: u32, read: impl FnOnce() -> Option<u64>) -> Option<u64> {
    let now = Instant::now();
    SEEN.with(HashMap::new, |seen| {
        if let Some((at, start)) = seen.get(&pid)
            && now.duration_since(*at) < Duration::from_millis(200)
        {
            return *start;
        }
        let start = read();
        seen.retain(|_, (at, _)| now.duration_since(*at) < Duration::from_secs(10));
        seen.insert(pid, (now, start));
        start
    })
}

fn host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_default()
}

/// Field 22 of /proc/<pid>/stat; the process name before it may hold spaces and parentheses.
fn start_time(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after_name = &stat[stat.rfind(')')? + 1..];
    after_name.split_whitespace().nth(19)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_lives_and_a_finished_child_does_not() {
        let me = current();
        assert!(!is_dead(&me));
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        let start = start_time(pid);
        child.wait().unwrap();
        let gone = format!("{}:{pid}:{}:0000000000000001", host(), start.unwrap_or(1));
        assert!(is_dead(&gone));
        // Another start time is another process, even under a pid that runs.
        let reused = format!("{}:{}:1:0000000000000001", host(), std::process::id());
        assert!(is_dead(&reused));
    }

    #[test]
    fn holders_that_cannot_be_judged_are_alive() {
        assert!(!is_dead("first"));
        assert!(!is_dead("elsewhere:1:100:00"));
        assert!(!is_dead(&format!("{}:999999999:0:00", host())));
    }
}
