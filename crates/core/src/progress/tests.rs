use super::*;
use std::sync::{Arc, Mutex};

/// What the lines say, shared with the progress that writes them.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<u8>>>);

impl Write for Log {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Log {
    fn lines(&self) -> Vec<String> {
        let text = String::from_utf8(self.0.lock().unwrap().clone()).unwrap();
        text.lines().map(str::to_owned).collect()
    }
}

fn logged(total: u64) -> (Progress, Log) {
    let log = Log::default();
    let progress = Progress::with(total, "Feed".into(), lines(Box::new(log.clone())));
    (progress, log)
}

/// Moves the progress to `done` at `seconds` after its start.
fn at(p: &mut Progress, done: u64, seconds: f64) {
    let now = p.started + Duration::from_secs_f64(seconds);
    p.moved(done, now);
}

#[test]
fn a_line_at_every_tenth_of_the_way() {
    let (mut p, log) = logged(1000);
    for done in (0..=1000).step_by(25) {
        at(&mut p, done, done as f64 / 1000.0);
    }
    let lines = log.lines();
    assert_eq!(lines.len(), 10, "{lines:?}");
    assert_eq!(lines[0], "Feed: 100/1,000 (10%), 1,000/s, ETA 1s");
    assert_eq!(lines[9], "Feed: 1,000/1,000 (100%), 1,000/s");
}

#[test]
fn a_slow_job_still_writes_a_line_every_few_seconds() {
    let (mut p, log) = logged(1_000_000);
    at(&mut p, 10, 1.0);
    at(&mut p, 20, 9.0);
    assert!(log.lines().is_empty(), "{:?}", log.lines());
    at(&mut p, 100, 10.0);
    at(&mut p, 110, 12.0);
    at(&mut p, 200, 20.5);
    assert_eq!(
        log.lines(),
        [
            "Feed: 100/1,000,000 (0%), 10/s, ETA 28h",
            "Feed: 200/1,000,000 (0%), 10/s, ETA 28h",
        ]
    );
}

#[test]
fn an_unknown_total_shows_the_count_and_rate() {
    let (mut p, log) = logged(0);
    at(&mut p, 500, 10.0);
    assert_eq!(log.lines(), ["Feed: 500, 50/s"]);
    let (mut stalled, log) = logged(10);
    at(&mut stalled, 0, 10.0);
    assert_eq!(log.lines(), ["Feed: 0/10 (0%), 0/s, ETA unknown"]);
}

#[test]
fn finish_writes_a_summary_and_closes() {
    let (mut p, log) = logged(3);
    p.advance(2).unwrap();
    p.advance(1).unwrap();
    p.finish(Some("written to /tmp/feed.yml.gz")).unwrap();
    let last = log.lines().pop().unwrap();
    assert!(last.starts_with("Feed: 3/3 in "), "{last}");
    assert!(last.ends_with("/s. written to /tmp/feed.yml.gz"), "{last}");
    for (call, result) in [
        ("advance", p.advance(1)),
        ("set", p.set(1)),
        ("finish", p.finish(None)),
    ] {
        match result {
            Err(Error::InvalidArgument { path, message }) => {
                assert_eq!(path, call);
                assert!(message.contains("finished"), "{message}");
            }
            other => panic!("{call}: {other:?}"),
        }
    }
}

#[test]
fn bad_arguments_name_the_argument() {
    let path = |r: Result<()>| match r {
        Err(Error::InvalidArgument { path, .. }) => path,
        other => panic!("{other:?}"),
    };
    assert_eq!(path(Progress::new(-1, "Feed").map(drop)), "total");
    assert_eq!(path(Progress::new(1, " ").map(drop)), "label");
    assert_eq!(path(Progress::new(1, "Feed\nnext").map(drop)), "label");
    let (mut p, _) = logged(10);
    assert_eq!(path(p.advance(-1)), "n");
    assert_eq!(path(p.set(-5)), "done");
    assert_eq!(path(p.finish(Some("two\nlines"))), "message");
    p.finish(None).unwrap();
}

#[test]
fn durations_read_as_a_person_says_them() {
    assert_eq!(duration_text(Duration::from_millis(29_440)), "29.4 s");
    assert_eq!(duration_text(Duration::from_secs(185)), "3 min 05 s");
    assert_eq!(duration_text(Duration::from_secs(3720)), "1 h 02 min");
}
