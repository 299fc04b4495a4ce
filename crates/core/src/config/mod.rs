//! The client's configuration: parsed from the PHP constructor array (as JSON) and validated, so
//! that a typo or a bad value is reported when the client is built, not when an event is lost.

use super::error::{Error, Result};
use super::private;
use crate::outbox::Location;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

pub const DEFAULT_BASE_URL: &str = "https://api.mindbox.ru";

/// The helpers' operation names; `operations` in the config overrides them one by one.
pub const DEFAULT_OPERATIONS: [(&str, &str); 7] = [
    ("createOrder", "Website.CreateOrder"),
    ("updateOrder", "Website.UpdateOrder"),
    ("registerCustomer", "Website.Register"),
    ("updateCustomer", "Website.UpdateProfile"),
    ("setCart", "Website.SetCart"),
    ("subscribeEmail", "Website.SubscribeEmail"),
    ("getCustomerBalance", "Website.GetCustomerBalance"),
];

/// A secret that cannot leak through `{:?}` or `{}`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Which key this is, without the key: tells the outbox whose credentials Mindbox refused.
    /// SipHash of a key of 20 and more random characters gives nothing of it back.
    pub fn fingerprint(&self) -> String {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::hash::DefaultHasher::new();
        self.0.hash(&mut hasher);
        format!("{:016x}", hasher.finish())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthScheme {
    /// `Authorization: SecretKey <key>`, the current form.
    SecretKey,
    /// `Authorization: Mindbox secretKey="<key>"`, the form of the original specification.
    Legacy,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    Error,
    Info,
    Debug,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Synchronous {
    Normal,
    Full,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub endpoint_id: String,
    pub secret_key: Secret,
    /// Without a trailing slash; may carry a path prefix for a proxying custom domain.
    pub base_url: String,
    pub auth_scheme: AuthScheme,
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub outbox: Option<Location>,
    pub operations: BTreeMap<String, String>,
    pub max_attempts: u32,
    /// Requests a minute per operation and endpoint; 0 lifts the limit.
    pub rate_limit: u32,
    pub concurrency: usize,
    pub log_file: Option<PathBuf>,
    pub log_level: LogLevel,
    pub log_max_bytes: u64,
    pub synchronous: Synchronous,
    /// First retry delay of the outbox; doubles with each failure up to `retry_max_delay`.
    pub retry_base_delay: Duration,
    pub retry_max_delay: Duration,
    /// How long a deliverer's lease and an item's claim last without renewal: the time after
    /// which a killed process's work is taken over.
    pub lease: Duration,
}

const KNOWN_KEYS: [&str; 18] = [
    "endpointId",
    "secretKey",
    "baseUrl",
    "authScheme",
    "timeout",
    "connectTimeout",
    "outbox",
    "operations",
    "maxAttempts",
    "rateLimit",
    "concurrency",
    "logFile",
    "logLevel",
    "logMaxBytes",
    "synchronous",
    "retryDelay",
    "retryMaxDelay",
    "lease",
];

impl Config {
    /// Parses the constructor's array. `default_outbox` is used when `outbox` is not given
    /// (the binding derives it from the ini setting or the temp dir).
    pub fn from_value(value: &Value, default_outbox: Option<Location>) -> Result<Config> {
        let map = value
            .as_object()
            .ok_or_else(|| Error::invalid("config", "must be an array of options"))?;
        if let Some(unknown) = map.keys().find(|k| !KNOWN_KEYS.contains(&k.as_str())) {
            return Err(Error::invalid(
                format!("config.{unknown}"),
                format!(
                    "unknown option; known options are {}",
                    KNOWN_KEYS.join(", ")
                ),
            ));
        }
        let endpoint_id = required_string(map, "endpointId")?;
        if !endpoint_id.chars().all(|c| c.is_ascii_graphic()) {
            return Err(Error::invalid(
                "config.endpointId",
                "must be printable ASCII without spaces",
            ));
        }
        // Both stay with every item of the outbox; a MySQL outbox keeps them in columns of these sizes.
        if endpoint_id.len() > MAX_ENDPOINT_ID {
            return Err(Error::invalid(
                "config.endpointId",
                format!("is longer than {MAX_ENDPOINT_ID} characters"),
            ));
        }
        let secret_key = Secret(required_string(map, "secretKey")?);
        // Mindbox's keys are printable ASCII; anything else (a non-breaking space pasted with it, say)
        // would be refused by every request and retried for ever as if Mindbox were down.
        if !secret_key.0.chars().all(|c| c.is_ascii_graphic()) {
            return Err(Error::invalid(
                "config.secretKey",
                "may hold only printable ASCII characters, without spaces: check what was pasted with it",
            ));
        }
        let base_url = match optional_string(map, "baseUrl")? {
            Some(url) => validate_base_url(&url)?,
            None => DEFAULT_BASE_URL.to_string(),
        };
        let auth_scheme = match optional_string(map, "authScheme")?.as_deref() {
            None | Some("secretKey") | Some("SecretKey") => AuthScheme::SecretKey,
            Some("legacy") => AuthScheme::Legacy,
            Some(_) => {
                return Err(Error::invalid(
                    "config.authScheme",
                    "must be one of 'secretKey', 'legacy'".to_string(),
                ));
            }
        };
        let timeout = seconds(map, "timeout", 5.0)?;
        let connect_timeout = seconds(map, "connectTimeout", 2.0_f64.min(timeout.as_secs_f64()))?;
        let outbox = match optional_string(map, "outbox")? {
            Some(setting) => {
                Some(Location::parse(&setting).map_err(|e| Error::invalid("config.outbox", e))?)
            }
            None => default_outbox,
        };
        let mut operations: BTreeMap<String, String> = DEFAULT_OPERATIONS
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        match map.get("operations") {
            None | Some(Value::Null) => {}
            Some(Value::Object(overrides)) => {
                for (helper, name) in overrides {
                    let path = format!("config.operations.{helper}");
                    if !operations.contains_key(helper) {
                        return Err(Error::invalid(path, "is not a helper of MindboxClient"));
                    }
                    let name = name
                        .as_str()
                        .ok_or_else(|| Error::invalid(&path, "must be a string"))?;
                    validate_operation(name).map_err(|m| Error::invalid(&path, m))?;
                    operations.insert(helper.clone(), name.to_string());
                }
            }
            Some(_) => {
                return Err(Error::invalid(
                    "config.operations",
                    "must be an array of helper => operation name",
                ));
            }
        }
        let max_attempts = integer(map, "maxAttempts", 12, 1, 1000)? as u32;
        let rate_limit = integer(map, "rateLimit", 8000, 0, 1_000_000)? as u32;
        let concurrency = integer(map, "concurrency", 16, 1, 64)? as usize;
        let log_file = optional_string(map, "logFile")?.map(PathBuf::from);
        if let Some(path) = &log_file {
            // The log holds customers' data too: the same rules as the outbox, checked up front.
            let place = private::place_of(path).map_err(|e| Error::invalid("config.logFile", e))?;
            if let Ok(meta) = std::fs::symlink_metadata(path) {
                private::check_existing(path, &meta, place)
                    .map_err(|e| Error::invalid("config.logFile", e))?;
            }
        }
        let log_level = match optional_string(map, "logLevel")?.as_deref() {
            None | Some("info") => LogLevel::Info,
            Some("error") => LogLevel::Error,
            Some("debug") => LogLevel::Debug,
            Some(_) => {
                return Err(Error::invalid(
                    "config.logLevel",
                    "must be one of 'error', 'info', 'debug'".to_string(),
                ));
            }
        };
        let log_max_bytes = integer(map, "logMaxBytes", 10 * 1024 * 1024, 4096, i64::MAX)? as u64;
        let synchronous = match optional_string(map, "synchronous")?.as_deref() {
            None | Some("NORMAL") | Some("normal") => Synchronous::Normal,
            Some("FULL") | Some("full") => Synchronous::Full,
            Some(_) => {
                return Err(Error::invalid(
                    "config.synchronous",
                    "must be one of 'NORMAL', 'FULL'".to_string(),
                ));
            }
        };
        let retry_base_delay = seconds(map, "retryDelay", 2.0)?;
        let retry_max_delay = seconds(
            map,
            "retryMaxDelay",
            1800.0_f64.max(retry_base_delay.as_secs_f64()),
        )?;
        let lease = seconds(map, "lease", 60.0_f64.max(timeout.as_secs_f64() * 2.0))?;
        if lease <= timeout {
            return Err(Error::invalid(
                "config.lease",
                "must be longer than timeout, or a slow request would be sent twice at once",
            ));
        }
        Ok(Config {
            retry_base_delay,
            retry_max_delay,
            lease,
            endpoint_id,
            secret_key,
            base_url,
            auth_scheme,
            timeout,
            connect_timeout,
            outbox,
            operations,
            max_attempts,
            rate_limit,
            concurrency,
            log_file,
            log_level,
            log_max_bytes,
            synchronous,
        })
    }

    /// The configured operation name of a helper such as `createOrder`.
    pub fn operation<'a>(&'a self, helper: &'a str) -> &'a str {
        self.operations
            .get(helper)
            .map(String::as_str)
            .unwrap_or(helper)
    }
}

/// Mindbox operation system names are ASCII identifiers joined by dots (`Website.CreateOrder`).
pub fn validate_operation(name: &str) -> std::result::Result<(), String> {
    if name.is_empty() {
        return Err("must not be empty".into());
    }
    if name.len() > 200 {
        return Err("is longer than 200 characters".into());
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Err(format!(
            "'{}' may hold only letters, digits, '.', '_' and '-'",
            name.escape_default()
        ));
    }
    Ok(())
}

const MAX_ENDPOINT_ID: usize = 128;
const MAX_BASE_URL: usize = 255;

/// Plain HTTP would send the secret key in clear text, so it is allowed only to this machine. The
/// address is never repeated in a message: it may carry credentials of its own.
fn validate_base_url(url: &str) -> Result<String> {
    let bad = |m: &str| Error::invalid("config.baseUrl", m);
    if url.contains('#') {
        return Err(bad(
            "must not carry a fragment (#…): it would cut the operation's path off",
        ));
    }
    let trimmed = url.trim_end_matches('/');
    if trimmed.len() > MAX_BASE_URL {
        return Err(bad(&format!("is longer than {MAX_BASE_URL} characters")));
    }
    let uri: ureq::http::Uri = trimmed.parse().map_err(|_| bad("is not a URL"))?;
    if uri.authority().is_some_and(|a| a.as_str().contains('@')) {
        return Err(bad(
            "must not carry a user or password (user@host): Mindbox takes the key in a header",
        ));
    }
    let host = uri.host().ok_or_else(|| bad("has no host"))?;
    if uri.query().is_some() {
        return Err(bad("must not carry a query"));
    }
    match uri.scheme_str() {
        Some("https") => Ok(trimmed.to_string()),
        Some("http") if is_loopback(host) => Ok(trimmed.to_string()),
        Some("http") => Err(bad(
            "plain http is allowed only to a loopback host; use https",
        )),
        _ => Err(bad("must start with https://")),
    }
}

fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .map(|ip| ip.is_loopback())
            .unwrap_or(false)
}

fn required_string(map: &Map<String, Value>, key: &str) -> Result<String> {
    match optional_string(map, key)? {
        Some(s) if !s.trim().is_empty() => Ok(s),
        _ => Err(Error::invalid(
            format!("config.{key}"),
            "is required and must be a non-empty string",
        )),
    }
}

fn optional_string(map: &Map<String, Value>, key: &str) -> Result<Option<String>> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(Error::invalid(format!("config.{key}"), "must be a string")),
    }
}

fn seconds(map: &Map<String, Value>, key: &str, default: f64) -> Result<Duration> {
    let value = match map.get(key) {
        None | Some(Value::Null) => default,
        Some(Value::Number(n)) => n.as_f64().unwrap_or(f64::NAN),
        Some(_) => {
            return Err(Error::invalid(
                format!("config.{key}"),
                "must be a number of seconds",
            ));
        }
    };
    if !(value > 0.0 && value <= 86_400.0) {
        return Err(Error::invalid(
            format!("config.{key}"),
            format!("{value} is not between 0 and 86400 seconds"),
        ));
    }
    Ok(Duration::from_secs_f64(value))
}

fn integer(map: &Map<String, Value>, key: &str, default: i64, min: i64, max: i64) -> Result<i64> {
    let value = match map.get(key) {
        None | Some(Value::Null) => return Ok(default),
        Some(Value::Number(n)) => n.as_i64(),
        Some(_) => None,
    };
    match value {
        Some(v) if (min..=max).contains(&v) => Ok(v),
        _ => Err(Error::invalid(
            format!("config.{key}"),
            format!("must be an integer from {min} to {max}"),
        )),
    }
}

#[cfg(test)]
mod tests;
