//! The request log: one JSON line per request, off unless `logFile` is set.
//!
//! Shops' logs are read by many people and kept for long, so the log never holds the secret key
//! (headers are never logged), bodies appear only at `debug` and then with e-mail addresses,
//! phone numbers and passwords masked, and the file is rotated by size. Many PHP workers append
//! at once: each line is one `write` on an `O_APPEND` file, and rotation happens under a lock.

use crate::mask::{self, mask};
use crate::private;
use serde_json::{Value, json};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum LogLevel {
    Error,
    Info,
    Debug,
}

/// Rotated files kept beside the live one: `mindbox.log.1` … `.3`.
const KEPT: u32 = 3;

#[derive(Debug, Clone)]
pub(crate) struct Logger {
    path: PathBuf,
    level: LogLevel,
    max_bytes: u64,
}

/// One request, as the log sees it.
#[derive(Debug, Default)]
pub(crate) struct Record<'a> {
    pub(crate) operation: &'a str,
    pub(crate) endpoint: &'a str,
    pub(crate) http_status: u16,
    pub(crate) duration: Duration,
    pub(crate) transaction_id: Option<&'a str>,
    pub(crate) error: Option<String>,
    pub(crate) request_body: Option<&'a Value>,
    pub(crate) response_body: Option<&'a [u8]>,
    /// `call` for synchronous calls, `outbox` for deliveries.
    pub(crate) source: &'a str,
    pub(crate) attempt: Option<u32>,
}

impl Logger {
    pub(crate) fn new(path: PathBuf, level: LogLevel, max_bytes: u64) -> Logger {
        Logger {
            path,
            level,
            max_bytes,
        }
    }

    /// Logging must never break a call, so failures to write are dropped.
    pub(crate) fn write(&self, record: &Record<'_>) {
        if self.level == LogLevel::Error && record.error.is_none() {
            return;
        }
        let mut line = serde_json::to_vec(&self.render(record)).unwrap_or_default();
        line.push(b'\n');
        let _ = self.append(&line);
    }

    fn render(&self, r: &Record<'_>) -> Value {
        let response: Option<Value> = r.response_body.map(|b| {
            serde_json::from_slice(b).unwrap_or_else(|_| {
                let text = String::from_utf8_lossy(&b[..b.len().min(2048)]).into_owned();
                Value::String(text)
            })
        });
        let mut line = json!({
            "time": iso8601(SystemTime::now()),
            "source": r.source,
            "operation": r.operation,
            "endpoint": r.endpoint,
            "httpStatus": r.http_status,
            "mindboxStatus": response.as_ref().and_then(|v| v.get("status")).cloned(),
            "durationMs": (r.duration.as_secs_f64() * 1000.0 * 10.0).round() / 10.0,
            "transactionId": r.transaction_id,
            "errorId": response.as_ref().and_then(|v| v.get("errorId")).cloned(),
            "error": r.error.as_deref().map(mask::text),
        });
        if let Some(attempt) = r.attempt {
            line["attempt"] = json!(attempt);
        }
        if self.level == LogLevel::Debug {
            line["request"] = r.request_body.map(mask).unwrap_or(Value::Null);
            line["response"] = response.as_ref().map(mask).unwrap_or(Value::Null);
        }
        line
    }

    fn append(&self, line: &[u8]) -> std::io::Result<()> {
        if fs::metadata(&self.path).map(|m| m.len()).unwrap_or(0) + line.len() as u64
            > self.max_bytes
        {
            self.rotate()?;
        }
        let place = private::place_of(&self.path).map_err(std::io::Error::other)?;
        private::open_append(&self.path, place)?.write_all(line)
    }

    fn rotate(&self) -> std::io::Result<()> {
        let place = private::place_of(&self.path).map_err(std::io::Error::other)?;
        // Never through a link: a link in its place would have the rotation truncate its target.
        let lock = private::open_append(&with_suffix(&self.path, "lock"), place)?;
        // Never wait for the lock: a process forked while another held it keeps it held for as
        // long as it lives, and a log somewhat over its size is harmless. Whoever holds it rotates.
        if lock.try_lock().is_err() {
            return Ok(());
        }
        // Another process may have rotated just before.
        let rotated = if fs::metadata(&self.path).map(|m| m.len()).unwrap_or(0) > self.max_bytes / 2
        {
            for n in (1..KEPT).rev() {
                let _ = fs::rename(
                    with_suffix(&self.path, &n.to_string()),
                    with_suffix(&self.path, &(n + 1).to_string()),
                );
            }
            fs::rename(&self.path, with_suffix(&self.path, "1"))
        } else {
            Ok(())
        };
        let _ = lock.unlock();
        rotated
    }
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".");
    s.push(suffix);
    PathBuf::from(s)
}

/// UTC, millisecond precision, without pulling in a date crate for one format.
pub(crate) fn iso8601(t: SystemTime) -> String {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = d.as_secs() as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        d.subsec_millis()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        crate::private::test_dir(&format!("log-{name}"))
    }

    #[test]
    fn masks_personal_data_but_keeps_shape() {
        let v = json!({"customer": {"email": "ivan.petrov@mail.ru", "mobilePhone": "79001234567",
            "password": "p", "firstName": "Иван", "note": "write to a.b@c.ru please"}});
        let m = mask(&v);
        assert_eq!(m["customer"]["email"], "i***@mail.ru");
        assert_eq!(m["customer"]["mobilePhone"], "*********67");
        assert_eq!(m["customer"]["password"], "***");
        assert_eq!(m["customer"]["firstName"], "Иван");
        assert_eq!(m["customer"]["note"], "write to a***@c.ru please");
    }

    #[test]
    fn bodies_only_at_debug() {
        let dir = temp_dir("levels");
        let body = json!({"customer": {"email": "x@y.ru"}});
        for (level, expect_body) in [(LogLevel::Info, false), (LogLevel::Debug, true)] {
            let path = dir.join(format!("{level:?}.log"));
            let logger = Logger::new(path.clone(), level, 1 << 20);
            logger.write(&Record {
                operation: "A.B",
                endpoint: "sync",
                http_status: 200,
                request_body: Some(&body),
                response_body: Some(b"{\"status\":\"Success\"}"),
                source: "call",
                ..Default::default()
            });
            let text = fs::read_to_string(&path).unwrap();
            let line: Value = serde_json::from_str(text.trim()).unwrap();
            assert_eq!(line["mindboxStatus"], "Success");
            assert_eq!(line.get("request").is_some(), expect_body);
            assert!(!text.contains("x@y.ru"));
        }
        let quiet = Logger::new(dir.join("error.log"), LogLevel::Error, 1 << 20);
        quiet.write(&Record::default());
        assert!(!dir.join("error.log").exists());
    }

    #[test]
    fn rotates_by_size_and_keeps_three() {
        let dir = temp_dir("rotate");
        let path = dir.join("m.log");
        let logger = Logger::new(path.clone(), LogLevel::Info, 4096);
        for _ in 0..200 {
            logger.write(&Record {
                operation: "Website.CreateOrder",
                source: "outbox",
                ..Default::default()
            });
        }
        assert!(fs::metadata(&path).unwrap().len() <= 4096);
        assert!(with_suffix(&path, "3").exists());
        assert!(!with_suffix(&path, "4").exists());
    }

    #[test]
    fn timestamps() {
        assert_eq!(iso8601(UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            iso8601(UNIX_EPOCH + Duration::from_millis(1_709_251_199_123)),
            "2024-02-29T23:59:59.123Z"
        );
    }
}
