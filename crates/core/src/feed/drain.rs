//! The file's end of the feed, on a thread of its own: a buffer of XML is written (and compressed)
//! there while the next one is filled, on another core. At most three buffers exist at once (one
//! filled, one waiting, one written), so the memory stays flat however fast the offers come, and a
//! slow disk holds the writer back rather than piling buffers up.

use flate2::write::GzEncoder;
use std::fs::File;
use std::io::{self, Write};
use std::mem;
use std::os::fd::AsRawFd;
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::thread::{self, JoinHandle};

/// XML reaches the disk (or the compressor) in pieces of this size, whatever the offers' size:
/// large enough that handing a piece over (a wake-up of the other thread) costs nothing much.
pub(super) const BUFFER: usize = 1 << 20;
/// The file's write-back is started each time this much more has been written.
const WRITE_BACK: usize = 2 << 20;

pub(super) enum Sink {
    Plain(File),
    Gzip(Box<GzEncoder<File>>),
}

pub(super) struct Drain {
    /// The process that started the thread: a process forked from it has no such thread.
    owner: u32,
    /// Full buffers, in order; None once the feed is complete.
    full: Option<SyncSender<Vec<u8>>>,
    /// Written buffers, emptied, to be filled again.
    empty: Receiver<Vec<u8>>,
    /// Gives the file back, complete, or the first error that stopped the writing.
    thread: Option<JoinHandle<io::Result<File>>>,
}

impl Drain {
    pub(super) fn start(sink: Sink) -> io::Result<Drain> {
        let (full, full_rx) = mpsc::sync_channel(1);
        let (empty_tx, empty) = mpsc::channel();
        let thread = thread::Builder::new()
            .name("mindbox-feed".into())
            .spawn(move || write(sink, full_rx, empty_tx))?;
        Ok(Drain {
            owner: std::process::id(),
            full: Some(full),
            empty,
            thread: Some(thread),
        })
    }

    /// Hands `buffer` over to be written; returns an empty one to fill.
    pub(super) fn hand(&mut self, buffer: Vec<u8>) -> io::Result<Vec<u8>> {
        self.check_owner()?;
        let sent = self.full.as_ref().map(|full| full.send(buffer));
        match sent {
            Some(Ok(())) => Ok(self
                .empty
                .try_recv()
                .unwrap_or_else(|_| Vec::with_capacity(BUFFER))),
            // The thread stopped: it says why.
            _ => Err(self.stop().err().unwrap_or_else(stopped)),
        }
    }

    /// Writes `last`, completes the file (the gzip trailer) and gives it back.
    pub(super) fn finish(mut self, last: Vec<u8>) -> io::Result<File> {
        self.hand(last)?;
        self.stop()
    }

    fn check_owner(&self) -> io::Result<()> {
        if std::process::id() == self.owner {
            Ok(())
        } else {
            Err(io::Error::other(format!(
                "the feed was opened by process {}; a process forked from it cannot write it",
                self.owner
            )))
        }
    }

    /// Lets the thread write what it was handed, and waits for it to end.
    fn stop(&mut self) -> io::Result<File> {
        self.full = None;
        match self.thread.take().map(JoinHandle::join) {
            Some(Ok(written)) => written,
            Some(Err(_)) => Err(io::Error::other("the feed's writing thread panicked")),
            None => Err(stopped()),
        }
    }
}

fn stopped() -> io::Error {
    io::Error::other("the feed's writing thread has stopped")
}

impl Drop for Drain {
    fn drop(&mut self) {
        if self.check_owner().is_ok() {
            let _ = self.stop();
        } else {
            // The thread is the parent's (this process has none): its handle and the channels
            // are left alone, as the parent still uses them.
            mem::forget(self.thread.take());
            mem::forget(self.full.take());
        }
    }
}

/// The thread: writes each full buffer and hands it back empty; ends at the first error, which
/// the next `hand` then reports.
fn write(
    mut sink: Sink,
    full: Receiver<Vec<u8>>,
    empty: mpsc::Sender<Vec<u8>>,
) -> io::Result<File> {
    let mut unsynced = 0;
    for mut buffer in full {
        let file = match &mut sink {
            Sink::Plain(file) => {
                file.write_all(&buffer)?;
                &*file
            }
            Sink::Gzip(encoder) => {
                encoder.write_all(&buffer)?;
                encoder.get_ref()
            }
        };
        unsynced += buffer.len();
        if unsynced >= WRITE_BACK {
            unsynced = 0;
            start_write_back(file);
        }
        buffer.clear();
        // One huge offer (a description of megabytes before its cut) need not keep its room.
        buffer.shrink_to(4 * BUFFER);
        // The other end may be gone already, having failed elsewhere.
        let _ = empty.send(buffer);
    }
    match sink {
        Sink::Plain(file) => Ok(file),
        Sink::Gzip(encoder) => encoder.finish(),
    }
}

/// Starts the kernel writing the file's pages to the disk, without waiting for it: the fsync at
/// the end then waits for the last few megabytes rather than for the whole feed, which it would
/// otherwise have to write out at once. Only a head start: an error here is fsync's to report.
pub(crate) fn start_write_back(file: &File) {
    // SAFETY: a plain system call on an open descriptor; it reads and writes no memory of ours.
    unsafe {
        libc::sync_file_range(file.as_raw_fd(), 0, 0, libc::SYNC_FILE_RANGE_WRITE);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::private::test_dir;
    use std::time::{Duration, Instant};

    #[test]
    fn a_failed_write_is_reported_by_a_later_hand_and_by_finish() {
        let dir = test_dir("feed-drain-error");
        std::fs::write(dir.join("f"), "").unwrap();
        // Opened for reading only: every write fails.
        let mut drain = Drain::start(Sink::Plain(File::open(dir.join("f")).unwrap())).unwrap();
        let failed = (0..100).find_map(|_| drain.hand(vec![b'x'; 10]).err());
        let message = failed.expect("no write failed").to_string();
        assert!(message.contains("Bad file descriptor"), "{message}");
        assert!(drain.finish(Vec::new()).is_err());
    }

    /// A process forked while a feed is written has no writing thread: its calls fail at once
    /// (they would wait for ever), and it leaves the parent's feed alone.
    #[test]
    fn a_forked_process_is_refused_and_the_parent_goes_on() {
        let dir = test_dir("feed-drain-fork");
        let target = dir.join("feed.yml");
        let mut w = crate::feed::tests::started(&target, false);
        // An offer longer than the buffer: each is handed over to be written at once.
        let offer =
            |i: i64| serde_json::json!([{"id": i, "categoryId": 1, "name": "x".repeat(BUFFER)}]);
        w.offers(&offer(1)).unwrap();
        // SAFETY: the child uses the writer (allocating, as glibc's fork handlers allow) and
        // leaves with `_exit`, running no destructor or atexit handler of the parent's.
        let child = unsafe { libc::fork() };
        assert!(child >= 0, "fork failed");
        if child == 0 {
            let refused = w
                .offers(&offer(2))
                .is_err_and(|e| e.to_string().contains("forked"));
            drop(w);
            let kept = crate::feed::tests::leftovers(&dir).len() == 1;
            unsafe { libc::_exit(i32::from(!refused) + 2 * i32::from(!kept)) };
        }
        let started = Instant::now();
        let mut status = 0;
        // SAFETY (both): plain system calls on our own child.
        while unsafe { libc::waitpid(child, &mut status, libc::WNOHANG) } == 0 {
            if started.elapsed() > Duration::from_secs(5) {
                unsafe { libc::kill(child, libc::SIGKILL) };
                panic!("the child hung");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(
            libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
            "the child: status {status}"
        );
        w.offers(&offer(2)).unwrap();
        assert_eq!(w.finish().unwrap().offers, 2);
    }
}
