//! Background delivery of the outbox.
//!
//! Each process that sends starts, on first use, a worker thread per outbox and Mindbox endpoint,
//! and more (up to `concurrency`) while there is a backlog. Processes coordinate through the file:
//! one process at a time holds the endpoint's lease and delivers (so pacing and ordering need no
//! cross-process chatter); the others wait and take over when the lease runs out, e.g. after the
//! holder was killed. Each item is claimed by one sender at a time, and a claim left by a dead
//! process expires after the same lease.

use super::client::Client;
use super::error::Error;
use super::outbox::store::{Claim, Failure, Item, Role, Scope, Store, pacing_key};
use super::outbox::{backoff, now_ms, scope};
use super::process::PerProcess;
use super::request::Target;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::{Duration, Instant};

/// How often the leading worker looks for items sent by other processes.
const POLL: Duration = Duration::from_millis(100);
/// Helpers sleep longer: a send or a claim wakes one of them when there is work.
const SLOW_POLL: Duration = Duration::from_secs(1);
/// The leader ends after this long without work; the next send starts it again.
const IDLE_EXIT: Duration = Duration::from_secs(30);
/// Helpers, started for a backlog, end sooner.
const HELPER_IDLE_EXIT: Duration = Duration::from_secs(2);
/// However long Mindbox has been failing, it is probed at least this often, so that delivery
/// resumes soon after it is back.
const MAX_PROBE_INTERVAL: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Report {
    pub sent: u64,
    pub retrying: u64,
    pub failed: u64,
}

impl Report {
    fn add(&mut self, other: Report) {
        self.sent += other.sent;
        self.retrying += other.retrying;
        self.failed += other.failed;
    }
}

enum Step {
    /// Delivered one; `true` when more were waiting.
    Delivered(Report, bool),
    Wait(Duration),
    NotHolder(Duration),
    Idle,
}

pub struct Deliverer {
    scope: Scope,
    path: PathBuf,
    /// The newest configuration a client of this process gave for this endpoint.
    client: RwLock<Arc<Client>>,
    /// One connection for all of this process's workers: the file takes one writer at a time
    /// anyway, and a shared connection keeps its page cache, which a connection per thread
    /// would re-read from the WAL after every other thread's write. Never held across a request.
    store: Mutex<Option<Store>>,
    workers: Mutex<usize>,
    wake: Condvar,
    stop: AtomicBool,
    /// After a failure that says Mindbox itself is unwell (no answer, 5xx, 429), every worker
    /// holds off, longer after each consecutive one: a refused connection would otherwise be
    /// retried as fast as the workers can spin, item after item.
    trouble: Mutex<Trouble>,
}

#[derive(Default)]
struct Trouble {
    consecutive: u32,
    until: Option<Instant>,
}

/// Items delivered but not yet deleted: the deletion rides along with the worker's next claim,
/// halving the writes per event. If the process dies first, the items are sent again after the
/// lease and Mindbox answers `TransactionAlreadyProcessed`.
type Done = Vec<i64>;

static DELIVERERS: PerProcess<HashMap<(PathBuf, Scope), Arc<Deliverer>>> = PerProcess::new();
/// Who holds a lease: the process id alone could be reused by a later process.
static HOLDER: PerProcess<String> = PerProcess::new();

fn holder() -> String {
    HOLDER.with(
        || format!("{}:{:016x}", std::process::id(), fastrand::u64(..)),
        |h| h.clone(),
    )
}

/// The deliverer of this process for the client's outbox and endpoint.
pub fn deliverer(client: &Arc<Client>, path: &Path) -> Arc<Deliverer> {
    let scope = scope(client.config());
    DELIVERERS.with(HashMap::new, |map| {
        let d = map
            .entry((path.to_path_buf(), scope.clone()))
            .or_insert_with(|| {
                Arc::new(Deliverer {
                    scope,
                    path: path.to_path_buf(),
                    client: RwLock::new(client.clone()),
                    store: Mutex::new(None),
                    workers: Mutex::new(0),
                    wake: Condvar::new(),
                    stop: AtomicBool::new(false),
                    trouble: Mutex::new(Trouble::default()),
                })
            })
            .clone();
        *d.client.write().unwrap_or_else(|p| p.into_inner()) = client.clone();
        d
    })
}

/// Stops this process's workers at module shutdown, waiting a little for them to finish the
/// request in hand (what they leave claimed is taken over after the lease).
pub fn shutdown(wait: Duration) {
    let all: Vec<Arc<Deliverer>> = DELIVERERS
        .with_existing(|map| map.values().cloned().collect())
        .unwrap_or_default();
    for d in &all {
        d.stop.store(true, Ordering::SeqCst);
        d.wake.notify_all();
    }
    let deadline = Instant::now() + wait;
    for d in &all {
        let mut workers = d.workers.lock().unwrap_or_else(|p| p.into_inner());
        while *workers > 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            workers = d
                .wake
                .wait_timeout(workers, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
    }
}

impl Deliverer {
    fn client(&self) -> Arc<Client> {
        self.client
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Runs `f` on the shared connection, opening it first if needed (a failed open is retried
    /// on the next call).
    fn with_store<R>(&self, f: impl FnOnce(&mut Store) -> Result<R, Error>) -> Result<R, Error> {
        let mut guard = self.store.lock().unwrap_or_else(|p| p.into_inner());
        let store = match guard.as_mut() {
            Some(store) => store,
            None => guard.insert(Store::open(
                &self.path,
                self.client().config().synchronous,
                Role::Deliverer,
            )?),
        };
        f(store)
    }

    /// Called after each send: make sure a worker runs, and wake one. Waking them all would
    /// make every send pay for a herd of threads on the shop's cores.
    pub fn notify(self: &Arc<Self>) {
        if self.stop.load(Ordering::SeqCst) {
            return;
        }
        let mut workers = self.workers.lock().unwrap_or_else(|p| p.into_inner());
        if *workers == 0 {
            self.spawn(&mut workers, true);
        }
        drop(workers);
        self.wake.notify_one();
    }

    /// One more worker while a backlog lasts, up to `concurrency`.
    fn grow(self: &Arc<Self>) {
        let wanted = self.client().config().concurrency;
        let mut workers = self.workers.lock().unwrap_or_else(|p| p.into_inner());
        if *workers < wanted {
            self.spawn(&mut workers, false);
        }
    }

    fn spawn(self: &Arc<Self>, workers: &mut usize, leader: bool) {
        let me = self.clone();
        let spawned = std::thread::Builder::new()
            .name("mindbox-deliver".into())
            .spawn(move || me.work(leader));
        // If the system refuses a thread, the items stay safe in the outbox for a later send
        // or flush().
        if spawned.is_ok() {
            *workers += 1;
        }
    }

    fn work(self: Arc<Self>, leader: bool) {
        let (poll, idle_exit) = if leader {
            (POLL, IDLE_EXIT)
        } else {
            (SLOW_POLL, HELPER_IDLE_EXIT)
        };
        let mut done = Done::new();
        let mut last_work = Instant::now();
        while !self.stop.load(Ordering::SeqCst) {
            let pause = match self.step(&mut done) {
                Ok(Step::Delivered(_, backlog)) => {
                    last_work = Instant::now();
                    if backlog {
                        self.grow();
                        self.wake.notify_one();
                    }
                    continue;
                }
                Ok(Step::Wait(_)) if !leader && last_work.elapsed() > idle_exit => break,
                Ok(Step::Wait(d)) => d.min(poll),
                Ok(Step::NotHolder(_) | Step::Idle) if last_work.elapsed() > idle_exit => break,
                Ok(Step::NotHolder(d)) => d.min(SLOW_POLL),
                Ok(Step::Idle) => poll,
                // A busy or broken file: try again later rather than spin.
                Err(_) => SLOW_POLL,
            };
            let workers = self.workers.lock().unwrap_or_else(|p| p.into_inner());
            let _ = self.wake.wait_timeout(workers, pause);
        }
        let _ = self.with_store(|store| store.complete(&done));
        let mut workers = self.workers.lock().unwrap_or_else(|p| p.into_inner());
        *workers -= 1;
        if *workers == 0 {
            let _ = self.with_store(|store| store.release_lease(&self.scope, &holder()));
        }
        drop(workers);
        self.wake.notify_all();
    }

    fn step(&self, done: &mut Done) -> Result<Step, Error> {
        if let Some(until) = self.trouble.lock().unwrap_or_else(|p| p.into_inner()).until {
            let left = until.saturating_duration_since(Instant::now());
            if !left.is_zero() {
                return Ok(Step::Wait(left));
            }
        }
        let client = self.client();
        let config = client.config();
        let now = now_ms();
        let pace_us = pace_us(config.rate_limit);
        let lease_ms = config.lease.as_millis() as u64;
        let until = |t: u64| Duration::from_millis(t.saturating_sub(now_ms()));
        let claim = self.with_store(|store| {
            store.claim(&self.scope, &holder(), lease_ms, pace_us, now, done)
        })?;
        done.clear();
        Ok(match claim {
            Claim::Item(item, backlog) => {
                Step::Delivered(self.deliver(&client, item, done)?, backlog)
            }
            Claim::Wait(t) => Step::Wait(until(t)),
            Claim::NotHolder(t) => Step::NotHolder(until(t) + Duration::from_millis(10)),
            Claim::Idle => Step::Idle,
        })
    }

    fn deliver(&self, client: &Client, item: Item, done: &mut Done) -> Result<Report, Error> {
        let config = client.config();
        let target = Target {
            operation: &item.operation,
            endpoint: item.endpoint,
            device_uuid: item.device_uuid.as_deref(),
            customer_ip: item.customer_ip.as_deref(),
            transaction_id: Some(&item.transaction_id),
        };
        let attempt = item.attempts + 1;
        let result = client.execute(&target, None, item.body.clone(), "outbox", Some(attempt));
        let retry_after = match &result {
            Err(Error::Protocol {
                retry_after: Some(s),
                ..
            }) => Some(Duration::from_secs(*s)),
            _ => None,
        };
        let recovered = {
            let mut trouble = self.trouble.lock().unwrap_or_else(|p| p.into_inner());
            if result.as_ref().is_err_and(Error::is_retryable) {
                trouble.consecutive += 1;
                let cap = config.retry_max_delay.min(MAX_PROBE_INTERVAL);
                let pause = backoff::delay(
                    trouble.consecutive,
                    config.retry_base_delay,
                    cap,
                    retry_after,
                );
                trouble.until = Some(Instant::now() + pause);
                false
            } else {
                std::mem::take(&mut *trouble).consecutive > 0
            }
        };
        let error = match result {
            Ok(_) => {
                done.push(item.id);
                if recovered {
                    // Mindbox is back: what waited out the outage in backoff goes now, at the
                    // pace of the rate limit, instead of each at its own late retry time.
                    self.with_store(|store| store.release_backoff(&self.scope, now_ms()))?;
                }
                return Ok(Report {
                    sent: 1,
                    ..Report::default()
                });
            }
            Err(e) => e,
        };
        let now = now_ms();
        let failure = failure_of(&error);
        if error.is_retryable() && attempt < config.max_attempts {
            let delay = backoff::delay(
                attempt,
                config.retry_base_delay,
                config.retry_max_delay,
                retry_after,
            );
            let hold = retry_after.map(|d| {
                (
                    pacing_key(&self.scope, &item.operation, item.endpoint),
                    now + d.as_millis() as u64,
                )
            });
            self.with_store(|store| {
                store.reschedule(
                    item.id,
                    attempt,
                    now + delay.as_millis() as u64,
                    &failure,
                    hold,
                    now,
                )
            })?;
            Ok(Report {
                retrying: 1,
                ..Report::default()
            })
        } else {
            self.with_store(|store| store.park(item.id, attempt, &failure, now))?;
            Ok(Report {
                failed: 1,
                ..Report::default()
            })
        }
    }

    /// Delivers what is due now from the calling thread (with `concurrency` helpers), waiting for
    /// items another sender has in hand, until nothing deliverable is left or the deadline.
    pub fn flush(self: &Arc<Self>, deadline: Instant) -> Result<Report, Error> {
        let client = self.client();
        let concurrency = client.config().concurrency;
        let mut total = Report::default();
        loop {
            let reports: Vec<Result<Report, Error>> = std::thread::scope(|s| {
                let handles: Vec<_> = (0..concurrency)
                    .map(|_| s.spawn(|| self.flush_worker(deadline)))
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap_or_else(|_| Ok(Report::default())))
                    .collect()
            });
            for r in reports {
                total.add(r?);
            }
            if Instant::now() >= deadline
                || self.with_store(|store| store.deliverable(&self.scope, now_ms()))? == 0
            {
                break;
            }
            std::thread::sleep(
                Duration::from_millis(20).min(deadline.saturating_duration_since(Instant::now())),
            );
        }
        // Without workers of its own, this process must not keep other processes waiting.
        if *self.workers.lock().unwrap_or_else(|p| p.into_inner()) == 0 {
            self.with_store(|store| store.release_lease(&self.scope, &holder()))?;
        }
        Ok(total)
    }

    fn flush_worker(&self, deadline: Instant) -> Result<Report, Error> {
        let config = self.client().config().clone();
        // Waiting for the rate limit's next slot is part of delivering what is due; waiting for
        // an item's backoff is not.
        let pacing = Duration::from_micros(pace_us(config.rate_limit));
        let worth_waiting = pacing.max(Duration::from_millis(50)) + Duration::from_millis(10);
        let mut report = Report::default();
        let mut done = Done::new();
        let result = (|| {
            while Instant::now() < deadline {
                match self.step(&mut done)? {
                    Step::Delivered(r, _) => report.add(r),
                    Step::Wait(d) if d <= worth_waiting => {
                        std::thread::sleep(
                            d.min(deadline.saturating_duration_since(Instant::now())),
                        );
                    }
                    _ => break,
                }
            }
            Ok::<(), Error>(())
        })();
        self.with_store(|store| store.complete(&done))?;
        result.map(|()| report)
    }
}

/// The spacing of one operation's sends for a limit per minute (0: none). In microseconds, as
/// 8,000 a minute is 7.5 ms apart and 7 would overshoot; 0.1 % wider, so that the slot grid,
/// which lets a late send be made up once, never fits one more than the limit into a minute.
fn pace_us(limit_per_minute: u32) -> u64 {
    match limit_per_minute {
        0 => 0,
        limit => 60_060_000 / u64::from(limit),
    }
}

fn failure_of(error: &Error) -> Failure {
    let (mindbox_status, error_id) = match error {
        Error::Validation { .. } => (Some("ValidationError"), None),
        Error::Protocol { error_id, .. } => (Some("ProtocolError"), error_id.clone()),
        Error::Unavailable {
            http_status: 500 | 503,
            ..
        } => (Some("InternalServerError"), None),
        _ => (None, None),
    };
    Failure {
        http_status: error.http_status(),
        mindbox_status: mindbox_status.map(str::to_string),
        error_id,
        message: error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::config::Config;
    use crate::core::request::CallOptions;
    use serde_json::json;
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::TcpListener;
    use std::sync::mpsc;

    /// A one-answer-per-connection HTTP server; reports each request line it saw.
    fn server(status: &'static str, body: &'static str) -> (String, mpsc::Receiver<String>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (seen, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let mut reader = BufReader::new(stream);
                let mut request_line = String::new();
                let _ = reader.read_line(&mut request_line);
                let mut length = 0;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap_or(0);
                    }
                }
                let mut buf = vec![0; length];
                let _ = reader.read_exact(&mut buf);
                let _ = seen.send(request_line);
                let _ = write!(
                    reader.get_mut(),
                    "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        (url, rx)
    }

    fn client(url: &str, name: &str) -> Arc<Client> {
        let outbox = std::env::temp_dir().join(format!(
            "mindbox-delivery-{name}-{}.sqlite",
            std::process::id()
        ));
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", outbox.display()));
        }
        let config = Config::from_value(
            &json!({"endpointId": "shop", "secretKey": "k", "baseUrl": url,
                "outbox": outbox.display().to_string(), "retryDelay": 0.01, "retryMaxDelay": 0.05,
                "timeout": 1}),
            None,
        )
        .unwrap();
        Arc::new(Client::new(config))
    }

    fn cart(n: u32) -> serde_json::Value {
        json!({"customer": {"ids": {"websiteID": n.to_string()}}, "productList": []})
    }

    #[test]
    fn sent_items_are_delivered_with_their_transaction_ids() {
        let (url, seen) = server("200 OK", r#"{"status":"Success"}"#);
        let client = client(&url, "ok");
        let ids: Vec<String> = (0..5)
            .map(|n| {
                client
                    .send("Website.SetCart", cart(n), &CallOptions::default())
                    .unwrap()
            })
            .collect();
        let (_, stats) = client.flush(10.0).unwrap();
        assert_eq!(stats.pending, 0);
        let lines: Vec<String> = seen.try_iter().collect();
        assert_eq!(lines.len(), 5);
        for id in ids {
            assert!(
                lines
                    .iter()
                    .any(|l| l.contains(&format!("transactionId={id}")))
            );
            assert!(
                lines
                    .iter()
                    .all(|l| l.starts_with("POST /v3/operations/async?"))
            );
        }
    }

    #[test]
    fn refusals_are_parked_at_once_with_their_reason() {
        let (url, seen) = server(
            "400 Bad Request",
            r#"{"status":"ProtocolError","errorMessage":"nope","errorId":"e-1"}"#,
        );
        let client = client(&url, "refused");
        client
            .send("Website.SetCart", cart(1), &CallOptions::default())
            .unwrap();
        let (_, stats) = client.flush(10.0).unwrap();
        assert_eq!((stats.pending, stats.failed), (0, 1));
        assert_eq!(seen.try_iter().count(), 1);
        let failed = client.failed_items(10).unwrap();
        assert_eq!(failed[0].failure.http_status, 400);
        assert_eq!(failed[0].failure.error_id.as_deref(), Some("e-1"));
        assert_eq!(failed[0].attempts, 1);
    }

    #[test]
    fn unavailability_is_retried_until_max_attempts() {
        let (url, seen) = server("503 Service Unavailable", "");
        let client = client(&url, "down");
        client
            .send("Website.SetCart", cart(1), &CallOptions::default())
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        while client.stats().unwrap().failed == 0 && Instant::now() < deadline {
            client.flush(1.0).unwrap();
        }
        let failed = client.failed_items(10).unwrap();
        assert_eq!(failed.len(), 1);
        assert_eq!(failed[0].attempts, client.config().max_attempts);
        assert_eq!(
            failed[0].failure.mindbox_status.as_deref(),
            Some("InternalServerError")
        );
        assert_eq!(seen.try_iter().count() as u32, client.config().max_attempts);
    }

    #[test]
    fn pacing_keeps_a_minute_under_the_limit() {
        assert_eq!(pace_us(0), 0);
        assert_eq!(pace_us(8000), 7507);
        // A full minute of slots plus the one late send the grid may make up.
        assert!(60_000_000 / pace_us(8000) < 8000);
        assert!(60_000_000 / pace_us(600) < 600);
    }

    #[test]
    fn failures_are_described_for_the_outbox() {
        let f = failure_of(&Error::Validation { messages: vec![] });
        assert_eq!(
            (f.http_status, f.mindbox_status.as_deref()),
            (200, Some("ValidationError"))
        );
        let f = failure_of(&Error::unavailable(0, "reset"));
        assert_eq!((f.http_status, f.mindbox_status), (0, None));
    }
}
